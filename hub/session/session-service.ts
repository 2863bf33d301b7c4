import { BehaviorSubject, Subject, Subscription, asyncScheduler, distinctUntilChanged, filter, interval, map, type Observable, type SchedulerLike } from 'rxjs';
import type { LinkEvent } from '../pipeline/events.ts';
import type { AngleFrame } from '../pipeline/operators.ts';
import type { ExerciseId } from '../protocol/exercises.ts';
import type { Programme, Side } from '../protocol/programme.ts';
import type { SessionCommand, SessionEvent, SessionView } from '../protocol/session.ts';
import { initialSession, stepSession, type SessionInput, type SessionState } from './engine.ts';
import { scoreSet } from './set-scoring.ts';
import { gravityInSensorFrame } from './shin-axis.ts';

/** A set's scoring starting afresh: a new set, or the same set after taking the start posture again. */
export interface ScoringRun {
  run: number;
  exerciseId: ExerciseId;
  side: Side;
  set: number;
}

export interface SessionServiceDeps {
  programme: Programme;
  /** Every angle frame of the sensor (not the coalesced display frames: scoring needs every sample). */
  frames$: Observable<AngleFrame>;
  link$: Observable<LinkEvent>;
  /** Makes the exercise angle take a new start posture; later frames carry this epoch. */
  resetAngle: (epoch: number) => void;
  scheduler?: SchedulerLike;
  /** How often rests count down, ms. */
  tickMs?: number;
  /**
   * `live` (default): the service ticks itself every `tickMs`, and the first tick after a rest's
   * time is up ends it. `replay`: the owner calls tick() as its recording's time passes (a virtual
   * clock running an hour of intervals would nest an hour of rescheduled actions), and a rest ends
   * only at endRest(), called where the recording says it ended, so it ends between the same two
   * batches as it did live whatever the phase of the ticks.
   */
  clock?: 'live' | 'replay';
}

/**
 * Runs the session engine live: feeds it commands, the clock, the sensor's link and calibration, and
 * the scoring of the set under way, and publishes its view. The engine decides; this only wires.
 */
export class SessionService {
  private readonly deps: SessionServiceDeps;
  private readonly scheduler: SchedulerLike;
  private state: SessionState;
  private readonly views: BehaviorSubject<SessionView>;
  private subscription: Subscription | null = null;
  private scoring: Subscription | null = null;
  private scoringRun: number | null = null;

  /** The session as viewers see it: the current view at once, then every change. */
  readonly view$: Observable<SessionView>;
  /** What happens, as it happens (reps, holds, efforts, sets completed), with the hub clock in ms. */
  readonly events$: Observable<{ event: SessionEvent; at: number }>;
  private readonly eventSubject = new Subject<{ event: SessionEvent; at: number }>();
  /** Every command that was applied (not those refused), with the hub clock in ms. */
  readonly commands$: Observable<{ command: SessionCommand; at: number }>;
  private readonly commandSubject = new Subject<{ command: SessionCommand; at: number }>();
  /**
   * The scoring run of the set under way whenever it starts afresh, and null when it ends: which
   * frames each set's figures come from (the recorder keeps it, so a replay scores the same frames).
   */
  readonly scoringRuns$: Observable<ScoringRun | null>;
  private readonly scoringRunSubject = new Subject<ScoringRun | null>();
  /** The hub clock (ms) whenever the clock, not a command, ended a rest (the recorder keeps it for replay). */
  readonly restEnds$: Observable<number>;
  private readonly restEndSubject = new Subject<number>();

  constructor(deps: SessionServiceDeps) {
    this.deps = deps;
    this.scheduler = deps.scheduler ?? asyncScheduler;
    this.state = initialSession(deps.programme);
    this.views = new BehaviorSubject(this.state.view);
    this.view$ = this.views.asObservable();
    this.events$ = this.eventSubject.asObservable();
    this.commands$ = this.commandSubject.asObservable();
    this.scoringRuns$ = this.scoringRunSubject.asObservable();
    this.restEnds$ = this.restEndSubject.asObservable();
  }

