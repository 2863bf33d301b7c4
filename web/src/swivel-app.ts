import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Exercise, Programme } from '../../hub/protocol/programme.ts';
import type { RomView, SessionEvent, SessionView, SetResult, SetView } from '../../hub/protocol/session.ts';
import { HubConnection, type SensorModel, type SensorStats } from './hub-connection.ts';
import { LINK_STATE_LABEL, formatAngle, type Tone } from './format.ts';
import type { ShownLinkState } from './link-status.ts';
import type { HubBannerKind } from './hub-banner.ts';
import { NavigateEvent, SessionCommandEvent, type ReplayCommandEvent, type Screen, type SensorActionEvent, type ThemeChoiceEvent } from './events.ts';
import type { ReplayState } from '../../hub/protocol/replay.ts';
import { SessionCues } from './session-cues.ts';
import { WakeLockController, type WakeState } from './wake-lock.ts';
import { ThemeController } from './theme.ts';
import { SIDE_LABEL, exerciseById, exerciseName } from './programme-text.ts';
import { romResult } from './rom-result.ts';
import { doneKey } from './programme-screen.ts';
import { appStyles } from './app-styles.ts';
import { HistoryController } from './history-controller.ts';
import type { HistoryRequestEvent } from './history-screen.ts';
import './angle-readout.ts';
import './angle-trace.ts';
import './link-status.ts';
import './hub-banner.ts';
import './progress-ring.ts';
import './rep-counter.ts';
import './programme-screen.ts';
import './summary-screen.ts';
import './session-controls.ts';
import './history-screen.ts';
import './theme-switch.ts';
import './replay-bar.ts';

/** Frames older than this make the readout stale even while the link claims to be up. */
const STALE_AFTER_MS = 2000;
const TRACE_SECONDS = 15;
const DEFAULT_SAMPLE_RATE_HZ = 100;
/** What the waiting panel says about the link, so reconnecting is visible, never silent. */
const WAITING_LINK_TEXT: Record<ShownLinkState, string> = {
  lost: 'The link to the sensor was lost: reconnecting\u2026',
  reconnecting: 'Reconnecting to the sensor\u2026',
  scanning: 'Looking for the sensor\u2026',
  connecting: 'Connecting to the sensor\u2026',
  connected: 'Connected: waiting for its first samples\u2026',
  idle: 'The sensor is disconnected: connect it on the programme screen',
  stopped: 'The sensor link is stopped',
  unknown: 'Looking for a sensor\u2026',
  none: 'Looking for a sensor\u2026',
};

/** A hub error stays on screen this long unless dismissed. */
const NOTICE_MS = 15_000;
/** A cue word ("Partial — not counted") stays this long. */
const FLASH_MS = 3500;
/** Partial reps are those under this fraction of the set's range (as the hub's rep counter judges). */
const PARTIAL_FRACTION = 0.5;

type ScreenKind = 'programme' | 'exercise' | 'rest' | 'summary' | 'history';

interface Ring {
  fraction: number;
  value: string;
  caption: string;
  label: string;
  tone: Tone;
  paused: boolean;
}

interface SensorView {
  angle: number | null;
  stale: boolean;
  caption: string;
  tone: Tone;
  linkState: ShownLinkState;
  detail: string;
  sensorName: string;
  stats: SensorStats | null;
  connected: boolean;
  /** The sensor the panel's controls act on (null while the hub is unreachable or has none). */
  sensorId: string | null;
  shin: 'left' | 'right' | null;
}

interface ExerciseView {
  exercise: Exercise | null;
  name: string;
  stage: string;
  side: string;
  otherSide: string;
  setText: string;
  positionText: string;
  kind: SetView['kind'];
  steps: readonly string[];
  feel: string;
  calibrating: boolean;
  /** Still-time fraction of what the hub needs, while calibrating. */
  stillFraction: number;
  moving: boolean;
  waiting: boolean;
  gapText: string;
  set: SetView;
  ring: Ring | null;
  unit: string;
  bandMin: number | null;
  bandMax: number | null;
  mark: number | null;
  rangeMin: number;
  rangeMax: number;
  canCalibrate: boolean;
  /** The hub says the start position contradicts the exercise (see SetView.postureWarning). */
  postureWarning: string | null;
  canSwitchSide: boolean;
  rom: RomView | null;
  /** This side's best trial so far, in a range-of-motion test. */
  romBest: number | null;
  done: boolean;
}

interface RestView {
  ring: Ring;
  nextText: string;
  lastText: string;
}

interface Flash {
  text: string;
  tone: Tone;
  until: number;
}

/**
 * The dashboard. Owns the hub connection (and the sound and wake-lock controllers that follow the
 * session); every render reads the controller's state once in `willUpdate` and hands primitives (or
 * the hub's immutable arrays) to the elements. Renders happen at most once per animation frame
 * because the controller batches its update requests.
 *
 * Which screen shows follows the session: the programme while idle, the exercise during a set, the
 * rest countdown between sets, the summary when finished. The person can look at the programme at
 * any time; starting something returns to the session.
 */
