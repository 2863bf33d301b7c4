/**
 * Everything the hub says over HTTP and WebSocket, as TypeBox schemas. The hub validates and
 * serialises with them; web/ imports the static types (and nothing else from the hub).
 */
import { Type, type Static } from 'typebox';
import { SessionCommand, SessionEvent, SessionView } from './session.ts';
import { ReplayCommand, ReplayState } from './replay.ts';
import { PairingRole } from './access.ts';

export const LinkState = Type.Union([
  Type.Literal('idle'),
  Type.Literal('scanning'),
  Type.Literal('connecting'),
  Type.Literal('connected'),
  Type.Literal('lost'),
  Type.Literal('reconnecting'),
  Type.Literal('stopped'),
]);
export type LinkState = Static<typeof LinkState>;

/**
 * initialising: no orientation yet; calibrating: no start posture yet; settling: a start posture, but the
 * gyroscope's bias is not learned yet, so heading (a turn about the vertical) may drift: hold still a
 * moment; ok; disturbed: the accelerometer has read far from 1 g for seconds (shaking, a fall).
 */
export const AngleHealth = Type.Union([Type.Literal('initialising'), Type.Literal('calibrating'), Type.Literal('settling'), Type.Literal('ok'), Type.Literal('disturbed')]);
export type AngleHealth = Static<typeof AngleHealth>;

export const SensorSource = Type.Union([Type.Literal('sim'), Type.Literal('ble')]);
export type SensorSource = Static<typeof SensorSource>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const SensorStats = Type.Object({
  /** Notifications received. */
  packets: Type.Integer(),
  samples: Type.Integer(),
  /** Notifications missing from the sequence numbers (not counting link drops). */
  lostPackets: Type.Integer(),
  /** Notifications that could not be decoded; each is dropped and the stream goes on. */
  malformedPackets: Type.Integer(),
  lastMalformed: Nullable(Type.String()),
  /** Link losses since the hub started. */
  linkLosses: Type.Integer(),
  battery: Nullable(Type.Integer()),
  rssi: Nullable(Type.Integer()),
  rateHz: Nullable(Type.Number()),
});
export type SensorStats = Static<typeof SensorStats>;

export const SensorInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  manufacturer: Nullable(Type.String()),
  model: Nullable(Type.String()),
  firmware: Nullable(Type.String()),
});
export type SensorInfo = Static<typeof SensorInfo>;

export const SensorSnapshot = Type.Object({
  /** The hub's name for this sensor slot, as in every angle, link and stats message. */
  sensorId: Type.String(),
  info: Nullable(SensorInfo),
  state: LinkState,
  detail: Type.String(),
  stats: SensorStats,
  angle: Nullable(Type.Number()),
  /** Which shin the person says the sensor is on (null: not said). */
  shin: Nullable(Type.Union([Type.Literal('left'), Type.Literal('right')])),
  /**
   * The session scores this sensor's angle (at most one sensor at a time): with two sensors, the one on
   * the set's side, else the one that connected last.
   */
  counting: Type.Boolean(),
});
export type SensorSnapshot = Static<typeof SensorSnapshot>;

export const HealthResponse = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
  sensorSource: SensorSource,
  sensorSourceReason: Type.String(),
  viewers: Type.Integer(),
  memory: Type.Object({ rssBytes: Type.Integer(), heapUsedBytes: Type.Integer() }),
  /**
   * Time the hub itself adds to recent angle frames: from the sensor notification arriving to the
   * frame being handed to every viewer's socket, over the last ~1000 frames (null before any).
   */
  frameLatencyMs: Type.Object({ frames: Type.Integer(), p50: Nullable(Type.Number()), p99: Nullable(Type.Number()) }),
});
export type HealthResponse = Static<typeof HealthResponse>;

export const SensorsResponse = Type.Object({ sensors: Type.Array(SensorSnapshot) });

export const SensorParams = Type.Object({ sensorId: Type.String({ minLength: 1, maxLength: 64 }) });
/** PATCH /api/sensors/:sensorId: which shin the sensor is strapped to (null: not said). */
export const SensorPatch = Type.Object({ shin: Nullable(Type.Union([Type.Literal('left'), Type.Literal('right')])) }, { additionalProperties: false });
export type SensorPatch = Static<typeof SensorPatch>;
export type SensorsResponse = Static<typeof SensorsResponse>;

export const ErrorResponse = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

// ---- WebSocket: hub → viewer ----

/** First message on every connection: the whole current state, so a late viewer needs no history. */
export const HelloMessage = Type.Object({
  type: Type.Literal('hello'),
  version: Type.String(),
  /**
   * What this client may do, on the live socket (docs/security.md): a coach steers; a viewer watches,
   * and the hub refuses its commands, so the dashboard does not offer them. Absent on a replay's
   * socket, which any client may steer.
   */
  role: Type.Optional(PairingRole),
  /** `recording`: a replay, whose samples come from the database. */
  sensorSource: Type.Union([SensorSource, Type.Literal('recording')]),
  sensorSourceReason: Type.String(),
  sensors: Type.Array(SensorSnapshot),
  /** The guided session as it stands. */
  session: SessionView,
  /** Present on a replay's socket only. */
  replay: Type.Optional(ReplayState),
});

