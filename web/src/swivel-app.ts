import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { HubConnection } from './connection/hub-connection.ts';
import { HistoryController } from './connection/history-controller.ts';
import { PairingController } from './connection/pairing-controller.ts';
import { TraceWindow } from './connection/trace-window.ts';
import { SessionCues } from './cues/session-cues.ts';
import { WakeLockController } from './cues/wake-lock.ts';
import { ThemeController } from './styles/theme.ts';
import { appStyles } from './styles/app-styles.ts';
import type {
  HeaderActionEvent,
  NavigateEvent,
  PairingActionEvent,
  ReplayCommandEvent,
  SensorActionEvent,
  SessionCommandEvent,
  ThemeChoiceEvent,
} from './components/events.ts';
import type { HistoryRequestEvent } from './screens/history-screen.ts';
import { deriveDashboard, type AskedScreen, type DashboardView } from './view-model/dashboard.ts';
import { NO_FEEDBACK, followEvent, followView, type SetFeedback } from './view-model/set-feedback.ts';
import { TRACE_SECONDS } from './screens/exercise-screen.ts';
import './components/hub-banner.ts';
import './components/pairing-panel.ts';
import './components/replay-bar.ts';
import './screens/app-header.ts';
import './screens/exercise-screen.ts';
import './screens/history-screen.ts';
import './screens/programme-screen.ts';
import './screens/rest-screen.ts';
import './screens/summary-screen.ts';

/**
 * The dashboard. Wires the controllers (the hub connection, sound, wake lock, theme, history) and
 * chooses the screen. Every render derives the whole view once, in `willUpdate`, with the pure view
 * model (web/src/view-model/) and hands each screen its part. Renders happen at most once per
 * animation frame because the connection batches its update requests.
 *
 * Which screen shows follows the session: the programme while idle, the exercise during a set, the
 * rest countdown between sets, the summary when finished. The person can look at the programme or
 * the history at any time; starting something returns to the session.
 */
@customElement('swivel-app')
export class SwivelApp extends LitElement {
  /** Gauge and trace range, degrees (hip internal rotation goes to about 40°). */
  @property({ type: Number, attribute: 'range-min' }) rangeMin = -10;
  @property({ type: Number, attribute: 'range-max' }) rangeMax = 60;
  @state() private fullscreen = false;
  @state() private asked: AskedScreen = 'session';
  @state() private pairingOpen = false;

  private readonly hub = new HubConnection(this);
  private readonly cues = new SessionCues(this, this.hub);
  private readonly wake = new WakeLockController(this, this.hub);
  private readonly theme = new ThemeController(this);
  private readonly history = new HistoryController(this, () => this.hub.httpBase);
  private readonly pairing = new PairingController(this, () => this.hub.httpBase);
  private readonly trace = new TraceWindow(TRACE_SECONDS);

  /** What the dashboard remembers of the set beyond the hub's view (peaks, cue word, announcement). */
  private feedback: SetFeedback = NO_FEEDBACK;
  private view: DashboardView | null = null;
  private shownScreen: DashboardView['screen'] | null = null;