@customElement('swivel-app')
export class SwivelApp extends LitElement {
  /** Gauge and trace range, degrees (hip internal rotation goes to about 40°). */
  @property({ type: Number, attribute: 'range-min' }) rangeMin = -10;
  @property({ type: Number, attribute: 'range-max' }) rangeMax = 60;
  @state() private fullscreen = false;
  /** The screen the person asked for; `session` follows the session's status. */
  @state() private asked: Screen | 'history' = 'session';

  private readonly hub = new HubConnection(this);
  private readonly cues = new SessionCues(this, this.hub);
  private readonly wake = new WakeLockController(this, this.hub);
  private readonly theme = new ThemeController(this);
  private readonly history = new HistoryController(this, () => this.hub.httpBase);

  private screen: ScreenKind = 'programme';
  private shownScreen: ScreenKind | null = null;
  private sensorView!: SensorView;
  private exerciseView: ExerciseView | null = null;
  private restView: RestView | null = null;
  private hubLabel = '';
  /** On a replay: where it is and how it plays (the dashboard is otherwise drawn as live). */
  private replay: ReplayState | null = null;
  private replayTitle = '';
  private bannerKind: HubBannerKind | null = null;
  private retryIn: number | null = null;
  private progressText = '';
  private noticeText: string | null = null;
  private wakeText: string | null = null;
  private flashShown: Flash | null = null;
  private totalSeconds: number | null = null;
  private doneResults: readonly SetResult[] | null = null;
  private done: readonly string[] = [];

  private traceSource: object | null = null;
  private traceRevision = -1;
  private traceSamples: Float32Array = new Float32Array(0);
  private traceRate = DEFAULT_SAMPLE_RATE_HZ;

  /** Peaks of this set's recent reps and partials: the set's range, for the target band. */
  private peaks: number[] = [];
  private setKey = '';
  private flash: Flash | null = null;