  get view(): SessionView {
    return this.state.view;
  }

  start(signal?: AbortSignal): void {
    if (this.subscription) return;
    const now = () => this.scheduler.now();
    this.subscription = new Subscription();
    if (this.deps.clock !== 'replay') this.subscription.add(interval(this.deps.tickMs ?? 100, this.scheduler).subscribe(() => this.apply({ kind: 'tick', now: now() })));
    this.subscription.add(
      this.deps.link$
        .pipe(
          map((link) => link.state === 'connected'),
          distinctUntilChanged(),
        )
        .subscribe((connected) => this.apply({ kind: 'link', connected, now: now() })),
    );
    this.subscription.add(
      this.deps.frames$
        .pipe(filter((frame) => frame.epoch === this.state.angleEpoch && this.state.view.status === 'calibrating'))
        .subscribe((frame) =>
          this.apply(
            frame.health === 'ok'
              ? { kind: 'calibrated', epoch: frame.epoch, gravity: gravityInSensorFrame(frame.orientation), now: now() }
              : // Progress for the screen: the engine keeps only tenths, so most frames change nothing.
                { kind: 'stillness', epoch: frame.epoch, seconds: frame.stillSeconds, now: now() },
          ),
        ),
    );
    signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.scoring?.unsubscribe();
    this.scoring = null;
    this.scoringRun = null;
  }

  /** Applies a dashboard's command; throws SessionCommandError (with a message for the person) if it makes no sense now. */
  command(command: SessionCommand): void {
    const now = this.scheduler.now();
    this.apply({ kind: 'command', command, now });
    this.commandSubject.next({ command, at: now });
  }

  /** Replay: the clock has reached `now`. A rest counts down but stops just short of its end until endRest(). */
  tick(now: number): void {
    const restEndsAt = this.state.restEndsAt;
    this.apply({ kind: 'tick', now: restEndsAt !== null ? Math.min(now, restEndsAt - 1) : now });
  }

  /** Replay: the rest under way ends now, where the recording says it did (at its recorded time, or when it was due if later). */
  endRest(at: number): void {
    if (this.state.view.status !== 'rest' || this.state.restEndsAt === null) return;
    this.apply({ kind: 'tick', now: Math.max(at, this.state.restEndsAt) });
  }

  private apply(input: SessionInput): void {
    const before = this.state;
    const after = stepSession(before, input);
    if (after === before) return;
    this.state = after;
    // Published before the new set's angle reset, so the recording keeps them in that order.
    if (input.kind === 'tick' && before.view.status === 'rest' && after.view.status !== 'rest') this.restEndSubject.next(input.now);
    for (const event of after.events) this.eventSubject.next({ event, at: input.now });
    if (after.angleEpoch !== before.angleEpoch) this.deps.resetAngle(after.angleEpoch);
    this.follow(after.scoring);
    // Following may have applied more input already (a scoring that reports at once): publish the newest.
    if (this.state.view !== this.views.value) this.views.next(this.state.view);
  }

  /** Keeps one scoring subscription, for the engine's current scoring run. */
  private follow(scoring: SessionState['scoring']): void {
    const run = scoring?.run ?? null;
    if (run === this.scoringRun) return;
    this.scoring?.unsubscribe();
    this.scoring = null;
    this.scoringRun = run;
    this.scoringRunSubject.next(scoring ? { run: scoring.run, exerciseId: scoring.set.exercise.id, side: scoring.set.side, set: scoring.set.set } : null);
    if (!scoring) return;
    this.scoring = this.deps.frames$
      .pipe(scoreSet(scoring.set.exercise, { scheduler: this.scheduler }))
      .subscribe((progress) => this.apply({ kind: 'progress', run: scoring.run, progress, now: this.scheduler.now() }));
  }
}
