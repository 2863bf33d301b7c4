import { readingToSample, type MotionQuirks } from '../../../hub/protocol/phone-motion.ts';
import { MAX_PHONE_SAMPLES_PER_MESSAGE, type PhoneClientMessage, type PhoneServerMessage } from '../../../hub/protocol/phone-sensor.ts';

/** Why the phone cannot stream, each said in plain sentences by problemSentence. */
export type PhoneProblem = 'insecure' | 'unsupported' | 'denied' | 'no-events' | 'no-gyroscope' | 'refused';

export type StreamPhase = 'idle' | 'starting' | 'streaming' | 'hidden' | 'reconnecting' | 'problem';

export interface PhoneStreamView {
  phase: StreamPhase;
  /** Motion events a second over the last two seconds, null before there are enough. */
  rateHz: number | null;
  problem: PhoneProblem | null;
  /** The hub's reason, when it refused the phone. */
  refusal: string | null;
  /** Whether the screen is kept awake: the phone must not lock while it is the sensor. */
  wakeLock: 'on' | 'off' | 'unavailable';
}

export interface PhoneStreamDeps {
  /** ws(s)://host/ws/sensor */
  socketUrl: string;
  /** What the sensor panel calls this phone. */
  name: string;
  quirks: MotionQuirks;
  shin: () => 'left' | 'right' | null;
  /** Called after every change of `view`. */
  onChange: () => void;
  /** No motion event this long after Start: the browser gives none (ms). */
  firstEventWithinMs?: number;
  /** How often samples go to the hub (ms): a few messages a second keep latency low and messages small. */
  sendEveryMs?: number;
}

/** Close codes after which trying again cannot help: not paired, wrong origin, replaced, no hello. */
const FINAL_CLOSES = new Set([4400, 4401, 4403, 4409]);
const RECONNECT_MS = 1000;

/** Five significant decimals: 10 µg and 0.01 mdeg/s, far below any phone's resolution, and short JSON. */
const round = (value: number) => Math.round(value * 1e5) / 1e5;

/**
 * The phone as the sensor, without the screen: asks for motion data, streams it to the hub in
 * batches with the phone's timestamps (each reading converted by hub/protocol/phone-motion.ts),
 * keeps the screen awake, says when the page is hidden, and reconnects when the network drops.
 */
export class PhoneStream {
  view: PhoneStreamView = { phase: 'idle', rateHz: null, problem: null, refusal: null, wakeLock: 'off' };

  private readonly deps: Required<PhoneStreamDeps>;
  private socket: WebSocket | null = null;
  private running = false;
  private t: number[] = [];
  private imu: number[] = [];
  /** Timestamps of the recent events, for the rate shown. */
  private recent: number[] = [];
  private sendTimer: ReturnType<typeof setInterval> | null = null;
  private firstEventTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private wakeLock: WakeLockSentinel | null = null;
  private readonly sample = new Array<number>(6);

  constructor(deps: PhoneStreamDeps) {
    this.deps = { firstEventWithinMs: 2000, sendEveryMs: 100, ...deps };
  }

  /**
   * Call from the Start button's click handler: iOS grants motion data only on a user gesture, so the
   * permission is asked before anything else is awaited.
   */
  async start(): Promise<void> {
    if (this.running) return;
    if (!window.isSecureContext) return this.fail('insecure');
    if (typeof DeviceMotionEvent === 'undefined') return this.fail('unsupported');
    const asks = (DeviceMotionEvent as unknown as { requestPermission?: () => Promise<'granted' | 'denied'> }).requestPermission;
    this.set({ phase: 'starting', problem: null, refusal: null, rateHz: null });
    if (asks) {
      let answer: 'granted' | 'denied';
      try {
        answer = await asks.call(DeviceMotionEvent);
      } catch {
        answer = 'denied'; // asked outside a gesture, or the browser refused outright
      }
      // (Chrome has it too, and answers from the site's Motion sensors setting without asking.)
      if (answer !== 'granted') return this.fail('denied');
    }
    this.running = true;
    void this.keepAwake();
    window.addEventListener('devicemotion', this.onMotion);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.firstEventTimer = setTimeout(() => this.fail('no-events'), this.deps.firstEventWithinMs);
    this.sendTimer = setInterval(() => this.flush(), this.deps.sendEveryMs);
    this.connect();
  }

  stop(): void {
    this.halt();
    this.set({ phase: 'idle', rateHz: null });
  }

