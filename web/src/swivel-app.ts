import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { HubConnection, type SensorStats } from './hub-connection.ts';
import { LINK_STATE_LABEL, type Tone } from './format.ts';
import type { ShownLinkState } from './link-status.ts';
import type { HubBannerKind } from './hub-banner.ts';
import './angle-readout.ts';
import './link-status.ts';
import './sparkline.ts';
import './hub-banner.ts';

/** Frames older than this make the readout stale even while the link claims to be up. */
const STALE_AFTER_MS = 2000;
const TRACE_SECONDS = 5;
const DEFAULT_SAMPLE_RATE_HZ = 100;

/** Everything the template shows, derived from the controller once per update. */
interface View {
  live: boolean;
  hubLabel: string;
  bannerKind: HubBannerKind | null;
  retryIn: number | null;
  angle: number | null;
  stale: boolean;
  caption: string;
  tone: Tone;
  linkState: ShownLinkState;
  detail: string;
  sensorName: string;
  stats: SensorStats | null;
}

/**
 * The dashboard. Owns the hub connection; every render reads the controller's current state once and
 * hands primitives to the leaf elements. Renders happen at most once per animation frame because the
 * controller batches its update requests.
 */
@customElement('swivel-app')
export class SwivelApp extends LitElement {
  /** Gauge and trace range, degrees (hip internal rotation goes to about 40°). */
  @property({ type: Number, attribute: 'range-min' }) rangeMin = -10;
  @property({ type: Number, attribute: 'range-max' }) rangeMax = 60;
  @state() private fullscreen = false;

  private readonly hub = new HubConnection(this);

