import { describe, expect, it } from 'vitest';
import {
  NARROW_CLOCK,
  NARROW_IMU_ERRORS,
  NO_IMU_ERRORS,
  PLACEMENTS,
  WIDE_IMU_ERRORS,
  idealImu,
  imuErrors,
  mounting,
  packetTimestampUs,
  sensorClock,
  sensorClockReading,
} from '../../firmware-sim/imu.ts';
import { burstLoss, nextLost } from '../../firmware-sim/loss.ts';
import { EXERCISE_IDS, type ExerciseId } from '../../firmware-sim/person/exercises.ts';
import { createPerson } from '../../firmware-sim/person/person.ts';
import { seededRandom } from '../../firmware-sim/random.ts';
import { SensorModel } from '../../firmware-sim/sensor.ts';

// Quaternion maths written out here on purpose, independent of the simulator's and the hub's.
type Q = [number, number, number, number];
type V = [number, number, number];
const mul = (a: Q, b: Q): Q => [
  a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
  a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
  a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
  a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
];
const conj = (q: Q): Q => [q[0], -q[1], -q[2], -q[3]];
const rot = (q: Q, v: V): V => {
  const r = mul(mul(q, [0, ...v]), conj(q));
  return [r[1], r[2], r[3]];
};
/** Rotation by the vector w·dt (w in rad/s). */
const expq = (w: V, dt: number): Q => {
  const angle = Math.hypot(...w) * dt;
  if (angle === 0) return [1, 0, 0, 0];
  const s = Math.sin(angle / 2) / Math.hypot(...w);
  return [Math.cos(angle / 2), w[0] * s, w[1] * s, w[2] * s];
};
const angleBetweenDeg = (a: Q, b: Q) => {
  const d = mul(conj(a), b);
  return (2 * Math.atan2(Math.hypot(d[1], d[2], d[3]), Math.abs(d[0])) * 180) / Math.PI;
};
const RAD = Math.PI / 180;

