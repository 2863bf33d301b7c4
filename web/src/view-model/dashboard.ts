import type { PairingRole } from '../../../hub/protocol/access.ts';
import type { HelloMessage } from '../../../hub/protocol/messages.ts';
import type { Programme } from '../../../hub/protocol/programme.ts';
import type { ReplayState } from '../../../hub/protocol/replay.ts';
import type { SessionStatus, SessionView, SetResult } from '../../../hub/protocol/session.ts';
import { deriveExercise, type ExerciseView } from './exercise.ts';
import { doneKey } from './programme-text.ts';
import { deriveRest, type RestView } from './rest.ts';
import { countingText, deriveSensor, deriveSensorList, type SensorFacts, type SensorRowView, type SensorView } from './sensor.ts';
import { shownFlash, type Announcement, type Flash, type SetFeedback } from './set-feedback.ts';

/** A hub error stays on screen this long unless dismissed, ms. */
export const NOTICE_MS = 15_000;

export type ScreenKind = 'programme' | 'exercise' | 'rest' | 'summary' | 'history';
/** The screen the person asked for; `session` follows the session's status. */
export type AskedScreen = 'session' | 'programme' | 'history';
export type BannerKind = 'lost' | 'unreachable' | 'connecting';
/**
 * Whether the screen is kept awake (cues/wake-lock.ts):
 * - `off`: no session under way, nothing held;
 * - `held`: the screen stays awake;
 * - `unavailable`: this browser cannot keep it awake (no Screen Wake Lock API, e.g. over plain http
 *   from another device: it needs a secure context);
 * - `refused`: the browser said no (battery saver, page hidden, policy).
 */
export type WakeState = 'off' | 'held' | 'unavailable' | 'refused';

/** What the view model reads of the hub connection (HubConnection has all of it). */
export interface HubFacts {
  status: 'connecting' | 'live' | 'down';
  everLive: boolean;
  failures: number;
  /** Wall-clock ms of the next attempt while down. */
  retryAt: number | null;
  refused: string | null;
  notice: { message: string; at: number } | null;
  hubVersion: string | null;
  sensorSource: HelloMessage['sensorSource'] | null;
  /** What the hub lets this device do (null until its first `hello`). */
  role: PairingRole | null;
  replay: ReplayState | null;
  session: SessionView | null;
  programme: Programme | null;
  primary: SensorFacts | null;
  /** Every sensor the hub knows, in its order. */
  sensors: readonly SensorFacts[];
}

export interface DashboardInput {
  hub: HubFacts;
  asked: AskedScreen;
  feedback: SetFeedback;
  wake: WakeState;
  /** The view's clock (performance.now() at the render request), ms. */
  now: number;
  /** Date.now(), for the retry countdown. */
  wallNow: number;
  /** The gauge's default range, degrees. */
  rangeMin: number;
  rangeMax: number;
}

/** Everything the app and its screens show, derived once per render from the connection's state. */
export interface DashboardView {
  screen: ScreenKind;
  status: SessionStatus | 'none';
  /** A set or a rest is under way. */
  running: boolean;
  sensor: SensorView;
  /** Each sensor's line when the hub has two or more (one per shin, or a phone too); else empty. */
  sensors: SensorRowView[];
  /** With two sensors or more, which one counts ("Counting with Swivel-0002 on the right shin"); else empty. */
  countingText: string;
  hubLabel: string;
  bannerKind: BannerKind | null;
  retryIn: number | null;
  noticeText: string | null;
  wakeText: string | null;
  /**
   * Whether this device may steer: start and step the session, connect the sensor, say which shin.
   * False for a viewer (the hub would refuse) and until the hub has said who this device is.
   */
  steers: boolean;
  /** The header's hint on a viewer, so the missing buttons are not a mystery. */
  watchOnlyText: string | null;
  replay: ReplayState | null;
  replayTitle: string;
  /** "Exercise 3 of 26" while running. */
  progressText: string;
  /** The exercise the programme list marks as current while running. */
  currentExercise: string | null;
  /** Sides done, as doneKey() keys (the same array while the results are the same). */
  done: readonly string[];
  doneFrom: readonly SetResult[] | null;
  totalSeconds: number | null;
  flash: Flash | null;
  announcement: Announcement | null;
  exercise: ExerciseView | null;
  rest: RestView | null;
}