  constructor() {
    super();
    this.hub.addSessionListener({
      sessionEvent: (event) => this.onSessionEvent(event),
      sessionView: (view) => this.onSessionView(view),
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
  }

  // ---- following the session (outside rendering) ----

  private onSessionView(view: SessionView): void {
    const set = view.current;
    const key = set ? `${set.exerciseId}:${set.side}:${set.set}:${set.startedAt}` : '';
    if (key !== this.setKey) {
      this.setKey = key;
      this.peaks = [];
      this.flash = null;
    }
  }

  private onSessionEvent(event: SessionEvent): void {
    const until = performance.now() + FLASH_MS;
    switch (event.kind) {
      case 'rep':
        this.peaks = [...this.peaks.slice(-4), event.rep.peakAngle];
        if (event.rep.holdMet === false) this.flash = { text: 'Counted \u2014 but hold longer at the end', tone: 'warn', until };
        break;
      case 'partial':
        this.peaks = [...this.peaks.slice(-4), event.rep.peakAngle];
        this.flash = { text: 'Partial \u2014 not counted: go further', tone: 'warn', until };
        break;
      case 'end-hold-reached':
        this.flash = { text: 'Hold reached \u2713', tone: 'ok', until };
        break;
      case 'hold-paused':
        if (event.reason === 'slipped') this.flash = { text: 'Slipped out \u2014 timer paused', tone: 'warn', until };
        break;
      case 'hold-target-reached':
        this.flash = { text: 'Target reached \u2713', tone: 'ok', until };
        break;
      default:
        break;
    }
  }

  // ---- deriving what to show ----

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const hub = this.hub;
    const live = hub.status === 'live';
    const session = hub.session;
    const sensor = hub.primary;

    this.sensorView = deriveSensor(hub, sensor);
    this.replay = hub.replay;
    this.replayTitle = hub.replay ? (hub.replay.name ?? `Session ${hub.replay.sessionId}`) : '';
    this.hubLabel = !live ? 'Hub offline' : hub.replay ? 'Replay' : `Hub ${hub.hubVersion ?? ''}${hub.sensorSource === 'sim' ? ' \u00b7 simulator' : ''}`;
    this.bannerKind = live || hub.refused ? null : hub.everLive ? 'lost' : hub.failures > 0 ? 'unreachable' : 'connecting';
    this.retryIn = hub.retryAt === null ? null : Math.max(0, Math.ceil((hub.retryAt - Date.now()) / 1000));
    this.noticeText = hub.refused ?? (hub.notice && hub.now - hub.notice.at < NOTICE_MS ? hub.notice.message : null);
    this.flashShown = this.flash && this.flash.until > hub.now ? this.flash : null;

    const status = session?.status ?? 'idle';
    const running = status === 'calibrating' || status === 'active' || status === 'rest';
    this.screen =
      this.asked === 'history'
        ? 'history'
        : this.asked === 'programme' || status === 'idle' || !session
        ? 'programme'
        : status === 'finished'
          ? 'summary'
          : status === 'rest'
            ? 'rest'
            : 'exercise';

    const programme = hub.programme;
    this.progressText =
      running && session?.exerciseIndex != null ? `Exercise ${session.exerciseIndex + 1} of ${session.programme.exercises}` : '';
    this.wakeText = !running || this.replay
      ? null
      : wakeMessage(this.wake.state);

    if (session && session.results !== this.doneResults) {
      this.doneResults = session.results;
      this.done = session.results.filter((r) => r.completed).map((r) => doneKey(r.exerciseId, r.side));
    }
    this.totalSeconds = session?.startedAt != null && session.results.length > 0 ? session.results.reduce((sum, r) => sum + r.durationSeconds, 0) : null;

    // The trace window: copied from the ring buffer only when new samples came in.
    if (sensor) {
      this.traceRate = Math.round((sensor.sampleRateHz ?? DEFAULT_SAMPLE_RATE_HZ) / 25) * 25 || DEFAULT_SAMPLE_RATE_HZ;
      if (sensor.trace !== this.traceSource || sensor.trace.revision !== this.traceRevision) {
        this.traceSource = sensor.trace;
        this.traceRevision = sensor.trace.revision;
        this.traceSamples = sensor.trace.latest(Math.min(sensor.trace.capacity, TRACE_SECONDS * this.traceRate));
      }
    } else if (this.traceSamples.length > 0) {
      this.traceSamples = new Float32Array(0);
      this.traceSource = null;
    }

    this.exerciseView = this.screen === 'exercise' && session?.current ? this.deriveExercise(session, session.current, programme) : null;
    this.restView = this.screen === 'rest' && session?.rest ? deriveRest(session, programme) : null;
  }

  private deriveExercise(session: SessionView, set: SetView, programme: Programme | null): ExerciseView {
    const exercise = exerciseById(programme, set.exerciseId);
    const stage = programme?.stages.find((s) => s.id === exercise?.stage)?.title ?? '';
    const calibrating = session.status === 'calibrating';
    const usesSensor = set.kind === 'reps' || set.kind === 'hold';
    const sides = exercise?.sides ?? [set.side];
    const other = sides.find((s) => s !== set.side);

    let ring: Ring | null = null;
    if (set.hold) {
      const h = set.hold;
      const left = Math.ceil(h.remainingSeconds);
      ring = {
        fraction: h.targetSeconds > 0 ? h.heldSeconds / h.targetSeconds : 0,
        value: set.targetReached ? '\u2713' : String(left),
        caption: set.targetReached ? 'Done' : h.inPosition ? 'Hold' : h.heldSeconds > 0 ? 'Paused' : 'Get into position',
        label: set.targetReached
          ? `Hold target of ${h.targetSeconds} seconds reached`
          : `Hold: ${left} seconds left of ${h.targetSeconds}${h.inPosition ? '' : ', paused until you are in position'}`,
        tone: set.targetReached ? 'ok' : h.inPosition ? 'ok' : 'warn',
        paused: !h.inPosition && !set.targetReached,
      };
    } else if (set.kind === 'hold') {
      const target = exercise?.kind === 'hold' ? exercise.targets.holdSeconds.min : 60;
      ring = { fraction: 0, value: String(target), caption: 'Get into position', label: `Hold for ${target} seconds once in position`, tone: 'off', paused: true };
    } else if (set.effort) {
      const e = set.effort;
      const length = exercise?.kind === 'effort' ? (e.phase === 'relax' ? exercise.targets.relaxSeconds.min : exercise.targets.effortSeconds.min) : 10;
      const left = Math.ceil(e.phaseRemainingSeconds);
      const caption = e.phase === 'effort' ? `Push ${e.cycle} of ${e.of}` : e.phase === 'relax' ? 'Relax' : e.phase === 'done' ? 'Done' : 'Get ready';
      ring = {
        fraction: e.phase === 'done' ? 1 : length > 0 ? 1 - e.phaseRemainingSeconds / length : 0,
        value: e.phase === 'done' ? '\u2713' : String(left),
        caption,
        label: `${caption}: ${left} seconds left. ${e.completed} of ${e.of} efforts done.`,
        tone: e.phase === 'effort' ? 'bad' : e.phase === 'relax' ? 'busy' : 'ok',
        paused: false,
      };
    }

    // Target band and end position.
    let bandMin: number | null = null;
    let bandMax: number | null = null;
    let mark: number | null = null;
    const romTarget = exercise?.kind === 'reps' ? exercise.targets.maxAngle?.normalDeg : undefined;
    if (romTarget) {
      bandMin = romTarget.min;
      bandMax = romTarget.max;
      mark = set.maxAngle;
    } else if (set.kind === 'reps') {
      const range = this.peaks.length > 0 ? Math.max(...this.peaks) : (set.lastRep?.peakAngle ?? null);
      if (range !== null && range > 0) {
        bandMin = PARTIAL_FRACTION * range;
        bandMax = range * 1.1;
      }
      mark = set.lastRep?.peakAngle ?? null;
    } else if (set.hold && set.hold.heldSeconds > 0 && typeof set.hold.position === 'number') {
      // (The hub sends a null position before the first one is made, whatever its schema says.)
      const position = set.hold.position;
      const tolerance = Math.max(1, Math.abs(position) * 0.1);
      bandMin = position - tolerance;
      bandMax = position + tolerance;
      mark = position;
    }
    const extent = [bandMin, bandMax, mark].filter((v): v is number => v !== null);
    const rangeMin = Math.min(this.rangeMin, ...extent.map((v) => Math.floor((v - 5) / 10) * 10));
    const rangeMax = Math.max(this.rangeMax, ...extent.map((v) => Math.ceil((v + 5) / 10) * 10));

    // While calibrating: the hub's own count of how long the person has been still in the start
    // position (the rule that takes the start posture), so the ring fills exactly as the hub decides.
    const calibration = session.calibration;
    const stillFraction = calibrating && calibration ? Math.min(1, calibration.stillSeconds / calibration.neededSeconds) : 0;
    const moving = calibrating && calibration !== null && calibration.stillSeconds === 0;

    const rom = session.rom.find((r) => r.exerciseId === set.exerciseId) ?? null;
    const unit = set.kind === 'manual' ? 'taps' : romTarget ? 'trials' : 'reps';
    return {
      exercise,
      name: exercise?.name ?? set.exerciseId,
      stage,
      side: SIDE_LABEL[set.side],
      otherSide: other ? SIDE_LABEL[other] : '',
      setText: `Set ${set.set} of ${set.sets}`,
      positionText: session.exerciseIndex !== null ? `Exercise ${session.exerciseIndex + 1} of ${session.programme.exercises}` : '',
      kind: set.kind,
      steps: exercise?.instructions.steps ?? [],
      feel: exercise?.instructions.feel ?? '',
      calibrating,
      stillFraction,
      moving,
      waiting: usesSensor && (set.waitingForSensor || !this.sensorView.connected),
      gapText: set.gapSeconds >= 1 ? `${Math.round(set.gapSeconds)} s without the sensor this set` : '',
      set,
      ring,
      unit,
      bandMin,
      bandMax,
      mark,
      rangeMin,
      rangeMax,
      canCalibrate: usesSensor,
      postureWarning: usesSensor ? (set.postureWarning ?? null) : null,
      canSwitchSide: other !== undefined && !exercise?.alternateSides,
      rom,
      romBest: rom?.[set.side]?.best ?? null,
      done: set.targetReached,
    };
  }

  // ---- rendering ----

  protected override render() {
    return html`
      ${this.renderHeader()}
      ${this.replay
        ? html`<swivel-replay-bar
            data-testid="replay-bar"
            .recordingTitle=${this.replayTitle}
            .startedAt=${this.replay.startedAt}
            .position=${this.replay.positionSeconds}
            .duration=${this.replay.durationSeconds}
            .speed=${this.replay.speed}
            .paused=${this.replay.paused}
            .finished=${this.replay.finished}
            @swivel-replay-command=${this.onReplayCommand}
          ></swivel-replay-bar>`
        : nothing}
      ${this.bannerKind
        ? html`<swivel-hub-banner .kind=${this.bannerKind} .retryIn=${this.retryIn} @swivel-retry-now=${this.onRetryNow}></swivel-hub-banner>`
        : nothing}
      ${this.noticeText
        ? html`<div class="notice" role="alert" data-testid="hub-error">
            <span class="notice-text">${this.noticeText}</span>
            <button type="button" @click=${this.onDismissNotice} aria-label="Dismiss this message">Dismiss</button>
          </div>`
        : nothing}
      <main
        class=${`screen-${this.screen}`}
        data-testid="screen"
        data-screen=${this.screen}
        data-status=${this.hub.session?.status ?? 'none'}
        @swivel-command=${this.onCommand}
        @swivel-navigate=${this.onNavigate}
        @swivel-history-request=${this.onHistoryRequest}
      >
        ${this.screen === 'programme'
          ? this.renderProgramme()
          : this.screen === 'history'
            ? this.renderHistory()
            : this.screen === 'summary'
            ? this.renderSummary()
            : this.screen === 'rest' && this.restView
              ? this.renderRest(this.restView)
              : this.exerciseView
                ? this.renderExercise(this.exerciseView)
                : nothing}
      </main>
    `;
  }

  private renderHeader() {
    const muted = this.cues.muted;
    return html`
      <header>
        <h1>Swivel</h1>
        ${this.wakeText ? html`<span class="wake" data-testid="wake-note" title="Set the tablet's screen timeout to stay on during exercise">${this.wakeText}</span>` : nothing}
        <div class="hub" data-live=${this.bannerKind ? 'no' : 'yes'} data-testid="hub-status">
          <span class="dot" aria-hidden="true"></span>
          <span>${this.hubLabel}</span>
        </div>
        ${this.screen === 'history'
          ? nothing
          : html`<button type="button" class="history-button" data-testid="open-history" aria-label="History: recorded sessions and range of motion over time" @click=${this.openHistory}>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M4 12a8 8 0 1 0 2.4-5.7M4 4v4h4M12 8v4.5l3 2" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
              </svg>
              <span>History</span>
            </button>`}
        <swivel-theme-switch .choice=${this.theme.choice} @swivel-theme-choice=${this.onThemeChoice}></swivel-theme-switch>
        <button
          type="button"
          class="icon-button"
          data-testid="mute"
          aria-pressed=${muted ? 'true' : 'false'}
          aria-label="Mute sounds"
          title=${muted ? 'Sounds off' : 'Sounds on'}
          @click=${this.onToggleMute}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
            ${muted
              ? html`<path d="M16 9l5 6M21 9l-5 6" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" fill="none" />`
              : html`<path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" fill="none" />`}
          </svg>
        </button>
        ${document.fullscreenEnabled
          ? html`<button
              type="button"
              class="icon-button"
              @click=${this.toggleFullscreen}
              aria-pressed=${this.fullscreen ? 'true' : 'false'}
              aria-label="Full screen"
              title=${this.fullscreen ? 'Leave full screen' : 'Full screen'}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path
                  d=${this.fullscreen ? 'M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5' : 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5'}
                  fill="none"
                  stroke="currentColor"
                  stroke-width="2.2"
                  stroke-linecap="round"
                  stroke-linejoin="round"
                />
              </svg>
            </button>`
          : nothing}
      </header>
    `;
  }

  private renderProgramme() {
    const session = this.hub.session;
    const s = this.sensorView;
    const running = session?.status === 'calibrating' || session?.status === 'active' || session?.status === 'rest';
    const stats = s.stats;
    return html`
      <div class="programme-list">
        ${running || session?.status === 'finished'
          ? html`<button type="button" class="back" data-testid="back-to-session" @click=${() => (this.asked = 'session')}>
              ${running ? '\u2039 Back to the exercise' : '\u2039 Back to the summary'}
            </button>`
          : nothing}
        <swivel-programme-screen
          .programme=${this.hub.programme}
          .currentExercise=${running ? (session?.current?.exerciseId ?? session?.next?.exerciseId ?? null) : null}
          .running=${running}
          .done=${this.done}
        ></swivel-programme-screen>
      </div>
      <aside class="sensor" aria-label="Sensor">
        <section class="card angle" aria-label="Angle">
          <swivel-angle-readout
            .angle=${s.angle}
            .min=${this.rangeMin}
            .max=${this.rangeMax}
            .stale=${s.stale}
            .caption=${s.caption}
            .tone=${s.tone}
          ></swivel-angle-readout>
        </section>
        <swivel-link-status
          class="status"
          compact
          .state=${s.linkState}
          .detail=${s.detail}
          .sensorName=${s.sensorName}
          .battery=${stats?.battery ?? null}
          .rssi=${stats?.rssi ?? null}
          .packets=${stats?.packets ?? 0}
          .lostPackets=${stats?.lostPackets ?? 0}
          .malformed=${stats?.malformedPackets ?? 0}
          .rateHz=${stats?.rateHz ?? null}
          .linkLosses=${stats?.linkLosses ?? 0}
          .shin=${s.shin}
          .controls=${s.sensorId !== null}
          @swivel-sensor-action=${this.onSensorAction}
        ></swivel-link-status>
      </aside>
    `;
  }

  private renderTitle(name: string, side: string, setText: string, detail: string) {
    return html`
      <div class="title">
        <h2 data-testid="exercise-name">${name}</h2>
        ${side ? html`<span class="side-chip" data-testid="exercise-side">${side} side</span>` : nothing}
        ${setText ? html`<span class="set" data-testid="exercise-set">${setText}</span>` : nothing}
        <span class="where">${detail}</span>
      </div>
    `;
  }

  private renderExercise(v: ExerciseView) {
    const s = this.sensorView;
    const set = v.set;
    const flash = this.flashShown;
    return html`
      ${this.renderTitle(v.name, v.side, v.setText, [v.positionText, v.stage].filter(Boolean).join(' \u00b7 '))}
      ${s.shin !== null && s.shin !== set.side && (v.kind === 'reps' || v.kind === 'hold')
        ? html`<p class="shin-warning" role="status" data-testid="shin-warning">
            The sensor is on the ${s.shin} shin, and this set is for the ${set.side}: move the sensor, or switch side.
          </p>`
        : nothing}
      ${v.postureWarning ? this.renderPostureWarning(v.postureWarning, !this.replay) : nothing}
      <div class=${`exercise kind-${v.kind}${v.calibrating ? ' calibrating' : ''}`} data-kind=${v.kind}>
        ${v.kind === 'instruction'
          ? html`<section class="card big-steps" aria-label="Instructions">
              <ol>${v.steps.map((step) => html`<li>${step}</li>`)}</ol>
              ${v.feel ? html`<p class="feel"><strong>You should feel:</strong> ${v.feel}</p>` : nothing}
              <button type="button" class="primary done" data-testid="instruction-done" @click=${() => this.send({ action: 'next' })}>Done \u2014 next \u203a</button>
            </section>`
          : html`
              <section class="card gauge-card" aria-label="Angle">
                ${v.kind === 'manual'
                  ? html`<button type="button" class="tap" data-testid="tap-count" aria-label=${`Count one rep: ${set.reps} of ${set.repTarget ?? ''} so far`} @click=${() => this.send({ action: 'count' })}>
                      <span class="tap-plus" aria-hidden="true">+1</span>
                      <span>Tap after each rep</span>
                    </button>`
                  : html`<swivel-angle-readout
                      .angle=${s.angle}
                      .min=${v.rangeMin}
                      .max=${v.rangeMax}
                      .stale=${s.stale}
                      .caption=${s.caption}
                      .tone=${s.tone}
                      .bandMin=${v.bandMin}
                      .bandMax=${v.bandMax}
                      .mark=${v.mark}
                    ></swivel-angle-readout>`}
              </section>
              <section class="card count-card" aria-label=${v.calibrating ? 'Calibration' : v.ring ? 'Timer' : 'Reps'} aria-live="off">
                ${v.waiting
                  ? html`<div class="waiting" role="status" data-testid="waiting-sensor">
                      <strong>Waiting for the sensor\u2026</strong>
                      <span data-testid="waiting-link">${WAITING_LINK_TEXT[s.linkState] ?? s.detail}</span>
                      <span>Counting resumes when it is back. Check it is switched on and near the tablet.</span>
                    </div>`
                  : nothing}
                ${v.calibrating ? this.renderCalibration(v) : this.renderCount(v)}
                ${flash ? html`<div class="flash" data-tone=${flash.tone} role="status" data-testid="flash">${flash.text}</div>` : nothing}
                ${v.gapText ? html`<div class="gap">${v.gapText}</div>` : nothing}
              </section>
              <section class="card trace-card" aria-label="Angle over the last 15 seconds">
                <span class="card-label" aria-hidden="true">Last ${TRACE_SECONDS} s</span>
                <swivel-angle-trace
                  .samples=${this.traceSamples}
                  .rateHz=${this.traceRate}
                  .seconds=${TRACE_SECONDS}
                  .min=${0}
                  .max=${20}
                  .bandMin=${v.bandMin}
                  .bandMax=${v.bandMax}
                  .mark=${v.mark}
                  .stale=${s.stale}
                  label=${`Angle over the last ${TRACE_SECONDS} seconds`}
                ></swivel-angle-trace>
              </section>
              <section class="card steps-card" aria-label="Instructions">
                ${v.rom ? romResult(v.rom, v.name, 'rom') : nothing}
                <ol class="steps">${v.steps.map((step) => html`<li>${step}</li>`)}</ol>
                ${v.feel ? html`<p class="feel"><strong>Feel:</strong> ${v.feel}</p>` : nothing}
              </section>
            `}
      </div>
      ${this.replay
        ? nothing
        : html`<swivel-session-controls
            class="controls"
            mode="set"
            .canCalibrate=${v.canCalibrate}
            .canSwitchSide=${v.canSwitchSide}
            .otherSide=${v.otherSide}
          ></swivel-session-controls>`}
    `;
  }

  /** The start position contradicts the exercise: said large, with the way to take it again beside it (not on a replay). */
  private renderPostureWarning(text: string, canRecalibrate: boolean) {
    return html`<div class="posture-warning" role="alert" data-testid="posture-warning">
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 3 1.8 20.5h20.4z" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linejoin="round" />
        <path d="M12 9.5v5" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" />
        <circle cx="12" cy="17.6" r="1.4" fill="currentColor" />
      </svg>
      <p data-testid="posture-warning-text">${text}</p>
      ${canRecalibrate
        ? html`<button type="button" class="primary" data-testid="posture-recalibrate" aria-label="Recalibrate: take the start position again" @click=${() => this.send({ action: 'calibrate' })}>
            Recalibrate
          </button>`
        : nothing}
    </div>`;
  }

  private renderCalibration(v: ExerciseView) {
    const percent = Math.round(v.stillFraction * 100);
    return html`
      <div class="calibration" data-testid="calibration">
        <h3>Get into the start position and stay still</h3>
        <swivel-progress-ring
          class="calib-ring"
          .fraction=${v.stillFraction}
          .value=${`${percent}%`}
          .caption=${v.moving ? 'Moving' : 'Still'}
          .label=${v.moving ? 'Moving: hold still to set the start position' : `Holding still: ${percent} percent`}
          .tone=${v.moving ? 'warn' : 'busy'}
        ></swivel-progress-ring>
        <p class="calib-hint">${v.moving ? 'Keep the leg still for a second' : 'Setting the start position\u2026'}</p>
      </div>
    `;
  }

  private renderCount(v: ExerciseView) {
    const set = v.set;
    if (v.ring) {
      return html`
        <swivel-progress-ring
          class="timer-ring"
          data-testid="hold-ring"
          data-fraction=${v.ring.fraction.toFixed(3)}
          .fraction=${v.ring.fraction}
          .value=${v.ring.value}
          .caption=${v.ring.caption}
          .label=${v.ring.label}
          .tone=${v.ring.tone}
          .paused=${v.ring.paused}
        ></swivel-progress-ring>
        ${set.effort ? html`<div class="sub" data-testid="efforts-done">${set.effort.completed} of ${set.effort.of} efforts done</div>` : nothing}
      `;
    }
    return html`
      <swivel-rep-counter
        .reps=${set.reps}
        .target=${set.repTarget}
        .pending=${set.pendingReps}
        .partials=${set.partials}
        .missedHolds=${set.missedHolds}
        .endHold=${set.endHoldTargetSeconds}
        .unit=${v.unit}
      ></swivel-rep-counter>
      ${v.romBest !== null ? html`<div class="best" data-testid="rom-best">Best ${formatAngle(v.romBest)}°</div>` : nothing}
      ${set.endHoldTargetSeconds !== null ? this.renderEndHold(set.endHoldSeconds, set.endHoldTargetSeconds) : nothing}
      ${v.done ? html`<div class="sub ok">Target reached \u2713</div>` : nothing}
    `;
  }

  /** During a rep: the end hold filling towards its target; between reps, the reminder. */
  private renderEndHold(held: number | null, target: number) {
    if (held === null) return html`<div class="sub">Hold ${target} s at the top of each rep</div>`;
    const fraction = Math.min(1, held / target);
    return html`<div class="end-hold" data-testid="end-hold" data-fraction=${fraction.toFixed(3)}>
      <div class="end-hold-bar" role="progressbar" aria-label="End hold" aria-valuemin="0" aria-valuemax=${target} aria-valuenow=${held.toFixed(1)}>
        <span style=${`width: ${(fraction * 100).toFixed(1)}%`}></span>
      </div>
      <span class="end-hold-text">${fraction >= 1 ? 'Held \u2713' : `Hold ${Math.ceil(target - held)} s more`}</span>
    </div>`;
  }

  private renderRest(v: RestView) {
    const session = this.hub.session;
    return html`
      ${this.renderTitle('Rest', '', '', this.progressText)}
      <div class="rest">
        <swivel-progress-ring
          class="rest-ring"
          data-testid="rest-ring"
          .fraction=${v.ring.fraction}
          .value=${v.ring.value}
          .caption=${v.ring.caption}
          .label=${v.ring.label}
          .tone=${v.ring.tone}
        ></swivel-progress-ring>
        <div class="rest-text">
          <p class="next" data-testid="rest-next">${v.nextText}</p>
          ${v.lastText ? html`<p class="last" data-testid="rest-done">${v.lastText}</p>` : nothing}
          ${session?.rom.length ? html`<div class="rest-rom">${session.rom.map((r) => romResult(r, exerciseName(this.hub.programme, r.exerciseId)))}</div>` : nothing}
        </div>
      </div>
      ${this.replay ? nothing : html`<swivel-session-controls class="controls" mode="rest"></swivel-session-controls>`}
    `;
  }

  private renderHistory() {
    const h = this.history;
    return html`<swivel-history-screen
      .state=${h.state}
      .message=${h.message}
      .sessions=${h.sessions}
      .total=${h.total}
      .loadingMore=${h.loadingMore}
      .programme=${this.hub.programme}
    ></swivel-history-screen>`;
  }

  private renderSummary() {
    const session = this.hub.session;
    return html`<div class="summary">
      <swivel-summary-screen
        .programme=${this.hub.programme}
        .results=${session?.results ?? []}
        .rom=${session?.rom ?? []}
        .totalSeconds=${this.totalSeconds}
      ></swivel-summary-screen>
    </div>`;
  }

  /** A new screen starts at its top (the phone layout scrolls the whole screen). */
  protected override updated(): void {
    if (this.screen === this.shownScreen) return;
    this.shownScreen = this.screen;
    const main = this.renderRoot.querySelector('main');
    if (main) main.scrollTop = 0;
  }

  // ---- user actions ----

  private send(command: SessionCommandEvent['command']): void {
    if (command.action === 'start') this.asked = 'session';
    this.hub.send(command);
  }

  private readonly onSensorAction = (event: SensorActionEvent): void => {
    event.stopPropagation();
    if (this.sensorView.sensorId !== null) this.hub.sensorAction(this.sensorView.sensorId, event.request);
  };

  private readonly onCommand = (event: SessionCommandEvent): void => {
    event.stopPropagation();
    this.send(event.command);
  };

  private readonly onNavigate = (event: NavigateEvent): void => {
    event.stopPropagation();
    this.asked = event.screen;
  };

  private openHistory(): void {
    this.asked = 'history';
    this.history.open();
  }

  private readonly onHistoryRequest = (event: HistoryRequestEvent): void => {
    event.stopPropagation();
    if (event.request === 'more') this.history.more();
    else this.history.open();
  };

  private onRetryNow(): void {
    this.hub.retryNow();
  }

  private onDismissNotice(): void {
    this.hub.dismissNotice();
  }

  private readonly onReplayCommand = (event: ReplayCommandEvent): void => {
    event.stopPropagation();
    this.hub.replayCommand(event.command);
  };

  private readonly onThemeChoice = (event: ThemeChoiceEvent): void => {
    event.stopPropagation();
    this.theme.choose(event.choice);
  };

  private onToggleMute(): void {
    this.cues.setMuted(!this.cues.muted);
  }

  private async toggleFullscreen(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await document.documentElement.requestFullscreen();
    } catch {
      // Refused (no user gesture, kiosk policy): nothing to do, the button stays as it was.
    }
  }

  private readonly onFullscreenChange = (): void => {
    this.fullscreen = document.fullscreenElement !== null;
  };

  static override styles = appStyles;
}

function deriveSensor(hub: HubConnection, sensor: SensorModel | null): SensorView {
  const live = hub.status === 'live';
  const angle = sensor?.angle ?? null;
  const age = sensor?.angleAt != null ? hub.now - sensor.angleAt : Number.POSITIVE_INFINITY;
  // Terse on purpose: it sits inside the gauge; the link panel has the full sentence.
  let caption = '';
  let tone: Tone = 'ok';
  if (!live) {
    caption = hub.everLive ? 'Hub offline' : 'Waiting for hub';
    tone = hub.everLive ? 'bad' : 'off';
  } else if (!sensor) {
    caption = 'No sensor';
    tone = 'off';
  } else if (sensor.state === 'lost') {
    caption = 'Sensor lost';
    tone = 'bad';
  } else if (sensor.state === 'reconnecting') {
    caption = 'Reconnecting\u2026';
    tone = 'warn';
  } else if (sensor.state === 'scanning') {
    caption = 'Searching\u2026';
    tone = 'busy';
  } else if (sensor.state === 'connecting') {
    caption = 'Connecting\u2026';
    tone = 'busy';
  } else if (sensor.state !== 'connected') {
    caption = sensor.state === 'stopped' ? 'Sensor stopped' : 'Sensor idle';
    tone = 'off';
  } else if (angle !== null && age > STALE_AFTER_MS) {
    caption = `No data for ${Math.floor(age / 1000)} s`;
    tone = 'warn';
  } else if (sensor.angleHealth === 'calibrating' || sensor.angleHealth === 'initialising') {
    // The angle is provisional until the start posture is captured at the first rest.
    caption = 'Hold still to calibrate';
    tone = 'busy';
  } else if (sensor.angleHealth === 'settling') {
    // A start posture, but the gyroscope's drift is not learned yet: turns about the vertical would drift.
    caption = 'Hold still a moment: the sensor is learning its drift';
    tone = 'busy';
  } else if (sensor.angleHealth === 'disturbed') {
    caption = 'Motion too rough';
    tone = 'warn';
  }
  return {
    angle,
    stale: caption !== '' || angle === null,
    caption,
    tone,
    linkState: !live ? 'unknown' : sensor ? sensor.state : 'none',
    detail: !live
      ? hub.everLive
        ? `The hub is unreachable. Last known state: ${sensor ? LINK_STATE_LABEL[sensor.state].toLowerCase() : 'no sensor'}.`
        : 'Waiting for the hub to answer.'
      : sensor
        ? sensor.detail
        : 'The hub has not reported a sensor yet.',
    sensorName: sensor?.info?.name ?? '',
    stats: sensor?.stats ?? null,
    connected: live && sensor?.state === 'connected',
    sensorId: live && sensor ? sensor.id : null,
    shin: sensor?.shin ?? null,
  };
}

function deriveRest(session: SessionView, programme: Programme | null): RestView {
  const rest = session.rest!;
  const left = Math.ceil(rest.remainingSeconds);
  const next = session.next;
  const nextExercise = next ? exerciseById(programme, next.exerciseId) : null;
  const last = session.results.at(-1);
  const lastExercise = last ? exerciseById(programme, last.exerciseId) : null;
  let lastText = '';
  if (last) {
    const figures =
      last.holdSeconds !== null
        ? `held ${Math.round(last.holdSeconds)} s`
        : last.efforts !== null
          ? `${last.efforts} efforts`
          : lastExercise?.kind === 'reps' && lastExercise.targets.maxAngle
            ? `${last.reps} trials, best ${formatAngle(last.maxAngle)}°`
            : `${last.reps} reps${last.partials > 0 ? `, ${last.partials} partial` : ''}`;
    lastText = `Just done: ${lastExercise?.name ?? last.exerciseId}, ${last.side} side \u2014 ${figures}${last.completed ? '' : ' (not finished)'}`;
  }
  return {
    ring: {
      fraction: rest.totalSeconds > 0 ? 1 - rest.remainingSeconds / rest.totalSeconds : 1,
      value: String(left),
      caption: 'Rest',
      label: `Rest: ${left} seconds left`,
      tone: 'busy',
      paused: false,
    },
    nextText: next
      ? `Next: ${nextExercise?.name ?? next.exerciseId} \u2014 ${SIDE_LABEL[next.side].toLowerCase()} side${(nextExercise?.sets ?? 1) > 1 ? `, set ${next.set}` : ''}`
      : 'Next: the end of the session',
    lastText,
  };
}

function wakeMessage(state: WakeState): string | null {
  switch (state) {
    case 'unavailable':
      return 'Screen may dim: keep it on in the tablet\u2019s settings';
    case 'refused':
      return 'Screen may dim: the browser would not keep it on';
    default:
      return null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-app': SwivelApp;
  }
}
