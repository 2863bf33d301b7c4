/**
 * A recorded session played again for one dashboard, as if live. Its samples go through the live
 * path (toAngleFrames, the session engine, its scoring), with the recorded commands, link changes
 * and clock-ended rests fed in at their places in the sample stream, so the screen sees the same
 * reps, holds and views the live screen saw. It is paced by the recording's own clock at 1×, 2×,
 * 5×, 10× or as fast as it can be computed, and can be paused, sped up or moved to any point.
 *
 * Moving back starts a new pass from the first sample (fusion and scoring are stateful: there is no
 * other exact way); moving forward plays on without sending until it gets there. Either way the
 * viewer then gets the whole state at that point, as a late viewer of a live session does.
 */
import { Subject, Subscription, VirtualTimeScheduler, asyncScheduler, filter, map, merge, share, throttleTime } from 'rxjs';
import type { LinkEvent } from '../pipeline/events.ts';
import { coalesceFrames, toAngleFrames, type AngleFrame } from '../pipeline/operators.ts';
import type { SampleBatch } from '../pipeline/samples.ts';
import type { LinkState, ServerMessage } from '../protocol/messages.ts';
import type { Programme, Side } from '../protocol/programme.ts';
import type { ReplayCommand, ReplaySpeed, ReplayState } from '../protocol/replay.ts';
import type { ExerciseId } from '../protocol/exercises.ts';
import { SessionCommandError, initialSession } from '../session/engine.ts';
import { SessionService } from '../session/session-service.ts';
import type { StoredBatch } from '../storage/sample-chunks.ts';
import type { SessionStore, TimelineEntry } from '../storage/session-store.ts';
import { ReplayError, sampleBatchOf } from './replay.ts';

export interface SessionReplayDeps {
  store: SessionStore;
  programme: Programme;
  sessionId: number;
  version: string;
  /** Sends one message to the viewer. */
  send: (message: ServerMessage) => void;
  /** Resolves when the viewer has read enough of what was sent (a fast replay waits for a slow screen). */
  drained?: () => Promise<void>;
  speed?: ReplaySpeed;
  log?: (line: string) => void;
  /** The replay failed and has stopped (said to the viewer already): the owner closes the socket. */
  onFailed?: () => void;
}

/** Screens get at most this many angle frames a second, as live. */
const DISPLAY_FRAME_MS = 1000 / 60;
/** A frame's trace is cut to its newest samples: a fast replay merges seconds into one frame, and a screen shows 15 s. */
const MAX_TRACE_SAMPLES = 2000;
/** The session's clock ticks (rest countdowns) every this many ms of recorded time, as live. */
const TICK_MS = 100;
/** How often the position goes out while playing, ms. */
const POSITION_EVERY_MS = 250;
/** Working silently towards a seek's target, the replay yields this often (ms), so the hub's live work and commands get their turn. */
const SILENT_SLICE_MS = 10;

/** One run through the recording from its first sample: the live path, fresh. */
class ReplayPass {
  readonly scheduler = new VirtualTimeScheduler();
  readonly batches = new Subject<SampleBatch>();
  readonly links = new Subject<LinkEvent>();
  readonly resets = new Subject<number>();
  readonly frames$;
  readonly session: SessionService;
  readonly subscription = new Subscription();
  /** The session listens from the first sample or entry on, its clock set to it. */
  started = false;
  /** Each sensor's link as the recording has it so far (a late viewer is told, as on the live socket). */
  readonly linkStates = new Map<string, { state: LinkState; detail: string }>();
  /** The sensor the session scored (a `follow` entry); null: every sensor, as in recordings without one. */
  followed: string | null = null;
  private readonly followedLinks = new Subject<LinkEvent>();