  constructor() {
    super();
    this.hub.addSessionListener({
      sessionView: (view) => (this.feedback = followView(this.feedback, view)),
      sessionEvent: (event) => (this.feedback = followEvent(this.feedback, event, performance.now(), this.hub.session?.current ?? null)),
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

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const hub = this.hub;
    this.view = deriveDashboard(
      { hub, asked: this.asked, feedback: this.feedback, wake: this.wake.state, now: hub.now, wallNow: Date.now(), rangeMin: this.rangeMin, rangeMax: this.rangeMax },
      this.view,
    );
    this.trace.update(hub.primary?.trace ?? null, hub.primary?.sampleRateHz ?? null);
  }

  protected override render() {
    const v = this.view!;
    return html`
      <swivel-app-header
        .wakeText=${v.wakeText}
        .hubLabel=${v.hubLabel}
        .live=${v.bannerKind === null}
        .showHistory=${v.screen !== 'history'}
        .themeChoice=${this.theme.choice}
        .muted=${this.cues.muted}
        .fullscreen=${this.fullscreen}
        .fullscreenEnabled=${document.fullscreenEnabled}
        .showPairing=${this.pairing.access?.canManagePairings ?? false}
        .pairingOpen=${this.pairingOpen}
        .watchOnlyText=${v.watchOnlyText}
        @swivel-header-action=${this.onHeaderAction}
        @swivel-theme-choice=${this.onThemeChoice}
      ></swivel-app-header>
      ${this.pairingOpen
        ? html`<swivel-pairing-panel
            .code=${this.pairing.code}
            .pairings=${this.pairing.pairings}
            .message=${this.pairing.message}
            @swivel-pairing-action=${this.onPairingAction}
          ></swivel-pairing-panel>`
        : nothing}
      ${v.replay
        ? html`<swivel-replay-bar
            data-testid="replay-bar"
            .recordingTitle=${v.replayTitle}
            .startedAt=${v.replay.startedAt}
            .position=${v.replay.positionSeconds}
            .duration=${v.replay.durationSeconds}
            .speed=${v.replay.speed}
            .paused=${v.replay.paused}
            .finished=${v.replay.finished}
            @swivel-replay-command=${this.onReplayCommand}
          ></swivel-replay-bar>`
        : nothing}
      ${v.bannerKind
        ? html`<swivel-hub-banner .kind=${v.bannerKind} .retryIn=${v.retryIn} @swivel-retry-now=${() => this.hub.retryNow()}></swivel-hub-banner>`
        : nothing}
      ${v.noticeText
        ? html`<div class="notice" role="alert" data-testid="hub-error">
            <span class="notice-text">${v.noticeText}</span>
            <button type="button" @click=${() => this.hub.dismissNotice()} aria-label="Dismiss this message">Dismiss</button>
          </div>`
        : nothing}
      <main
        class=${`screen-${v.screen}`}
        data-testid="screen"
        data-screen=${v.screen}
        data-status=${v.status}
        @swivel-command=${this.onCommand}
        @swivel-navigate=${this.onNavigate}
        @swivel-history-request=${this.onHistoryRequest}
        @swivel-sensor-action=${this.onSensorAction}
      >
        ${this.renderScreen(v)}
      </main>
    `;
  }

  private renderScreen(v: DashboardView) {
    const session = this.hub.session;
    const programme = this.hub.programme;
    switch (v.screen) {
      case 'programme':
        return html`<swivel-programme-screen
          .programme=${programme}
          .sensor=${v.sensor}
          .sensors=${v.sensors}
          .backTo=${v.running ? 'exercise' : v.status === 'finished' ? 'summary' : null}
          .currentExercise=${v.currentExercise}
          .running=${v.running}
          .steers=${v.steers}
          .done=${v.done}
          .rangeMin=${this.rangeMin}
          .rangeMax=${this.rangeMax}
        ></swivel-programme-screen>`;
      case 'history': {
        const h = this.history;
        return html`<swivel-history-screen
          .state=${h.state}
          .message=${h.message}
          .sessions=${h.sessions}
          .total=${h.total}
          .loadingMore=${h.loadingMore}
          .programme=${programme}
          .steers=${v.steers} .importNote=${h.importNote} .importBusy=${h.importBusy}
        ></swivel-history-screen>`;
      }
      case 'summary':
        return html`<div class="summary">
          <swivel-summary-screen .programme=${programme} .results=${session?.results ?? []} .rom=${session?.rom ?? []}
            .totalSeconds=${v.totalSeconds} .steers=${v.steers}></swivel-summary-screen>
        </div>`;
      case 'rest':
        return v.rest
          ? html`<swivel-rest-screen .view=${v.rest} .progressText=${v.progressText} .rom=${session?.rom ?? []} .programme=${programme}
              .replay=${v.replay !== null} .steers=${v.steers}></swivel-rest-screen>`
          : nothing;
      case 'exercise':
        return v.exercise
          ? html`<swivel-exercise-screen
              .view=${v.exercise}
              .sensor=${v.sensor}
              .countingText=${v.countingText}
              .flash=${v.flash}
              .announcement=${v.announcement}
              .traceSamples=${this.trace.samples}
              .traceRate=${this.trace.rateHz}
              .replay=${v.replay !== null}
              .steers=${v.steers}
            ></swivel-exercise-screen>`
          : nothing;
    }
  }

  /** A new screen starts at its top (the phone layout scrolls the whole screen). */
  protected override updated(): void {
    const screen = this.view?.screen ?? null;
    if (screen === this.shownScreen) return;
    this.shownScreen = screen;
    const main = this.renderRoot.querySelector('main');
    if (main) main.scrollTop = 0;
  }

  // ---- user actions ----

  private readonly onCommand = (event: SessionCommandEvent): void => {
    event.stopPropagation();
    if (event.command.action === 'start') this.asked = 'session';
    this.hub.send(event.command);
  };

  private readonly onSensorAction = (event: SensorActionEvent): void => {
    event.stopPropagation();
    const id = event.sensorId ?? this.view?.sensor.sensorId ?? null;
    if (id !== null) this.hub.sensorAction(id, event.request);
  };

  private readonly onNavigate = (event: NavigateEvent): void => {
    event.stopPropagation();
    this.asked = event.screen;
  };

  private readonly onHistoryRequest = (event: HistoryRequestEvent): void => {
    event.stopPropagation();
    if (event.request === 'more') this.history.more();
    else this.history.open();
  };

  private readonly onReplayCommand = (event: ReplayCommandEvent): void => {
    event.stopPropagation();
    this.hub.replayCommand(event.command);
  };

  private readonly onThemeChoice = (event: ThemeChoiceEvent): void => {
    event.stopPropagation();
    this.theme.choose(event.choice);
  };

  private readonly onHeaderAction = (event: HeaderActionEvent): void => {
    event.stopPropagation();
    if (event.action === 'history') {
      this.asked = 'history';
      this.history.open();
    } else if (event.action === 'pairing') {
      this.pairingOpen = !this.pairingOpen;
      if (this.pairingOpen) void this.pairing.refresh();
    } else if (event.action === 'mute') {
      this.cues.setMuted(!this.cues.muted);
    } else {
      void this.toggleFullscreen();
    }
  };

  private readonly onPairingAction = (event: PairingActionEvent): void => {
    event.stopPropagation();
    const request = event.request;
    if (request.action === 'close') this.pairingOpen = false;
    else if (request.action === 'code') void this.pairing.makeCode(request.role);
    else void this.pairing.revoke(request.id);
  };

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

declare global {
  interface HTMLElementTagNameMap {
    'swivel-app': SwivelApp;
  }
}
