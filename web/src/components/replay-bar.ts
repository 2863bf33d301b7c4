import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { REPLAY_SPEEDS, type ReplayCommand, type ReplaySpeed } from '../../../hub/protocol/replay.ts';
import { ReplayCommandEvent } from './events.ts';
import { buttonStyles } from '../styles/shared-styles.ts';

/** 754 s → "12:34"; an hour or more → "1:02:34". */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

const speedLabel = (speed: ReplaySpeed) => (speed === 'max' ? 'Max' : `${speed}\u00d7`);

/**
 * The banner over a replayed session: it says plainly that this is a recording, not someone
 * exercising now, and steers it (play or pause, a position slider, the speed). Each action fires a
 * `swivel-replay-command`; the hub answers with the replay's new state, which comes back in here.
 */
@customElement('swivel-replay-bar')
export class SwivelReplayBar extends LitElement {
  /** What the recording is called (its name, or "Session 12"). */
  @property({ attribute: 'recording-title' }) recordingTitle = '';
  /** When it was recorded, ms since the epoch. */
  @property({ type: Number, attribute: 'started-at' }) startedAt = 0;
  @property({ type: Number }) position = 0;
  @property({ type: Number }) duration = 0;
  @property() speed: ReplaySpeed = 1;
  @property({ type: Boolean }) paused = false;
  @property({ type: Boolean }) finished = false;

  /** The slider's value while a finger is on it (the hub's position otherwise). */
  @state() private dragging: number | null = null;
  /** Where the person let go, shown until the hub reports being there (or a few seconds pass), so the thumb does not jump back. */
  @state() private seeking: { seconds: number; until: number } | null = null;
  private recordedOn = '';

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (this.seeking && (Math.abs(this.position - this.seeking.seconds) < 1 || Date.now() > this.seeking.until)) this.seeking = null;
    if (changed.has('startedAt')) {
      this.recordedOn = this.startedAt > 0 ? new Date(this.startedAt).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }) : '';
    }
  }

  protected override render() {
    const shown = this.dragging ?? this.seeking?.seconds ?? this.position;
    const playing = !this.paused && !this.finished;
    return html`
      <section aria-label="Replay controls">
        <div class="banner">
          <span class="badge" data-testid="replay-badge">Replay</span>
          <span class="what"><strong>${this.recordingTitle}</strong>${this.recordedOn ? html` \u00b7 recorded ${this.recordedOn}` : ''}</span>
          <a class="live" href="/" data-testid="replay-exit">Back to live</a>
        </div>
        <div class="controls">
          <button
            type="button"
            class="primary play"
            data-testid="replay-play"
            aria-label=${playing ? 'Pause the replay' : this.finished ? 'Play the replay again from the start' : 'Play the replay'}
            @click=${() => this.fire(playing ? { action: 'pause' } : { action: 'play' })}
          >
            ${playing ? 'Pause' : this.finished ? 'Again' : 'Play'}
          </button>
          <span class="clock" data-testid="replay-clock" aria-live="off">${formatClock(shown)} / ${formatClock(this.duration)}</span>
          <input
            type="range"
            data-testid="replay-position"
            aria-label="Position in the recording"
            aria-valuetext=${`${formatClock(shown)} of ${formatClock(this.duration)}`}
            min="0"
            max=${Math.max(0, this.duration)}
            step="0.5"
            .value=${live(String(shown))}
            @input=${(event: Event) => (this.dragging = Number((event.target as HTMLInputElement).value))}
            @change=${(event: Event) => {
              const seconds = Math.min(this.duration, Number((event.target as HTMLInputElement).value));
              this.dragging = null;
              this.seeking = { seconds, until: Date.now() + 3000 };
              this.fire({ action: 'seek', seconds });
            }}
          />
          <div class="speeds" role="group" aria-label="Replay speed">
            ${REPLAY_SPEEDS.map(
              (speed) => html`<button
                type="button"
                data-testid=${`replay-speed-${speed}`}
                aria-pressed=${this.speed === speed ? 'true' : 'false'}
                aria-label=${speed === 'max' ? 'Max: as fast as possible' : `${speed} times real speed`}
                @click=${() => this.fire({ action: 'speed', speed })}
              >
                ${speedLabel(speed)}
              </button>`,
            )}
          </div>
        </div>
      </section>
    `;
  }

  private fire(command: ReplayCommand): void {
    this.dispatchEvent(new ReplayCommandEvent(command));
  }

  static override styles = [
    buttonStyles,
    css`
      :host {
        display: block;
        --replay: var(--sw-replay, #c77dff);
      }
      section {
        border: 3px solid var(--replay);
        border-radius: 0.9rem;
        padding: 0.6rem 0.9rem;
        display: grid;
        gap: 0.5rem;
        background: var(--sw-panel, #171c23);
      }
      .banner {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.9rem;
      }
      .badge {
        background: var(--replay);
        color: #12051c;
        font-weight: 800;
        font-size: 1.3rem;
        letter-spacing: 0.08em;
        text-transform: uppercase;
        padding: 0.15rem 0.7rem;
        border-radius: 0.5rem;
      }
      .what {
        font-size: 1.15rem;
        color: var(--sw-fg, #f4f6f8);
      }
      .live {
        margin-left: auto;
        color: var(--sw-accent, #4cc9f0);
        font-weight: 700;
        font-size: 1.1rem;
        min-height: 48px;
        display: inline-flex;
        align-items: center;
        padding: 0 0.4rem;
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.6rem 0.9rem;
      }
      .play {
        min-width: 7rem;
        font-size: 1.3rem;
      }
      .clock {
        font-variant-numeric: tabular-nums;
        font-size: 1.3rem;
        font-weight: 700;
        min-width: 8.5rem;
      }
      input[type='range'] {
        flex: 1 1 12rem;
        min-height: 48px;
        accent-color: var(--replay);
      }
      .speeds {
        display: flex;
        gap: 0.3rem;
      }
      .speeds button {
        min-width: 3.6rem;
        padding: 0.4rem 0.6rem;
      }
      .speeds button[aria-pressed='true'] {
        background: var(--replay);
        border-color: var(--replay);
        color: #12051c;
      }
    `,
  ];
}

declare global {
  interface HTMLElementTagNameMap {
    'swivel-replay-bar': SwivelReplayBar;
  }
}