/** Which screen shows: the one asked for, else the one the session's status calls for. */
export function chooseScreen(asked: AskedScreen, session: SessionView | null): ScreenKind {
  if (asked === 'history') return 'history';
  const status = session?.status ?? 'idle';
  if (asked === 'programme' || status === 'idle' || !session) return 'programme';
  if (status === 'finished') return 'summary';
  return status === 'rest' ? 'rest' : 'exercise';
}

export function wakeMessage(state: WakeState): string | null {
  if (state === 'unavailable') return 'Screen may dim: keep it on in the tablet\u2019s settings';
  if (state === 'refused') return 'Screen may dim: the browser would not keep it on';
  return null;
}

export const WATCH_ONLY_TEXT = 'View only \u2014 paired as a viewer';

/** The header's word for the hub. */
export function hubLabel(hub: HubFacts): string {
  if (hub.status !== 'live') return 'Hub offline';
  if (hub.replay) return 'Replay';
  return `Hub ${hub.hubVersion ?? ''}${hub.sensorSource === 'sim' ? ' \u00b7 simulator' : ''}`;
}

/** The connection banner while the hub is not live (none once it refused the page: the notice says why). */
export function bannerKind(hub: HubFacts): BannerKind | null {
  if (hub.status === 'live' || hub.refused) return null;
  return hub.everLive ? 'lost' : hub.failures > 0 ? 'unreachable' : 'connecting';
}

/** Derives every screen's view; `previous` lets unchanged lists keep their identity (fewer renders below). */
export function deriveDashboard(input: DashboardInput, previous: DashboardView | null = null): DashboardView {
  const { hub, now } = input;
  const session = hub.session;
  const status = session?.status ?? 'idle';
  const running = status === 'calibrating' || status === 'active' || status === 'rest';
  const screen = chooseScreen(input.asked, session);
  const sensor = deriveSensor(hub.status === 'live', hub.everLive, hub.primary, now);
  const sensors = deriveSensorList(hub.status === 'live', hub.sensors);
  const results = session?.results ?? null;
  const done =
    previous && previous.doneFrom === results
      ? previous.done
      : (results ?? []).filter((r) => r.completed).map((r) => doneKey(r.exerciseId, r.side));
  const current = session?.current ?? null;
  return {
    screen,
    status: session?.status ?? 'none',
    running,
    sensor,
    sensors,
    countingText: countingText(sensors),
    hubLabel: hubLabel(hub),
    bannerKind: bannerKind(hub),
    retryIn: hub.retryAt === null ? null : Math.max(0, Math.ceil((hub.retryAt - input.wallNow) / 1000)),
    noticeText: hub.refused ?? (hub.notice && now - hub.notice.at < NOTICE_MS ? hub.notice.message : null),
    wakeText: !running || hub.replay ? null : wakeMessage(input.wake),
    steers: hub.role === 'coach',
    watchOnlyText: hub.role === 'viewer' ? WATCH_ONLY_TEXT : null,
    replay: hub.replay,
    replayTitle: hub.replay ? (hub.replay.name ?? `Session ${hub.replay.sessionId}`) : '',
    progressText: running && session?.exerciseIndex != null ? `Exercise ${session.exerciseIndex + 1} of ${session.programme.exercises}` : '',
    currentExercise: running ? (current?.exerciseId ?? session?.next?.exerciseId ?? null) : null,
    done,
    doneFrom: results,
    totalSeconds: session?.startedAt != null && session.results.length > 0 ? session.results.reduce((sum, r) => sum + r.durationSeconds, 0) : null,
    flash: shownFlash(input.feedback, now),
    announcement: input.feedback.announcement,
    exercise:
      screen === 'exercise' && session && current
        ? deriveExercise(session, current, hub.programme, {
            peaks: input.feedback.peaks,
            sensorConnected: sensor.connected,
            sensorShin: sensor.shin,
            rangeMin: input.rangeMin,
            rangeMax: input.rangeMax,
          })
        : null,
    rest: screen === 'rest' && session ? deriveRest(session, hub.programme) : null,
  };
}
