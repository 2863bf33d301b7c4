import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { motionQuirks } from '../../../hub/protocol/phone-motion.ts';
import { PhoneStream, phoneName, problemSentence } from './phone-stream.ts';

const SHIN_KEY = 'swivel.phone-shin';

function readShin(): 'left' | 'right' | null {
  try {
    const stored = window.localStorage.getItem(SHIN_KEY);
    return stored === 'left' || stored === 'right' ? stored : null;
  } catch {
    return null; // storage blocked: ask each time
  }
}

/**
 * The phone's one screen (/sensor): which shin, one big Start, then large type saying it streams, at
 * what rate, on which shin. Problems are said in sentences with what to do. Read from across the
 * room, with the phone strapped to a shin: everything is large.
 */
@customElement('swivel-sensor-page')
export class SwivelSensorPage extends LitElement {
  @state() private shin: 'left' | 'right' | null = readShin();
  private readonly stream: PhoneStream;

  constructor() {
    super();
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.stream = new PhoneStream({
      socketUrl: `${scheme}//${location.host}/ws/sensor`,
      name: phoneName(navigator.userAgent),
      quirks: motionQuirks(navigator.userAgent, navigator.maxTouchPoints),
      shin: () => this.shin,
      onChange: () => this.requestUpdate(),
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stream.stop();
  }

  static override styles = css`
    :host {
      --sw-bg: #0b0d10;
      --sw-fg: #f4f6f8;
      --sw-muted: #a7b0bc;
      --sw-accent: #4cc9f0;
      --sw-on-accent: #04121a;
      --sw-ok: #4ade80;
      --sw-warn: #ffc14d;
      --sw-bad: #ff6b6b;
      --sw-focus: #ffd166;
      background: var(--sw-bg);
      color: var(--sw-fg);
      font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
      display: flex;
      flex-direction: column;
      gap: 1.5rem;
      padding: 1.5rem;
      min-height: 100vh;
      box-sizing: border-box;
      font-size: 1.25rem;
    }
    h1 {
      margin: 0;
      font-size: 1.5rem;
      color: var(--sw-muted);
      font-weight: 600;
    }
    .shins {
      display: flex;
      gap: 1rem;
    }
    button {
      font: inherit;
      border-radius: 0.75rem;
      border: 2px solid var(--sw-accent);
      background: transparent;
      color: var(--sw-fg);
      min-height: 4rem;
      padding: 0 1.25rem;
    }
    .shins button {
      flex: 1;
    }
    button[aria-pressed='true'] {
      background: var(--sw-accent);
      color: var(--sw-on-accent);
    }
    button:focus-visible {
      outline: 3px solid var(--sw-focus);
      outline-offset: 3px;
    }
    .start {
      flex: 1;
      min-height: 40vh;
      font-size: 3rem;
      font-weight: 700;
      background: var(--sw-accent);
      color: var(--sw-on-accent);
      border: 0;
    }
    /* At the foot of the screen and no taller than a thumb needs: a hand that adjusts the armband must not stop the stream. */
    .stop {
      border-color: var(--sw-muted);
      margin-top: auto;
      font-size: 1.5rem;
      font-weight: 600;
    }
    .status {
      font-size: 3rem;
      font-weight: 700;
      line-height: 1.1;
      margin: 0;
    }
    .status[data-phase='streaming'] {
      color: var(--sw-ok);
    }
    .status[data-phase='hidden'],
    .status[data-phase='reconnecting'] {
      color: var(--sw-warn);
    }
    .figures {
      font-size: 2rem;
      margin: 0;
    }
    .problem {
      border-left: 6px solid var(--sw-bad);
      padding: 0.5rem 1rem;
      margin: 0;
      font-size: 1.4rem;
      line-height: 1.4;
    }
    .hint {
      color: var(--sw-muted);
      margin: 0;
      line-height: 1.4;
    }
  `;

  private chooseShin(shin: 'left' | 'right'): void {
    this.shin = shin;
    try {
      window.localStorage.setItem(SHIN_KEY, shin);
    } catch {
      // not remembered; chosen all the same
    }
  }

  private readonly onStart = (): void => {
    // No await before the stream asks for motion permission: iOS grants it only inside the tap.
    void this.stream.start();
  };

  protected override render() {
    const view = this.stream.view;
    const running = view.phase !== 'idle' && view.phase !== 'problem';
    const shinText = this.shin === null ? 'shin not chosen' : `${this.shin} shin`;
    return html`
      <h1>Swivel: this phone is the sensor</h1>
      ${running
        ? html`
            <p class="status" data-testid="sensor-status" data-phase=${view.phase} role="status">${PHASE_TEXT[view.phase]}</p>
            <p class="figures" data-testid="sensor-rate">${view.rateHz === null ? 'Waiting for motion data' : `${view.rateHz} samples a second`}</p>
            <p class="figures" data-testid="sensor-shin">On the ${shinText}</p>
            ${view.wakeLock === 'unavailable' ? html`<p class="hint">This browser cannot keep the screen on: turn auto-lock off while you exercise, or the phone stops sending when it locks.</p>` : nothing}
            <button class="stop" data-testid="sensor-stop" @click=${() => this.stream.stop()}>Stop</button>
          `
        : html`
            <div class="shins" role="group" aria-label="Which shin is the phone on?">
              <button data-testid="shin-left" aria-pressed=${this.shin === 'left' ? 'true' : 'false'} @click=${() => this.chooseShin('left')}>Left shin</button>
              <button data-testid="shin-right" aria-pressed=${this.shin === 'right' ? 'true' : 'false'} @click=${() => this.chooseShin('right')}>Right shin</button>
            </div>
            ${view.problem !== null ? html`<p class="problem" data-testid="sensor-problem" role="alert" data-problem=${view.problem}>${problemSentence(view.problem, view.refusal)}</p>` : nothing}
            <button class="start" data-testid="sensor-start" @click=${this.onStart}>Start</button>
            <p class="hint">Strap the phone to the front of the shin, screen facing out, then tap Start. Keep this page open while you exercise: the dashboard shows the angle and counts.</p>
          `}
    `;
  }
}

const PHASE_TEXT: Record<string, string> = {
  starting: 'Starting…',
  streaming: 'Streaming to the hub',
  hidden: 'Paused: this page is hidden',
  reconnecting: 'Reconnecting to the hub…',
};

declare global {
  interface HTMLElementTagNameMap {
    'swivel-sensor-page': SwivelSensorPage;
  }
}
