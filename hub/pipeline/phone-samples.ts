/**
 * Timing a phone's samples honestly. A browser fires `devicemotion` at 50–100 Hz with jitter of a few
 * ms, delivers it late when the page is busy, skips events, and stops altogether while the page is
 * hidden. Each sample keeps the phone's own timestamp; nothing is invented:
 *
 * - Samples in a row with ordinary intervals become one SampleBatch, spread evenly from the first
 *   sample's time to the last's (t0 + i × dt, as every batch is): the jitter of single events is
 *   averaged out, the phone's clock is kept.
 * - An interval over `splitFactor` × the usual one (events skipped, the page stalled or hidden)
 *   starts a new batch at the later sample's time, so the pipeline sees the gap as it is: a short one
 *   is bridged by the fusion like lost BLE packets, one over half a second pauses timers and stops a
 *   rep from counting (gapSeconds in reps.ts and holds.ts), as after a BLE link loss.
 * - A sample not after the previous one (a late duplicate) is dropped and counted.
 *
 * A plain reducer: the hub's phone source keeps the state per connection; the bench runs it too.
 */
import type { SampleBatch } from './samples.ts';

const VALUES = 6;

export interface PhoneTimingOptions {
  /** The interval assumed before any is seen, seconds. */
  firstIntervalSeconds: number;
  /** An interval longer than this many usual ones starts a new batch. */
  splitFactor: number;
  /** How fast the usual interval follows the phone's (weight of each new interval). */
  intervalSmoothing: number;
}

export const DEFAULT_PHONE_TIMING: PhoneTimingOptions = { firstIntervalSeconds: 1 / 60, splitFactor: 2.5, intervalSmoothing: 0.05 };

export interface PhoneTiming {
  /** Time of the newest sample kept, seconds (NaN before any). */
  lastT: number;
  /** The usual interval between samples, seconds, smoothed. */
  interval: number;
  /** Sequence number of the next batch (16 bits, as a notification's). */
  seq: number;
}

export const initialPhoneTiming = (options: PhoneTimingOptions = DEFAULT_PHONE_TIMING): PhoneTiming => ({ lastT: Number.NaN, interval: options.firstIntervalSeconds, seq: 0 });

/**
 * One message's samples (times in seconds on the phone's clock, six values each) → sample batches.
 * `receivedAt` is the hub clock when the message arrived (latency measurement only).
 */
export function timePhoneSamples(
  state: PhoneTiming,
  sensorId: string,
  t: ArrayLike<number>,
  imu: ArrayLike<number>,
  receivedAt: number,
  options: PhoneTimingOptions = DEFAULT_PHONE_TIMING,
): { state: PhoneTiming; batches: SampleBatch[]; dropped: number } {
  let { lastT, interval, seq } = state;
  const batches: SampleBatch[] = [];
  let dropped = 0;
  // Indices (into t) of the samples of the run under way.
  let run: number[] = [];
  const endRun = () => {
    if (run.length === 0) return;
    const values = new Float64Array(run.length * VALUES);
    run.forEach((index, k) => {
      for (let v = 0; v < VALUES; v++) values[k * VALUES + v] = imu[index * VALUES + v]!;
    });
    const t0 = t[run[0]!]!;
    const dt = run.length > 1 ? (t[run[run.length - 1]!]! - t0) / (run.length - 1) : interval;
    batches.push({ sensorId, seq, t0, dt, count: run.length, imu: values, receivedAt });
    seq = (seq + 1) & 0xffff;
    run = [];
  };
  for (let i = 0; i < t.length; i++) {
    const ti = t[i]!;
    if (!Number.isNaN(lastT)) {
      const step = ti - lastT;
      if (!(step > 0)) {
        dropped++;
        continue;
      }
      if (step > options.splitFactor * interval) endRun();
      else interval += options.intervalSmoothing * (step - interval);
    }
    run.push(i);
    lastT = ti;
  }
  endRun();
  return { state: { lastT, interval, seq }, batches, dropped };
}