  constructor(programme: Programme) {
    // One fusion for every listener, as the hub's frames$ is.
    this.frames$ = this.batches.pipe(toAngleFrames(undefined, this.resets), share());
    const scored = (sensorId: string) => this.followed === null || sensorId === this.followed;
    // The session sees only the followed sensor, as live (SensorHub.sessionFrames$ and sessionLink$).
    this.session = new SessionService({
      programme,
      frames$: this.frames$.pipe(filter((frame) => scored(frame.sensorId))),
      link$: merge(this.links.pipe(filter((link) => scored(link.sensorId))), this.followedLinks),
      resetAngle: (epoch) => this.resets.next(epoch),
      scheduler: this.scheduler,
      clock: 'replay',
    });
  }

  /** From here on the session scores `sensorId`, and takes up its link as it is now. */
  follow(sensorId: string, at: number): void {
    if (this.followed === sensorId) return;
    this.followed = sensorId;
    const link = this.linkStates.get(sensorId);
    if (link && this.started) this.followedLinks.next({ kind: 'link', sensorId, state: link.state, detail: link.detail, info: null, at });
  }

  /** Moves the hub clock to `at` (ms), running the timers and the session's ticks due by then first, as they ran live. */
  advance(at: number): void {
    for (this.nextTick ??= this.scheduler.frame + TICK_MS; this.nextTick <= at; this.nextTick += TICK_MS) {
      this.flushTo(this.nextTick);
      this.session.tick(this.nextTick);
    }
    this.flushTo(at);
  }

  private nextTick: number | null = null;

  private flushTo(at: number): void {
    this.scheduler.maxFrames = at;
    this.scheduler.flush();
    this.scheduler.frame = Math.max(this.scheduler.frame, at);
  }

  stop(): void {
    this.subscription.unsubscribe();
    this.session.stop();
    this.batches.complete();
  }
}

export class SessionReplay {
  private readonly deps: SessionReplayDeps;
  private speed: ReplaySpeed;
  private paused = false;
  private finished = false;
  private seekCount = 0;
  /** Session time (ms from its start) to reach before sending again; null: sending. */
  private seekTo: number | null = 0;
  /** A seek backwards: the pass under way is abandoned for a new one. */
  private restart = false;
  private stopped = false;
  private positionMs = 0;
  private lastPositionSentAt = -Infinity;
  private lastYieldAt = 0;
  /** Pacing: session time `anchorClock` was played at `anchorReal` (performance.now()). */
  private anchorReal = 0;
  private anchorClock = 0;
  private wake: (() => void) | null = null;
  private info: { startedAt: number; durationMs: number; name: string | null; prerollBatches: number; source: 'live' | 'import'; exerciseId: string | null; side: Side | null } | null = null;
  private pass: ReplayPass | null = null;
  private running: Promise<void> | null = null;

  constructor(deps: SessionReplayDeps) {
    this.deps = deps;
    this.speed = deps.speed ?? 1;
  }

  /** The replay as it stands. */
  get state(): ReplayState {
    const info = this.info;
    return {
      sessionId: this.deps.sessionId,
      name: info?.name ?? null,
      startedAt: info?.startedAt ?? 0,
      durationSeconds: (info?.durationMs ?? 0) / 1000,
      positionSeconds: Math.round(this.positionMs) / 1000,
      speed: this.speed,
      paused: this.paused,
      finished: this.finished,
      seekCount: this.seekCount,
    };
  }

  /**
   * Checks the session can be replayed and starts playing it. Throws ReplayError (with a message for
   * the person) if it cannot: no such session, or an exercise the programme does not have.
   */
  start(signal?: AbortSignal): void {
    const { store, sessionId, programme } = this.deps;
    const item = store.get(sessionId);
    const replayInfo = store.replayInfo(sessionId);
    if (!item || !replayInfo) throw new ReplayError(`no session ${sessionId}; the history screen (or GET /api/sessions) lists the recorded ones`);
    // Its samples and commands are still arriving: a replay would run past what it read at the start.
    if (item.status === 'recording') throw new ReplayError(`session ${sessionId} is still being recorded; it can be replayed once it has ended`);
    const missing = item.exercises.find((id) => !programme.exercises.some((e) => e.id === id));
    if (missing) throw new ReplayError(`session ${sessionId} has exercise "${missing}", which the programme "${programme.id}" does not have`);
    this.info = { startedAt: item.startedAt, durationMs: item.durationSeconds * 1000, name: item.name, ...replayInfo };
    this.deps.send({
      type: 'hello',
      version: this.deps.version,
      sensorSource: 'recording',
      sensorSourceReason: `replay of session ${sessionId}`,
      sensors: [],
      session: initialSession(programme).view,
      replay: this.state,
    });
    signal?.addEventListener('abort', () => this.stop(), { once: true });
    this.running = this.run().catch((error: unknown) => this.fail(error));
  }

