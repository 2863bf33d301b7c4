import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionEvent, SessionView } from '../../../hub/protocol/session.ts';
import type { HubConnection } from '../connection/hub-connection.ts';

const MUTE_KEY = 'swivel.muted';
/** Spoken countdowns cover the last this many seconds of a hold, an effort phase and a rest. */
const COUNTDOWN_FROM = 3;

type Tone = { frequency: number; at: number; duration: number };
/** Silence between one cue's tones and the next cue's, seconds, so that each is heard as itself. */
const CUE_GAP = 0.08;

/** A short blip for every counted rep. */
const REP_TONE: Tone[] = [{ frequency: 880, at: 0, duration: 0.12 }];
/** Two rising notes: a hold (or a rep's end hold) reached its target. */
const TARGET_TONE: Tone[] = [
  { frequency: 660, at: 0, duration: 0.14 },
  { frequency: 990, at: 0.16, duration: 0.24 },
];
/** Three rising notes: a set is complete. */
const SET_TONE: Tone[] = [
  { frequency: 523, at: 0, duration: 0.14 },
  { frequency: 659, at: 0.15, duration: 0.14 },
  { frequency: 784, at: 0.3, duration: 0.3 },
];

function readMuted(): boolean {
  try {
    return window.localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false; // storage blocked (private mode, policy): sound on, not remembered
  }
}

/**
 * The session's sounds: a tone on each counted rep, a distinct one when a hold target is reached, and
 * spoken countdowns (Web Speech API, where the browser has it) for the last seconds of a hold, an
 * effort and a rest. Follows the hub connection's events and views, never the render. Muting is
 * remembered in localStorage.
 *
 * Browsers start audio only after a user gesture; the first tap or key press anywhere unlocks it.
 */
export class SessionCues implements ReactiveController {
  muted = readMuted();
  /** Whether this browser can speak (the countdowns are tones otherwise). */
  readonly canSpeak = typeof window !== 'undefined' && 'speechSynthesis' in window;
  /** Cues played since the page loaded, by kind: lets tests and a curious person see what was sounded. */
  readonly played = { rep: 0, target: 0, set: 0, countdown: 0 };

  private audio: AudioContext | null = null;
  /**
   * When the tones already scheduled end (audio clock). Cues can come together (a hold reaching its
   * target also completes the set): each waits for the one before, so the target tone is not lost
   * under the set's.
   */
  private tonesEndAt = 0;
  private unsubscribe: (() => void) | null = null;
  /** The countdown already spoken: which hold / rest / phase, and the last number said. */
  private spoken: { key: string; n: number } | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly hub: HubConnection,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('pointerdown', this.unlock, { capture: true });
    document.addEventListener('keydown', this.unlock, { capture: true });
    this.unsubscribe = this.hub.addSessionListener({
      sessionEvent: (event) => this.onEvent(event),
      sessionView: (view) => this.onView(view),
    });
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.unlock, { capture: true });
    document.removeEventListener('keydown', this.unlock, { capture: true });
    this.unsubscribe?.();
    this.unsubscribe = null;
    void this.audio?.close();
    this.audio = null;
    this.tonesEndAt = 0; // a new context's clock starts again at 0
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    try {
      window.localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
    } catch {
      // not remembered, but still muted for this page
    }
    if (muted && this.canSpeak) window.speechSynthesis.cancel();
    this.host.requestUpdate();
  }

  private readonly unlock = (): void => {
    try {
      const AudioCtor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!AudioCtor) return;
      this.audio ??= new AudioCtor();
      if (this.audio.state === 'suspended') void this.audio.resume();
    } catch {
      // no audio on this device: the screen still shows everything
    }
  };

  private onEvent(event: SessionEvent): void {
    switch (event.kind) {
      case 'rep':
        this.played.rep++;
        this.tones(REP_TONE);
        break;
      case 'end-hold-reached':
      case 'hold-target-reached':
        this.played.target++;
        this.tones(TARGET_TONE);
        break;
      case 'effort-start':
        this.say('Push');
        break;
      case 'relax-start':
        this.say('Relax');
        break;
      case 'set-complete':
        this.played.set++;
        this.tones(SET_TONE);
        break;
      default:
        break;
    }
  }

  /** Says 3, 2, 1 as the remaining seconds of a hold, an effort phase or a rest pass each number. */
  private onView(view: SessionView): void {
    const countdown = countdownOf(view);
    if (!countdown) {
      this.spoken = null;
      return;
    }
    const n = Math.ceil(countdown.remaining);
    const same = this.spoken?.key === countdown.key;
    if (n < 1 || n > COUNTDOWN_FROM || (same && this.spoken!.n <= n)) {
      // A hold that slipped back above 3 s left may count down again later.
      if (same && n > COUNTDOWN_FROM) this.spoken = null;
      return;
    }
    this.spoken = { key: countdown.key, n };
    this.played.countdown++;
    if (!this.say(String(n))) this.tones([{ frequency: 440, at: 0, duration: 0.08 }]);
  }

  private say(text: string): boolean {
    if (this.muted || !this.canSpeak) return false;
    try {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.rate = 1.15;
      window.speechSynthesis.cancel(); // a late number must not queue behind the previous one
      window.speechSynthesis.speak(utterance);
      return true;
    } catch {
      return false;
    }
  }

  private tones(tones: Tone[]): void {
    const ctx = this.audio;
    if (this.muted || !ctx || ctx.state !== 'running') return;
    const start = Math.max(ctx.currentTime + 0.01, this.tonesEndAt);
    this.tonesEndAt = start + Math.max(...tones.map((tone) => tone.at + tone.duration)) + CUE_GAP;
    for (const tone of tones) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = tone.frequency;
      // A quick attack and decay: no click at either end.
      const t0 = start + tone.at;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.35, t0 + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + tone.duration);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + tone.duration + 0.02);
    }
  }
}

/** The countdown running now, if any: what it is (a key that changes with each hold, phase or rest) and the seconds left. */
function countdownOf(view: SessionView): { key: string; remaining: number } | null {
  if (view.status === 'rest' && view.rest) {
    const next = view.next;
    return { key: `rest:${next ? `${next.exerciseId}:${next.side}:${next.set}` : ''}`, remaining: view.rest.remainingSeconds };
  }
  const set = view.current;
  if (view.status !== 'active' || !set) return null;
  const setKey = `${set.exerciseId}:${set.side}:${set.set}:${set.startedAt}`;
  if (set.hold && set.hold.inPosition && !set.targetReached) return { key: `hold:${setKey}`, remaining: set.hold.remainingSeconds };
  if (set.effort && (set.effort.phase === 'effort' || set.effort.phase === 'relax')) {
    return { key: `effort:${setKey}:${set.effort.phase}:${set.effort.cycle}`, remaining: set.effort.phaseRemainingSeconds };
  }
  return null;
}