/**
 * The guided session after a change: its whole state, so a screen just renders it. Sent at most about
 * ten times a second (a hold timer changes with every sample), and always after the last change.
 */
export const SessionMessage = Type.Object({
  type: Type.Literal('session'),
  session: SessionView,
});

/** Something that just happened in the session (a rep counted, a hold reached its target …). */
export const EventMessage = Type.Object({
  type: Type.Literal('event'),
  event: SessionEvent,
  /** Hub clock, ms since the epoch. */
  at: Type.Number(),
});

/**
 * Angle frames, at most about 60 a second: `angle` is the newest value, `trace` every angle since
 * the previous frame (oldest first) so a chart misses nothing while the screen is not flooded.
 */
export const AngleMessage = Type.Object({
  type: Type.Literal('angle'),
  sensorId: Type.String(),
  /** Sequence number of the notification that carried the newest sample. */
  seq: Type.Integer(),
  /** Sensor clock of the newest sample, seconds since the sensor powered on (wraps unrolled). */
  t: Type.Number(),
  angle: Type.Number(),
  trace: Type.Array(Type.Number()),
  /** Sensor orientation at the newest sample, [w, x, y, z], sensor → earth (z up, heading arbitrary). */
  orientation: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  /** initialising: no orientation yet; calibrating: no start posture yet; disturbed: accelerometer unusable for a while. */
  health: AngleHealth,
});

export const LinkMessage = Type.Object({
  type: Type.Literal('link'),
  sensorId: Type.String(),
  state: LinkState,
  detail: Type.String(),
  info: Nullable(SensorInfo),
});

/** A sensor's settings changed (which shin it is on): its whole snapshot. */
export const SensorMessage = Type.Object({
  type: Type.Literal('sensor'),
  sensor: SensorSnapshot,
});

export const StatsMessage = Type.Object({
  type: Type.Literal('stats'),
  sensorId: Type.String(),
  stats: SensorStats,
});

/** The hub's answer to a viewer message it could not accept. */
export const ErrorMessage = Type.Object({
  type: Type.Literal('error'),
  message: Type.String(),
});

export const PongMessage = Type.Object({ type: Type.Literal('pong'), at: Type.Number() });

/**
 * The recorder's news: a session is being recorded, it was saved, or recording failed (a read-only
 * or full data directory) with the reason. Live counting goes on whatever this says.
 */
export const RecordingMessage = Type.Object({
  type: Type.Literal('recording'),
  status: Type.Enum(['recording', 'saved', 'failed']),
  /** The recorded session, when there is one. */
  sessionId: Nullable(Type.Integer()),
  message: Type.String(),
});
export type RecordingMessage = Static<typeof RecordingMessage>;

/**
 * News about the hub's own helpers that a person should see: the simulator the hub started stopped
 * and is being restarted (after a growing wait), is running again, or could not be restarted.
 */
export const HubNoticeMessage = Type.Object({
  type: Type.Literal('hub'),
  topic: Type.Literal('simulator'),
  status: Type.Enum(['restarting', 'running', 'failed']),
  message: Type.String(),
});
export type HubNoticeMessage = Static<typeof HubNoticeMessage>;

/** Where a replay is and how it plays (replay socket only), after every change and a few times a second while it plays. */
export const ReplayMessage = Type.Object({
  type: Type.Literal('replay'),
  replay: ReplayState,
});
export type ReplayMessage = Static<typeof ReplayMessage>;

export const ServerMessage = Type.Union([HelloMessage, AngleMessage, LinkMessage, StatsMessage, SessionMessage, EventMessage, ErrorMessage, PongMessage, RecordingMessage, HubNoticeMessage, SensorMessage, ReplayMessage]);
export type HelloMessage = Static<typeof HelloMessage>;
export type AngleMessage = Static<typeof AngleMessage>;
export type LinkMessage = Static<typeof LinkMessage>;
export type StatsMessage = Static<typeof StatsMessage>;
export type SensorMessage = Static<typeof SensorMessage>;
export type ErrorMessage = Static<typeof ErrorMessage>;
export type PongMessage = Static<typeof PongMessage>;
export type SessionMessage = Static<typeof SessionMessage>;
export type EventMessage = Static<typeof EventMessage>;
export type ServerMessage = Static<typeof ServerMessage>;

// ---- WebSocket: viewer → hub ----

export const PingMessage = Type.Object({ type: Type.Literal('ping'), at: Type.Number() }, { additionalProperties: false });
/** Steer the guided session (start, next, skip, switch side, calibrate, count, stop). */
export const SessionCommandMessage = Type.Object({ type: Type.Literal('session'), command: SessionCommand }, { additionalProperties: false });
export const ClientMessage = Type.Union([PingMessage, SessionCommandMessage]);
export type ClientMessage = Static<typeof ClientMessage>;
/** Steer a replay (play, pause, seek, speed): on the replay socket. */
export const ReplayCommandMessage = Type.Object({ type: Type.Literal('replay'), command: ReplayCommand }, { additionalProperties: false });
export const ReplayClientMessage = Type.Union([PingMessage, ReplayCommandMessage]);
export type ReplayClientMessage = Static<typeof ReplayClientMessage>;

/** Largest viewer message the hub reads; anything bigger closes that viewer's socket (code 1009, with a reason). */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;
