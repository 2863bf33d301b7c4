/**
 * Polar PMD notifications (hub/protocol/polar-pmd.ts) into the hub's sample batches. A Polar sensor
 * streams ACC and GYRO as two measurements, each in frames of its own with its own timestamps; the
 * hub's batches hold both for each sample. So the frames of each are placed on the sensor clock, and
 * an ACC sample and a GYRO sample within half a period of each other become one sample. Everything
 * after decoding cannot tell a Polar sensor from our own.
 */
import { decodePmdImuFrame, PMD_TYPE, VERITY_RATES_HZ } from '../protocol/polar-pmd.ts';
import type { PipelineEvent, SensorEvent } from './events.ts';

type Notification = Extract<SensorEvent, { kind: 'notification' }>;

interface TimedSample {
  t: number;
  x: number;
  y: number;
  z: number;
}

interface StreamState {
  /** Sensor time of this stream's last frame on this link, ns; null before its first. */
  lastNs: bigint | null;
  /** Samples waiting for a partner from the other stream, oldest first. */
  waiting: TimedSample[];
}

export interface PolarDecodeState {
  linkEpoch: number;
  /** Sensor time that is t = 0 on the pipeline's clock (the first frame ever seen), ns. */
  originNs: bigint | null;
  /** Added to every time after the sensor's clock jumped back (its time was set), so time never runs backwards. */
  offsetS: number;
  acc: StreamState;
  gyro: StreamState;
  /** The newest ACC sample taken on this link: one end of a bridge over lost ACC frames. */
  lastAcc: TimedSample | null;
  /** Paired samples not sent yet (those after a gap wait for the next notification), x y z gx gy gz. */
  paired: { t: number; imu: number[] }[];
  /** Time of the newest sample sent, seconds; NaN before any on this link. */
  lastT: number;
  /** The newest sample sent on any link: a new link never starts before it. */
  lastTEver: number;
  nextSeq: number;
}

export const newPolarDecodeState = (): PolarDecodeState => ({
  linkEpoch: -1,
  originNs: null,
  offsetS: 0,
  acc: { lastNs: null, waiting: [] },
  gyro: { lastNs: null, waiting: [] },
  lastAcc: null,
  paired: [],
  lastT: Number.NaN,
  lastTEver: Number.NaN,
  nextSeq: 0,
});

/** A stream that the other never matches (one measurement failed to start) is kept this long, seconds. */
const MAX_WAIT_SECONDS = 5;

function resetLink(state: PolarDecodeState, linkEpoch: number): void {
  state.linkEpoch = linkEpoch;
  state.acc = { lastNs: null, waiting: [] };
  state.gyro = { lastNs: null, waiting: [] };
  state.lastAcc = null;
  state.paired = [];
  state.lastT = Number.NaN;
}

/** Lost ACC frames up to this long are bridged for the GYRO samples in them, seconds (as fusion bridges gaps up to 1 s). */
const MAX_ACC_BRIDGE_SECONDS = 1;

/**
 * One ACC or GYRO frame in, and at most one batch out: the longest run of paired samples without a
 * gap, once both streams have covered it. Null when nothing is complete yet (the partner frame is on
 * its way). `rateHz` is the rate the link started both streams at; `scales` the factors their start
 * responses gave, by measurement type. A lost GYRO frame leaves a gap (its ACC samples are dropped),
 * counted as lost samples from the timestamps; a lost ACC frame is bridged: its GYRO samples are kept
 * with the acceleration interpolated across it. Malformed frames are reported, never thrown.
 */
