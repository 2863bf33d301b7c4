/**
 * Recorded sessions over HTTP (`/api/sessions`): TypeBox schemas for every request and response, so
 * the hub validates and serialises with them and the dashboard's history screen shares the types.
 */
import { Type, type Static } from 'typebox';
import { ExerciseIdSchema, Side } from './programme.ts';
import { SessionCommand, SessionEvent, SessionView } from './session.ts';
import { LinkState } from './messages.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * - `recording`: a hub is writing it now;
 * - `complete`: it ended cleanly (finished, stopped, or the hub shut down);
 * - `interrupted`: the hub that wrote it died (crash, kill -9, power): it holds everything up to
 *   about a second before that, and replays up to there.
 */
export const RecordingStatus = Type.Enum(['recording', 'complete', 'interrupted']);
export type RecordingStatus = Static<typeof RecordingStatus>;

export const RecordingSource = Type.Enum(['live', 'import']);

/** A session in a list: what a history screen and `swivel sessions list` show. */
export const RecordedSessionItem = Type.Object({
  id: Type.Integer(),
  /** Hub clock, ms since the epoch. */
  startedAt: Type.Number(),
  /** Null while recording. */
  endedAt: Nullable(Type.Number()),
  status: RecordingStatus,
  /** Exercise ids in the order they were done. */
  exercises: Type.Array(Type.String()),
  /** Samples of every sensor since the session started. */
  samples: Type.Integer(),
  durationSeconds: Type.Number(),
  source: RecordingSource,
  name: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  programmeId: Type.String(),
});
export type RecordedSessionItem = Static<typeof RecordedSessionItem>;

export const SessionListQuery = Type.Object(
  {
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type SessionListQuery = Static<typeof SessionListQuery>;

/** Newest first. */
export const SessionListResponse = Type.Object({
  sessions: Type.Array(RecordedSessionItem),
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer(),
});
export type SessionListResponse = Static<typeof SessionListResponse>;

export const SessionIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const TimedEvent = Type.Object({ at: Type.Number(), event: SessionEvent });
export const TimedCommand = Type.Object({ at: Type.Number(), command: SessionCommand });
export const TimedLink = Type.Object({ at: Type.Number(), sensorId: Type.String(), state: LinkState, detail: Type.String() });
export const TimedReset = Type.Object({ at: Type.Number(), epoch: Type.Integer() });

/** One set's scoring as recorded: the frames between `at` and `endedAt` made its figures. */
export const RecordedSet = Type.Object({
  run: Type.Integer(),
  exerciseId: ExerciseIdSchema,
  side: Side,
  set: Type.Integer(),
  at: Type.Number(),
  endedAt: Nullable(Type.Number()),
});

/** One session in full: its summary (the last state: results and ROM) and what happened. */
export const RecordedSessionDetail = Type.Object({
  ...RecordedSessionItem.properties,
  programmeTitle: Type.String(),
  /** For an imported file: the exercise and side it was imported as. */
  exerciseId: Nullable(Type.String()),
  side: Nullable(Side),
  sensors: Type.Array(Type.Object({ sensorId: Type.String(), samples: Type.Integer(), lostPackets: Type.Integer() })),
  /** The session as it last stood: results of every set, ROM per side. Null for an import. */
  summary: Nullable(SessionView),
  sets: Type.Array(RecordedSet),
  events: Type.Array(TimedEvent),
  commands: Type.Array(TimedCommand),
  links: Type.Array(TimedLink),
  resets: Type.Array(TimedReset),
});
export type RecordedSessionDetail = Static<typeof RecordedSessionDetail>;

/** Rename or annotate; null clears. */
export const SessionPatch = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SessionPatch = Static<typeof SessionPatch>;

/** POST /api/sessions/import?exercise=ID&side=left with a CSV body in the `swivel analyze` format. */
export const SessionImportQuery = Type.Object(
  {
    exercise: ExerciseIdSchema,
    side: Type.Optional(Side),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    /** When the recording was made (ISO 8601, e.g. 2026-11-18T09:30), so history puts it on its day; default: now. */
    startedAt: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type SessionImportQuery = Static<typeof SessionImportQuery>;

/** What an export consists of: one CSV per sensor (`swivel analyze` input) and the events as JSON. */
export const SessionExportManifest = Type.Object({
  id: Type.Integer(),
  files: Type.Array(Type.Object({ name: Type.String(), url: Type.String(), contentType: Type.String(), sensorId: Nullable(Type.String()) })),
});
export type SessionExportManifest = Static<typeof SessionExportManifest>;

export const SensorCsvQuery = Type.Object({ sensor: Type.Optional(Type.String()) }, { additionalProperties: false });

/** Key for key what `swivel analyze --json` prints, for one set of a replayed session. */
export const AnalysisSummarySchema = Type.Object({
  exercise: Nullable(ExerciseIdSchema),
  side: Nullable(Side),
  samples: Type.Integer(),
  gapSeconds: Type.Number(),
  repCount: Type.Integer(),
  reps: Type.Array(Type.Object({ start: Type.Number(), end: Type.Number(), peakAngle: Type.Number(), hold: Type.Number(), holdMet: Nullable(Type.Boolean()) })),
  partialCount: Type.Integer(),
  partials: Type.Array(Type.Object({ start: Type.Number(), end: Type.Number(), peak: Type.Number() })),
  holds: Type.Array(Type.Object({ start: Type.Number(), end: Type.Number() })),
  holdTotal: Type.Number(),
  maxAngle: Type.Number(),
});

/** A session re-scored from its samples: one analyze-shaped summary per set, in order. */
export const RescoreResponse = Type.Object({
  id: Type.Integer(),
  sets: Type.Array(AnalysisSummarySchema),
  /** Set when figures kept from an earlier version of Swivel's scoring were replaced by these. */
  scoringUpdated: Type.Optional(Type.Boolean()),
});
export type RescoreResponse = Static<typeof RescoreResponse>;