  private view!: View;
  private traceSource: object | null = null;
  private traceRevision = -1;
  private traceSamples: Float32Array = new Float32Array(0);
  private traceCapacity = TRACE_SECONDS * DEFAULT_SAMPLE_RATE_HZ;

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
    const sensor = hub.primary;
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
    } else if (sensor.angleHealth === 'disturbed') {
      caption = 'Motion too rough';
      tone = 'warn';
    }
    this.view = {
      live,
      hubLabel: live ? `Hub ${hub.hubVersion ?? ''}${hub.sensorSource === 'sim' ? ' \u00b7 simulator' : ''}` : 'Hub offline',
      bannerKind: live ? null : hub.everLive ? 'lost' : hub.failures > 0 ? 'unreachable' : 'connecting',
      retryIn: hub.retryAt === null ? null : Math.max(0, Math.ceil((hub.retryAt - Date.now()) / 1000)),
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
    };

    if (sensor) {
      const rate = sensor.sampleRateHz ?? DEFAULT_SAMPLE_RATE_HZ;
      // Round the window so a jittery rate estimate does not make the line creep sideways.
      this.traceCapacity = Math.max(50, Math.min(sensor.trace.capacity, Math.round((TRACE_SECONDS * rate) / 25) * 25));
      if (sensor.trace !== this.traceSource || sensor.trace.revision !== this.traceRevision) {
        this.traceSource = sensor.trace;
        this.traceRevision = sensor.trace.revision;
        this.traceSamples = sensor.trace.latest(this.traceCapacity);
      }
    } else if (this.traceSamples.length > 0) {
      this.traceSamples = new Float32Array(0);
      this.traceSource = null;
    }
  }

  protected override render() {
    const v = this.view;
    const stats = v.stats;
    return html`
      <header>
        <h1>Swivel</h1>
        <div class="hub" data-live=${v.live ? 'yes' : 'no'} data-testid="hub-status">
          <span class="dot" aria-hidden="true"></span>
          <span>${v.hubLabel}</span>
        </div>
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
      ${v.bannerKind
        ? html`<swivel-hub-banner .kind=${v.bannerKind} .retryIn=${v.retryIn} @swivel-retry-now=${this.onRetryNow}></swivel-hub-banner>`
        : nothing}
      <main>
        <section class="card angle" aria-label="Angle">
          <swivel-angle-readout
            .angle=${v.angle}
            .min=${this.rangeMin}
            .max=${this.rangeMax}
            .stale=${v.stale}
            .caption=${v.caption}
            .tone=${v.tone}
          ></swivel-angle-readout>
        </section>
        <section class="card trace" aria-label="Recent movement">
          <span class="trace-label" aria-hidden="true">Last ${TRACE_SECONDS} s</span>
          <swivel-sparkline
            .samples=${this.traceSamples}
            .capacity=${this.traceCapacity}
            .min=${this.rangeMin}
            .max=${this.rangeMax}
            .stale=${v.stale}
            label=${`Angle over the last ${TRACE_SECONDS} seconds`}
          ></swivel-sparkline>
        </section>
        <swivel-link-status
          class="status"
          .state=${v.linkState}
          .detail=${v.detail}
          .sensorName=${v.sensorName}
          .battery=${stats?.battery ?? null}
          .rssi=${stats?.rssi ?? null}
          .packets=${stats?.packets ?? 0}
          .lostPackets=${stats?.lostPackets ?? 0}
          .malformed=${stats?.malformedPackets ?? 0}
          .rateHz=${stats?.rateHz ?? null}
          .linkLosses=${stats?.linkLosses ?? 0}
        ></swivel-link-status>
      </main>
    `;
  }

  private onRetryNow(): void {
    this.hub.retryNow();
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

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      height: 100dvh;
      box-sizing: border-box;
      color: var(--sw-fg);
      background: var(--sw-bg);
    }
    header {
      display: flex;
      align-items: center;
      gap: 1rem;
      padding: 0.5rem 1.25rem;
      min-height: 3.5rem;
    }
    h1 {
      margin: 0;
      font-size: 1.5rem;
      font-weight: 800;
      letter-spacing: 0.02em;
    }
    .hub {
      margin-left: auto;
      display: flex;
      align-items: center;
      gap: 0.5rem;
      font-size: 1.125rem;
      color: var(--sw-muted);
    }
    .hub .dot {
      width: 0.75rem;
      height: 0.75rem;
      border-radius: 50%;
      background: var(--sw-ok);
    }
    .hub[data-live='no'] .dot {
      background: var(--sw-bad);
    }
    .icon-button {
      min-width: 48px;
      min-height: 48px;
      display: grid;
      place-items: center;
      padding: 0;
      border-radius: 0.6rem;
      border: 2px solid var(--sw-track);
      background: transparent;
      color: var(--sw-fg);
      cursor: pointer;
    }
    .icon-button svg {
      width: 1.5rem;
      height: 1.5rem;
    }
    .icon-button:focus-visible {
      outline: 3px solid var(--sw-focus);
      outline-offset: 2px;
    }
    main {
      flex: 1;
      display: grid;
      gap: 1rem;
      padding: 0.25rem 1.25rem 1.25rem;
      min-height: 0;
      grid-template-columns: minmax(0, 1.7fr) minmax(22rem, 1fr);
      grid-template-rows: minmax(0, 1fr) 8.5rem;
      grid-template-areas:
        'angle status'
        'trace status';
    }
    .card {
      position: relative;
      min-height: 0;
      border-radius: 1rem;
      background: var(--sw-panel);
    }
    .angle {
      grid-area: angle;
      display: grid;
      padding: 1rem;
    }
    swivel-angle-readout {
      min-height: 0;
    }
    .trace {
      grid-area: trace;
      display: grid;
      padding: 2.1rem 1rem 0.75rem;
    }
    .trace-label {
      position: absolute;
      top: 0.5rem;
      left: 1rem;
      font-size: 0.95rem;
      font-weight: 600;
      color: var(--sw-muted);
      text-transform: uppercase;
      letter-spacing: 0.06em;
    }
    .status {
      grid-area: status;
      min-height: 0;
    }
    /* Portrait tablet (800 × 1280): stack the readout, trace and status. */
    @media (max-aspect-ratio: 1/1) {
      main {
        grid-template-columns: minmax(0, 1fr);
        grid-template-rows: minmax(0, 1fr) 8.5rem auto;
        grid-template-areas:
          'angle'
          'trace'
          'status';
      }
    }
  `;
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-app': SwivelApp;
  }
}