  /** Something went wrong inside the replay: said once to the log and the viewer, and the replay stops (the hub goes on). */
  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.stopped = true;
    this.nudge();
    this.pass?.stop();
    this.pass = null;
    this.deps.log?.(`swivel: replay of session ${this.deps.sessionId} failed: ${(error as Error).stack ?? String(error)}`);
    try {
      this.deps.send({ type: 'error', message: `the replay stopped: ${(error as Error).message}` });
    } catch {
      // Sending may be what failed: the viewer cannot be told, and closing it says enough.
    }
    this.deps.onFailed?.();
  }

  /** Runs a subscriber's work; a throw stops this replay instead of reaching rxjs's unhandled-error path (which ends the process). */
  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.fail(error);
    }
  }

  private failed = false;

  async stop(): Promise<void> {
    this.stopped = true;
    this.nudge();
    await this.running;
  }

  /** A viewer's command. Throws ReplayError when it makes no sense (a seek past the end). */
  command(command: ReplayCommand): void {
    switch (command.action) {
      case 'pause':
        this.paused = true;
        break;
      case 'play':
        this.paused = false;
        // Play at the end starts again from the beginning, as a media player does.
        if (this.finished) this.seek(0);
        break;
      case 'speed':
        this.speed = command.speed;
        break;
      case 'seek': {
        const duration = this.info?.durationMs ?? 0;
        if (command.seconds * 1000 > duration + 1) throw new ReplayError(`cannot seek to ${command.seconds} s: the session lasts ${(duration / 1000).toFixed(1)} s`);
        this.seek(command.seconds * 1000);
        break;
      }
    }
    this.reanchor();
    this.sendState();
    this.nudge();
  }

  private seek(ms: number): void {
    this.seekCount++;
    this.seekTo = ms;
    if (ms < this.positionMs || this.finished) this.restart = true;
    this.finished = false;
  }

  private reanchor(): void {
    this.anchorReal = performance.now();
    this.anchorClock = this.positionMs;
  }

  private nudge(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Waits `ms` or until a command arrives. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private get sending(): boolean {
    return this.seekTo === null;
  }

  private sendState(): void {
    this.lastPositionSentAt = performance.now();
    this.deps.send({ type: 'replay', replay: this.state });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.restart = false;
      await this.playPass();
      if (this.stopped) break;
      if (this.restart) continue;
      // The end: the last view at once (not after the throttle), then say so, and wait for a seek or play (which start a new pass).
      if (this.pass) this.deps.send({ type: 'session', session: this.pass.session.view });
      this.finished = true;
      this.seekTo = null;
      this.positionMs = this.info!.durationMs;
      this.sendState();
      while (!this.stopped && !this.restart) await this.sleep(60_000);
    }
    this.pass?.stop();
    this.pass = null;
  }

  /** One pass from the first sample; returns at the end, on a seek backwards, or when stopped. */
  private async playPass(): Promise<void> {
    const { store, sessionId, programme } = this.deps;
    const info = this.info!;
    this.pass?.stop();
    const pass = new ReplayPass(programme);
    this.pass = pass;
    this.positionMs = 0;
    const sensorIds = store.sensorIds(sessionId);
    const timeline = store
      .timeline(sessionId)
      .filter((entry) => entry.kind === 'command' || entry.kind === 'link' || entry.kind === 'rest-over' || entry.kind === 'reset' || entry.kind === 'follow');
    let next = 0;
    // An import is one set of its exercise and has no hub clock (its samples were not received live): it is paced by the samples' own clock.
    const imported = info.source === 'import';
    let firstT0: number | null = null;
    // The session's clock starts with the recording (its ticks must not count up from 1970).
    const begin = (at: number) => {
      if (pass.started) return;
      pass.scheduler.frame = at;
      this.wire(pass);
      pass.started = true;
      // Samples were recorded, so the sensor was connected when the recording began (its connection,
      // earlier, is not in the recording); a later drop is, and comes in at its place.
      for (const sensorId of sensorIds) this.link(pass, sensorId, 'connected', 'recorded', at);
      if (imported) {
        // Its exercise was checked against the programme in start().
        pass.session.command({ action: 'start', exerciseId: info.exerciseId as ExerciseId, ...(info.side ? { side: info.side } : {}) });
      }
    };
    // Recordings made before rests were recorded: the new set's angle reset marks where a rest ended,
    // unless a command at the same place made it (a "next" during the rest resets the angle too).
    const resetsEndRests = !timeline.some((entry) => entry.kind === 'rest-over');
    const applyDue = (position: number) => {
      while (next < timeline.length && timeline[next]!.position <= position) {
        const entry = timeline[next++]!;
        const following = timeline[next];
        const byCommand = following !== undefined && following.position === entry.position && following.kind === 'command';
        this.apply(pass, entry, resetsEndRests && !byCommand);
      }
    };
    let sliceStart = performance.now();
    for (const { position, batch } of store.batches(sessionId) as Iterable<{ position: number; batch: StoredBatch }>) {
      if (this.stopped || this.restart) return;
      begin(imported ? info.startedAt : Math.min(batch.hubAt, timeline[next]?.at ?? Infinity));
      applyDue(position);
      firstT0 ??= batch.t0;
      const clock = imported ? info.startedAt + (batch.t0 - firstT0) * 1000 : batch.hubAt;
      const inSession = position >= info.prerollBatches;
      const sessionMs = inSession ? Math.max(0, clock - info.startedAt) : 0;
      if (!this.sending) {
        if (inSession) this.positionMs = sessionMs;
        if (this.seekTo !== null && inSession && sessionMs >= this.seekTo) this.arrive(pass);
        else if (performance.now() - sliceStart >= SILENT_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
          if (this.stopped || this.restart) return;
        }
      }
      if (this.sending) {
        await this.pace(pass, sessionMs);
        if (this.stopped || this.restart) return;
        if (inSession) this.positionMs = Math.max(this.positionMs, sessionMs);
      }
      pass.advance(clock);
      pass.batches.next(sampleBatchOf(batch, sensorIds, performance.now()));
    }
    if (next < timeline.length) begin(timeline[next]!.at);
    applyDue(Infinity);
    // A seek to the very end arrives here.
    if (this.seekTo !== null) this.arrive(pass);
  }

  /** A recorded entry, fed in as it happened live. */
  private apply(pass: ReplayPass, entry: TimelineEntry, resetEndsRest: boolean): void {
    pass.advance(entry.at);
    switch (entry.kind) {
      case 'command':
        try {
          pass.session.command(entry.command);
        } catch (error) {
          // Live refused it too (only applied commands are recorded), so this is a difference worth a log line.
          if (!(error instanceof SessionCommandError)) throw error;
          this.deps.log?.(`swivel: replay of session ${this.deps.sessionId}: recorded command ${entry.command.action} was refused: ${error.message}`);
        }
        break;
      case 'link':
        this.link(pass, entry.sensorId, entry.state, entry.detail, entry.at);
        break;
      case 'rest-over':
        pass.session.endRest(entry.at);
        break;
      case 'follow':
        pass.follow(entry.sensorId, entry.at);
        break;
      case 'reset':
        // The session makes its own resets; in an older recording one may mark where the clock ended a rest.
        if (resetEndsRest) pass.session.endRest(entry.at);
        break;
    }
  }

  private link(pass: ReplayPass, sensorId: string, state: LinkState, detail: string, at: number): void {
    pass.linkStates.set(sensorId, { state, detail });
    pass.links.next({ kind: 'link', sensorId, state, detail, info: null, at });
    if (this.sending) this.deps.send({ type: 'link', sensorId, state, detail, info: null });
  }

  /** What the pass produces goes to the viewer while sending, as the live socket sends it. */
  private wire(pass: ReplayPass): void {
    const send = this.deps.send;
    pass.subscription.add(
      pass.frames$
        .pipe(
          // Frames worked through silently (towards a seek) are not merged up for nobody.
          filter(() => this.sending),
          coalesceFrames(DISPLAY_FRAME_MS, asyncScheduler),
          map((frame): AngleFrame => (frame.trace.length > MAX_TRACE_SAMPLES ? { ...frame, trace: frame.trace.slice(-MAX_TRACE_SAMPLES) } : frame)),
        )
        .subscribe((frame) =>
          this.guard(() => {
            if (this.sending) send({ type: 'angle', sensorId: frame.sensorId, seq: frame.seq, t: frame.t, angle: frame.angle, trace: frame.trace, orientation: [...frame.orientation], health: frame.health });
          }),
        ),
    );
    pass.subscription.add(
      pass.session.view$.pipe(throttleTime(100, asyncScheduler, { leading: true, trailing: true })).subscribe((view) =>
        this.guard(() => {
          if (this.sending) send({ type: 'session', session: view });
        }),
      ),
    );
    pass.subscription.add(
      pass.session.events$.subscribe(({ event, at }) =>
        this.guard(() => {
          if (this.sending) send({ type: 'event', event, at });
        }),
      ),
    );
    pass.session.start();
  }

  /** The seek (or the start) has got where it was going: the viewer gets the whole state there. */
  private arrive(pass: ReplayPass): void {
    this.seekTo = null;
    for (const [sensorId, { state, detail }] of pass.linkStates) this.deps.send({ type: 'link', sensorId, state, detail, info: null });
    this.deps.send({ type: 'session', session: pass.session.view });
    this.reanchor();
    this.sendState();
  }

  /**
   * Waits until session time `sessionMs` is due at the chosen speed (or while paused, or for a slow
   * viewer). Meanwhile time passes as it did live: in a gap in the recording (the sensor was away) the
   * clock still moves, so a rest counts down and the position moves on.
   */
  private async pace(pass: ReplayPass, sessionMs: number): Promise<void> {
    for (;;) {
      if (this.stopped || this.restart || !this.sending) return;
      if (this.paused) {
        await this.sleep(60_000);
        continue;
      }
      if (this.speed === 'max') {
        // As fast as it goes, but a frame's worth at a time: timers (frames to the screen) and commands get their turn.
        if (performance.now() - this.lastYieldAt >= DISPLAY_FRAME_MS) {
          if (performance.now() - this.lastPositionSentAt >= POSITION_EVERY_MS) this.sendState();
          await this.deps.drained?.();
          await new Promise((resolve) => setImmediate(resolve));
          this.lastYieldAt = performance.now();
        }
        return;
      }
      const playedMs = this.anchorClock + (performance.now() - this.anchorReal) * this.speed;
      if (playedMs >= sessionMs - this.speed) break;
      if (playedMs > this.positionMs) {
        this.positionMs = playedMs;
        pass.advance(this.info!.startedAt + playedMs);
      }
      if (performance.now() - this.lastPositionSentAt >= POSITION_EVERY_MS) this.sendState();
      await this.sleep(Math.min(TICK_MS, (sessionMs - playedMs) / this.speed));
    }
    if (performance.now() - this.lastPositionSentAt >= POSITION_EVERY_MS) this.sendState();
  }
}