describe('IMU model', () => {
  it('has 24 distinct axis-aligned placements, the first being the standard one', () => {
    expect(PLACEMENTS).toHaveLength(24);
    expect(PLACEMENTS[0]).toEqual([1, 0, 0, 0]);
    const keys = new Set(PLACEMENTS.map((q) => (q[0] < 0 ? q.map((x) => -x) : q).map((x) => x.toFixed(6)).join()));
    expect(keys.size).toBe(24);
  });

  it('at rest the accelerometer reads ≈ 1 g and the gyroscope ≈ its bias, whatever the posture and mounting', () => {
    for (const [i, exercise] of (['seated-hip-ir', 'rom-prone', 'side-lie', 'swivel-chair', 'straight-leg-rolls', 'foot-lift-9090'] as ExerciseId[]).entries()) {
      const model = new SensorModel({ seed: 100 + i, exercise, mounting: 'random' });
      const sum = [0, 0, 0, 0, 0, 0];
      const n = 150; // 1.5 s of the 2 s still start, at 100 Hz
      for (let k = 0; k < n; k++) {
        const { reading: r } = model.sample(k, 100);
        [r.ax, r.ay, r.az, r.gx, r.gy, r.gz].forEach((v, j) => (sum[j]! += v / n));
      }
      const bias = model.errors.gyroBias;
      expect(Math.hypot(sum[0]!, sum[1]!, sum[2]!)).toBeGreaterThan(0.97);
      expect(Math.hypot(sum[0]!, sum[1]!, sum[2]!)).toBeLessThan(1.03);
      // The bias wanders (0.02 °/s per √s in the wide envelope): the mean over 1.5 s is a few hundredths
      // from its value at the end.
      for (const j of [0, 1, 2] as const) expect(Math.abs(sum[3 + j]! - bias[j])).toBeLessThan(0.06);
      // A bias, not zero: the hub must learn it.
      expect(Math.hypot(...bias)).toBeGreaterThan(0.01);
    }
  });

  it('mounting changes the raw axes (by exactly the mounting rotation), never the truth angle', () => {
    const person = createPerson({ exercise: 'seated-hip-ir', seed: 4 });
    const standard = mounting(0);
    for (const placement of [1, 7, 13, 22]) {
      const other = mounting(placement, { twistDeg: 15, tiltDeg: -8 });
      let differs = 0;
      for (let t = 2.5; t < 12; t += 0.25) {
        const a = idealImu(person, standard, t);
        const b = idealImu(person, other, t);
        // Same rotation seen from different axes: b = R_mountᵀ · a for the gyroscope.
        const expected = rot(conj(other.sensorToShin as Q), a.gyro as V);
        for (const j of [0, 1, 2]) expect(b.gyro[j]).toBeCloseTo(expected[j]!, 6);
        differs = Math.max(differs, Math.abs(b.gyro[2] - a.gyro[2]), Math.abs(b.acc[0] - a.acc[0]));
      }
      expect(differs).toBeGreaterThan(0.1);
    }
    const a = new SensorModel({ seed: 9, mounting: 0 });
    const b = new SensorModel({ seed: 9, mounting: 'random' });
    for (let k = 0; k < 2000; k += 7) {
      const sa = a.sample(k, 100);
      const sb = b.sample(k, 100);
      expect(a.angleAt(sa.trueTime)).toBe(b.angleAt(sb.trueTime));
    }
  });

  it("integrating its own noiseless gyroscope reproduces its own truth orientation", () => {
    for (const [i, exercise] of (['seated-hip-ir', 'swivel-chair', 'straight-leg-rolls', 'sitting-knee-drop', 'figure4-supine'] as ExerciseId[]).entries()) {
      const model = new SensorModel({ seed: 40 + i, exercise, mounting: 'random', errors: NO_IMU_ERRORS, clock: false });
      const rate = 200;
      const dt = 1 / rate;
      let first = model.sample(0, rate);
      let q = first.ideal.orientation as Q;
      let worst = 0;
      let turned = 0;
      for (let k = 1; k < rate * 40; k++) {
        const next = model.sample(k, rate);
        // Midpoint rate: the mean of the two samples' rates.
        const w = [0, 1, 2].map((j) => ((first.ideal.gyro[j]! + next.ideal.gyro[j]!) / 2) * RAD) as V;
        q = mul(q, expq(w, dt));
        worst = Math.max(worst, angleBetweenDeg(q, next.ideal.orientation as Q));
        turned = Math.max(turned, angleBetweenDeg(model.sample(0, rate).ideal.orientation as Q, next.ideal.orientation as Q));
        first = next;
      }
      expect(turned, exercise).toBeGreaterThan(10);
      expect(worst, exercise).toBeLessThan(0.2);
    }
  });

  it('the noiseless accelerometer is gravity plus the lever-arm acceleration of the sensor', () => {
    // Straight-leg rolls turn about the leg's own axis: only the skin offset gives a lever arm. A
    // swivel chair swings the sensor on the shin about the knee: a much longer lever.
    const peakLinear = (exercise: ExerciseId) => {
      const model = new SensorModel({ seed: 2, exercise, errors: NO_IMU_ERRORS, clock: false });
      let worst = 0;
      for (let k = 0; k < 100 * 30; k++) {
        const { ideal } = model.sample(k, 100);
        const gravity = rot(conj(ideal.orientation as Q), [0, 0, 1]);
        worst = Math.max(worst, Math.hypot(ideal.acc[0] - gravity[0], ideal.acc[1] - gravity[1], ideal.acc[2] - gravity[2]));
      }
      return worst;
    };
    const rolls = peakLinear('straight-leg-rolls');
    const chair = peakLinear('swivel-chair');
    expect(chair).toBeGreaterThan(0.03);
    expect(chair).toBeLessThan(0.5);
    expect(rolls).toBeLessThan(chair / 2);
  });

  it('every exercise id gives finite, plausible readings', () => {
    for (const exercise of EXERCISE_IDS) {
      const model = new SensorModel({ seed: 5, exercise, mounting: 'random' });
      for (let k = 0; k < 25 * 60; k++) {
        const { reading: r } = model.sample(k, 25);
        for (const v of [r.ax, r.ay, r.az, r.gx, r.gy, r.gz]) expect(Number.isFinite(v)).toBe(true);
        expect(Math.hypot(r.ax, r.ay, r.az), exercise).toBeLessThan(2);
        expect(Math.hypot(r.gx, r.gy, r.gz), exercise).toBeLessThan(300);
      }
    }
  });
});