  private halt(): void {
    this.running = false;
    window.removeEventListener('devicemotion', this.onMotion);
    document.removeEventListener('visibilitychange', this.onVisibility);
    for (const timer of [this.firstEventTimer, this.reconnectTimer]) if (timer !== null) clearTimeout(timer);
    if (this.sendTimer !== null) clearInterval(this.sendTimer);
    this.firstEventTimer = this.reconnectTimer = this.sendTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'stopped on the phone');
    void this.wakeLock?.release().catch(() => undefined);
    this.wakeLock = null;
    this.t = [];
    this.imu = [];
    this.recent = [];
    this.view.wakeLock = 'off';
  }

  private fail(problem: PhoneProblem, refusal: string | null = null): void {
    this.halt();
    this.set({ phase: 'problem', problem, refusal, rateHz: null });
  }

  private set(change: Partial<PhoneStreamView>): void {
    this.view = { ...this.view, ...change };
    this.deps.onChange();
  }

  private connect(): void {
    const socket = new WebSocket(this.deps.socketUrl);
    this.socket = socket;
    socket.addEventListener('open', () => {
      const hello: PhoneClientMessage = { type: 'hello', name: this.deps.name, shin: this.deps.shin(), browser: this.deps.quirks.browser, clockOrigin: performance.timeOrigin };
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as PhoneServerMessage;
      if (message.type === 'error') console.warn(`swivel hub: ${message.message}`);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket || !this.running) return;
      this.socket = null;
      if (FINAL_CLOSES.has(event.code)) return this.fail('refused', event.reason || `the hub closed the connection (code ${event.code})`);
      // The network dropped (or the hub restarted): samples meanwhile are lost, and the hub shows a gap.
      this.set({ phase: 'reconnecting' });
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        if (this.running) this.connect();
      }, RECONNECT_MS);
    });
  }

  private readonly onMotion = (event: DeviceMotionEvent): void => {
    const problem = readingToSample(event, this.deps.quirks, this.sample);
    if (problem === 'no-rotation-rate') return this.fail('no-gyroscope');
    if (problem !== null) return this.fail('no-events');
    if (this.firstEventTimer !== null) {
      clearTimeout(this.firstEventTimer);
      this.firstEventTimer = null;
    }
    this.recent.push(event.timeStamp);
    while (this.recent.length > 2 && this.recent[0]! < event.timeStamp - 2000) this.recent.shift();
    // Only what the hub can take now: while the socket is down the samples are a gap, not a backlog.
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.t.push(Math.round(event.timeStamp * 100) / 100);
    for (const value of this.sample) this.imu.push(round(value));
    if (this.t.length >= MAX_PHONE_SAMPLES_PER_MESSAGE) this.flush();
  };

  private flush(): void {
    const span = this.recent.length > 1 ? this.recent[this.recent.length - 1]! - this.recent[0]! : 0;
    const rateHz = span > 500 ? Math.round(((this.recent.length - 1) * 1000) / span) : null;
    const phase: StreamPhase = document.visibilityState === 'hidden' ? 'hidden' : this.socket?.readyState === WebSocket.OPEN ? (this.recent.length > 0 ? 'streaming' : 'starting') : 'reconnecting';
    if (rateHz !== this.view.rateHz || phase !== this.view.phase) this.set({ rateHz, phase });
    if (this.t.length === 0 || this.socket?.readyState !== WebSocket.OPEN) return;
    const message: PhoneClientMessage = { type: 'samples', t: this.t, imu: this.imu };
    this.socket.send(JSON.stringify(message));
    this.t = [];
    this.imu = [];
  }

  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'hidden') {
      this.flush();
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'paused', reason: 'hidden' } satisfies PhoneClientMessage));
      this.recent = [];
      this.set({ phase: 'hidden', rateHz: null });
    } else {
      // The browser let go of the wake lock when the page was hidden.
      void this.keepAwake();
    }
  };

  private async keepAwake(): Promise<void> {
    if (!('wakeLock' in navigator)) return this.set({ wakeLock: 'unavailable' });
    try {
      this.wakeLock = await navigator.wakeLock.request('screen');
      this.set({ wakeLock: 'on' });
      this.wakeLock.addEventListener('release', () => {
        this.wakeLock = null;
        if (this.running) this.set({ wakeLock: 'off' });
      });
    } catch {
      this.set({ wakeLock: 'unavailable' });
    }
  }
}

/** What to tell the person, in plain sentences, for each problem. */
export function problemSentence(problem: PhoneProblem, refusal: string | null): string {
  switch (problem) {
    case 'insecure':
      return 'This page is not secure, so the browser gives it no motion data. Open the hub\'s https:// address on this phone (start the hub with --https) and trust the hub\'s certificate, as docs/sensors.md says. Then tap Start.';
    case 'unsupported':
      return 'This browser gives web pages no motion data. Open this page in Chrome on Android or Safari on iPhone.';
    case 'denied':
      return 'Motion access was refused. On Android, allow Motion sensors in the site settings (the icon left of the address). On iPhone, close this tab, open the page again and tap Allow when asked (or allow Motion & Orientation Access in Settings, Safari). Then tap Start.';
    case 'no-events':
      return 'No motion data came from this phone within 2 seconds. It may have no motion sensor, or the browser blocks it: on Android, allow Motion sensors in the site settings (the icon left of the address). Then tap Start.';
    case 'no-gyroscope':
      return 'This phone reports no rotation rate (it has no gyroscope), so it cannot measure the shin\'s angle. Use another phone, or a Swivel sensor.';
    case 'refused':
      return `The hub refused this phone: ${refusal ?? 'no reason given'}. Pair the phone as a coach (open /pair on it and enter a code from the hub machine), then open this page again.`;
  }
}

/** What the sensor panel calls this phone. */
export function phoneName(userAgent: string): string {
  if (/iPhone/.test(userAgent)) return 'iPhone';
  if (/iPad/.test(userAgent)) return 'iPad';
  if (/Android/.test(userAgent)) return 'Android phone';
  return 'Phone';
}