export function decodePolarNotification(state: PolarDecodeState, event: Notification): PipelineEvent | null {
  if (state.linkEpoch !== event.linkEpoch) resetLink(state, event.linkEpoch);
  const rateHz = event.rateHz ?? VERITY_RATES_HZ[0];
  const dt = 1 / rateHz;
  const type = event.bytes[0]! & 0x3f;
  const decoded = decodePmdImuFrame(event.bytes, event.scales?.[type] ?? 1);
  if (!decoded.ok) return { kind: 'malformed', sensorId: event.sensorId, message: `Polar: ${decoded.error.message}`, error: decoded.error };
  const { frame } = decoded;
  const stream = frame.type === PMD_TYPE.acc ? state.acc : state.gyro;

  // t = 0 at the first sample ever seen (the frame's timestamp is its last sample's).
  state.originNs ??= frame.timestampNs - BigInt(Math.round((frame.count - 1) * dt * 1e9));
  if (stream.lastNs !== null && frame.timestampNs <= stream.lastNs) {
    // The sensor's clock went back (its time was set): start this link afresh after what was sent.
    resetLink(state, event.linkEpoch);
  }
  const timeOf = (ns: bigint) => Number(ns - state.originNs!) / 1e9 + state.offsetS;
  let lastT = timeOf(frame.timestampNs);
  const firstT = lastT - (frame.count - 1) * dt;
  if (!Number.isNaN(state.lastTEver) && Number.isNaN(state.lastT) && stream.lastNs === null && firstT <= state.lastTEver) {
    state.offsetS += state.lastTEver + dt - firstT;
    lastT = timeOf(frame.timestampNs);
  }

  // The samples are evenly spread up to the frame's timestamp, which is its last sample's. After a
  // frame of this stream on this link, they fill the time since it (as Polar's SDK does) unless
  // that time holds more samples than the frame: then some were lost, and the nominal period is used.
  let spacing = dt;
  if (stream.lastNs !== null) {
    const span = Number(frame.timestampNs - stream.lastNs) / 1e9;
    if (Math.round(span / dt) <= frame.count) spacing = span / frame.count;
  }
  stream.lastNs = frame.timestampNs;
  for (let i = 0; i < frame.count; i++) {
    const v = frame.values;
    stream.waiting.push({ t: lastT - (frame.count - 1 - i) * spacing, x: v[3 * i]!, y: v[3 * i + 1]!, z: v[3 * i + 2]! });
  }
  const keep = Math.ceil(MAX_WAIT_SECONDS * rateHz);
  if (stream.waiting.length > keep) stream.waiting.splice(0, stream.waiting.length - keep);

  const { acc, gyro } = state;
  while (acc.waiting.length > 0 && gyro.waiting.length > 0) {
    const a = acc.waiting[0]!;
    const g = gyro.waiting[0]!;
    if (Math.abs(a.t - g.t) <= dt / 2) {
      state.paired.push({ t: a.t, imu: [a.x, a.y, a.z, g.x, g.y, g.z] });
      state.lastAcc = a;
      acc.waiting.shift();
      gyro.waiting.shift();
    } else if (a.t < g.t) {
      // Its GYRO frame was lost: without the rotation the sample is no use, but it still bounds a bridge.
      state.lastAcc = a;
      acc.waiting.shift();
    } else {
      // Its ACC frame was lost. The rotation is what fusion cannot do without (a lost turn is heading
      // lost for good), whereas gravity moves slowly: the acceleration is interpolated between the
      // ACC samples on either side of the gap, and the sample kept.
      const before = state.lastAcc;
      if (before && a.t - before.t <= MAX_ACC_BRIDGE_SECONDS) {
        const w = (g.t - before.t) / (a.t - before.t);
        const mix = (p: number, q: number) => p + w * (q - p);
        state.paired.push({ t: g.t, imu: [mix(before.x, a.x), mix(before.y, a.y), mix(before.z, a.z), g.x, g.y, g.z] });
      }
      gyro.waiting.shift();
    }
  }
  // Never back in time: a sample at or before the last one sent is a duplicate.
  while (state.paired.length > 0 && !Number.isNaN(state.lastT) && state.paired[0]!.t <= state.lastT + dt / 2) state.paired.shift();
  if (state.paired.length === 0) return null;

  let count = 1;
  while (count < state.paired.length && Math.abs(state.paired[count]!.t - state.paired[count - 1]!.t - dt) < dt / 2) count++;
  const run = state.paired.splice(0, count);
  const t0 = run[0]!.t;
  const tn = run[count - 1]!.t;
  const lost = Number.isNaN(state.lastT) ? 0 : Math.max(0, Math.round((t0 - state.lastT) / dt) - 1);
  state.lastT = tn;
  state.lastTEver = tn;
  const seq = (state.nextSeq + lost) & 0xffff;
  state.nextSeq = (seq + count) & 0xffff;
  const imu = new Float64Array(count * 6);
  run.forEach((sample, i) => imu.set(sample.imu, 6 * i));
  return {
    kind: 'samples',
    sensorId: event.sensorId,
    lost,
    batch: { sensorId: event.sensorId, seq, t0, dt: count > 1 ? (tn - t0) / (count - 1) : dt, count, imu, receivedAt: event.receivedAt },
  };
}
