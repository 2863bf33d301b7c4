import type { LinkState } from '../../../hub/protocol/messages.ts';

/** How a state should look: `ok` green, `busy` blue (working on it), `warn` amber, `bad` red, `off` grey. */
export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'off';

export const LINK_STATE_LABEL: Record<LinkState, string> = {
  idle: 'Idle',
  scanning: 'Scanning',
  connecting: 'Connecting',
  connected: 'Connected',
  lost: 'Link lost',
  reconnecting: 'Reconnecting',
  stopped: 'Stopped',
};

export const LINK_STATE_TONE: Record<LinkState, Tone> = {
  idle: 'off',
  scanning: 'busy',
  connecting: 'busy',
  connected: 'ok',
  lost: 'bad',
  reconnecting: 'warn',
  stopped: 'off',
};

const MINUS = '\u2212';

/** Whole degrees with a real minus sign; readouts this large make a decimal place jitter. */
export function formatAngle(angle: number | null): string {
  if (angle === null || !Number.isFinite(angle)) return '\u2013';
  const rounded = Math.round(angle);
  // Math.round(-0.4) is -0: show it as 0, not "−0".
  return rounded < 0 ? `${MINUS}${-rounded}` : String(rounded === 0 ? 0 : rounded);
}

/** Packet loss as a fraction of packets that should have arrived, or null before any. */
export function packetLoss(packets: number, lostPackets: number): number | null {
  const expected = packets + lostPackets;
  return expected > 0 ? lostPackets / expected : null;
}

export function formatPercent(fraction: number | null): string {
  if (fraction === null) return '\u2013';
  const percent = fraction * 100;
  if (percent === 0) return '0';
  if (percent < 0.1) return '<0.1';
  return percent < 10 ? percent.toFixed(1) : percent.toFixed(0);
}

export function lossTone(fraction: number | null): Tone {
  if (fraction === null) return 'off';
  if (fraction > 0.05) return 'bad';
  if (fraction > 0.01) return 'warn';
  return 'ok';
}

/** 0–4 bars from RSSI in dBm (BLE at a few metres is typically −50 to −80). */
export function signalBars(rssi: number | null): number {
  if (rssi === null) return 0;
  if (rssi >= -60) return 4;
  if (rssi >= -70) return 3;
  if (rssi >= -80) return 2;
  if (rssi >= -90) return 1;
  return 0;
}

export function batteryTone(percent: number | null): Tone {
  if (percent === null) return 'off';
  if (percent <= 10) return 'bad';
  if (percent <= 20) return 'warn';
  return 'ok';
}

export function formatSigned(value: number): string {
  return value < 0 ? `${MINUS}${-value}` : String(value);
}
