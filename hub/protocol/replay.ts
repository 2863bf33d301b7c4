/**
 * Replaying a recorded session to a dashboard (`/ws/replay/:id`): the state of the replay and the
 * viewer's commands to steer it. The session itself arrives as on the live socket (hello, angle,
 * session, event, link), so the dashboard draws a replay with the same code as a live session.
 */
import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** Paces a person can pick: multiples of real time, or `max`, as fast as the hub computes. */
export const REPLAY_SPEEDS = [1, 2, 5, 10, 'max'] as const;
export const ReplaySpeed = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(5), Type.Literal(10), Type.Literal('max')]);
export type ReplaySpeed = Static<typeof ReplaySpeed>;

export const ReplayState = Type.Object({
  sessionId: Type.Integer(),
  /** The recording's name, if it was given one. */
  name: Nullable(Type.String()),
  /** When the session was recorded, ms since the epoch. */
  startedAt: Type.Number(),
  /** From the session's start to its last sample, seconds. */
  durationSeconds: Type.Number(),
  /** Where the replay is, seconds from the session's start. */
  positionSeconds: Type.Number(),
  speed: ReplaySpeed,
  paused: Type.Boolean(),
  /** The last sample has been played (a seek or play starts it again). */
  finished: Type.Boolean(),
  /** Goes up with every seek: a screen clears its trace, as time has jumped. */
  seekCount: Type.Integer({ minimum: 0 }),
});
export type ReplayState = Static<typeof ReplayState>;

export const ReplayCommand = Type.Union([
  Type.Object({ action: Type.Literal('play') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('pause') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('seek'), seconds: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('speed'), speed: ReplaySpeed }, { additionalProperties: false }),
]);
export type ReplayCommand = Static<typeof ReplayCommand>;
