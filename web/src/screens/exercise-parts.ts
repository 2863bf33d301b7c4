import { html, nothing } from 'lit';
import type { ExerciseView } from '../view-model/exercise.ts';
import { formatAngle } from '../view-model/format.ts';
import '../components/progress-ring.ts';
import '../components/rep-counter.ts';

/** Parts of the exercise screen's count card: plain template functions over its view. */

/** While calibrating: the ring fills as the hub counts the person's still time. */
export function calibrationPart(v: ExerciseView) {
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

/** The count: the hold or effort ring, or the rep counter with the end hold. */
export function countPart(v: ExerciseView) {
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
    ${set.endHoldTargetSeconds !== null ? endHoldPart(set.endHoldSeconds, set.endHoldTargetSeconds) : nothing}
    ${v.done ? html`<div class="sub ok">Target reached \u2713</div>` : nothing}
  `;
}

/** During a rep: the end hold filling towards its target; between reps, the reminder. */
export function endHoldPart(held: number | null, target: number) {
  if (held === null) return html`<div class="sub">Hold ${target} s at the top of each rep</div>`;
  const fraction = Math.min(1, held / target);
  return html`<div class="end-hold" data-testid="end-hold" data-fraction=${fraction.toFixed(3)}>
    <div class="end-hold-bar" role="progressbar" aria-label="End hold" aria-valuemin="0" aria-valuemax=${target} aria-valuenow=${held.toFixed(1)}>
      <span style=${`width: ${(fraction * 100).toFixed(1)}%`}></span>
    </div>
    <span class="end-hold-text">${fraction >= 1 ? 'Held \u2713' : `Hold ${Math.ceil(target - held)} s more`}</span>
  </div>`;
}

/** The start position contradicts the exercise: said large, with the way to take it again beside it (not on a replay). */
export function postureWarningPart(text: string, onRecalibrate: (() => void) | null) {
  return html`<div class="posture-warning" role="alert" data-testid="posture-warning">
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M12 3 1.8 20.5h20.4z" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linejoin="round" />
      <path d="M12 9.5v5" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" />
      <circle cx="12" cy="17.6" r="1.4" fill="currentColor" />
    </svg>
    <p data-testid="posture-warning-text">${text}</p>
    ${onRecalibrate
      ? html`<button type="button" class="primary" data-testid="posture-recalibrate" aria-label="Recalibrate: take the start position again" @click=${onRecalibrate}>
          Recalibrate
        </button>`
      : nothing}
  </div>`;
}