describe('burst loss (Gilbert–Elliott)', () => {
  it('loses the configured fraction, in bursts of the configured mean length', () => {
    for (const [rate, burst] of [
      [0.02, 2],
      [0.1, 3],
      [0.3, 5],
    ] as const) {
      const channel = burstLoss(rate, burst);
      const random = seededRandom(77);
      const n = 200_000;
      let lost = 0;
      let bursts = 0;
      let previous = false;
      for (let i = 0; i < n; i++) {
        const l = nextLost(channel, random);
        if (l) lost++;
        if (l && !previous) bursts++;
        previous = l;
      }
      expect(lost / n).toBeGreaterThan(rate * 0.9);
      expect(lost / n).toBeLessThan(rate * 1.1);
      expect(lost / bursts).toBeGreaterThan(burst * 0.85);
      expect(lost / bursts).toBeLessThan(burst * 1.15);
    }
    const none = burstLoss(0);
    const all = burstLoss(1);
    const random = seededRandom(1);
    expect(Array.from({ length: 100 }, () => nextLost(none, random)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => nextLost(all, random)).every(Boolean)).toBe(true);
  });

  it('draws from the wide envelope by default, and the narrow one stays reachable as a subset of it', () => {
    const wide = Array.from({ length: 60 }, (_, i) => imuErrors(seededRandom(i + 1), WIDE_IMU_ERRORS));
    const narrow = Array.from({ length: 60 }, (_, i) => imuErrors(seededRandom(i + 1), NARROW_IMU_ERRORS));
    const biggest = (all: typeof wide) => Math.max(...all.flatMap((e) => e.gyroBias.map(Math.abs)));
    expect(biggest(wide)).toBeGreaterThan(1.2);
    expect(biggest(wide)).toBeLessThanOrEqual(1.5);
    expect(biggest(narrow)).toBeLessThanOrEqual(0.5);
    // Clocks: ±300 ppm from anywhere in the 32-bit µs counter, or the old ±100 ppm from 0.
    const clocks = Array.from({ length: 60 }, (_, i) => sensorClock(seededRandom(i + 1)));
    expect(Math.max(...clocks.map((c) => Math.abs(c.ppm)))).toBeGreaterThan(150);
    expect(Math.max(...clocks.map((c) => Math.abs(c.ppm)))).toBeLessThanOrEqual(300);
    expect(Math.max(...clocks.map((c) => c.epochS ?? 0))).toBeGreaterThan(2000);
    expect(Math.max(...clocks.map((c) => c.epochS ?? 0))).toBeLessThan(2 ** 32 / 1e6);
    const old = sensorClock(seededRandom(5), NARROW_CLOCK);
    expect(old.epochS).toBe(0);
    expect(Math.abs(old.ppm)).toBeLessThanOrEqual(100);
    // Timestamps and the clock's reading both count from the epoch.
    const clock = { ppm: 0, jitterUs: 0, epochS: 1234.5 };
    expect(packetTimestampUs(clock, seededRandom(1), 100, 100)).toBe(1235.5e6);
    expect(sensorClockReading(clock, 1)).toBeCloseTo(1235.5, 9);
  });
});
