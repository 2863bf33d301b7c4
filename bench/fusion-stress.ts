/**
 * bench/fusion-stress: the orientation filter alone on hard synthetic motion, scored like the
 * motion-capture evaluation issue 3 describes: inclination error (heading ignored), RMS after the
 * first 5 s.
 *
 *   npm run bench:fusion-stress
 *
 * The cases are in test/support/fusion-stress-cases.ts (the fusion tests bound one of them).
 */
import { newFusionState, stepFusion, upInSensor } from '../hub/pipeline/fusion.ts';
import type { Quat } from '../hub/pipeline/quaternion.ts';
import { imuOf } from '../hub/protocol/gatt.ts';
import { stressCases } from '../test/support/fusion-stress-cases.ts';
import { inclinationErrorDeg, mul, transpose, type Mat3 } from '../test/support/synthetic-imu.ts';

const matrix = ([w, x, y, z]: Quat): Mat3 => [
  [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
  [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
  [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
];
/** Heading of the estimate relative to the truth (earth frame), degrees. */
const headingOffset = (q: Float64Array, truth: Mat3) => {
  const d = mul(matrix([q[0]!, q[1]!, q[2]!, q[3]!]), transpose(truth));
  return (Math.atan2(d[1]![0]! - d[0]![1]!, d[0]![0]! + d[1]![1]!) * 180) / Math.PI;
};

const cases = stressCases();
console.log('Swivel fusion stress: inclination error RMS (heading ignored), after the first 5 s\n');
const all: number[] = [];
for (const [name, samples] of Object.entries(cases)) {
  const fusion = newFusionState();
  const errors: number[] = [];
  const t0 = samples[0]!.t;
  let heading0: number | null = null;
  let headingMax = 0;
  let unknownFor = 0;
  for (const s of samples) {
    stepFusion(fusion, imuOf([s.reading]), 0, s.t);
    if (!fusion.biasKnown) unknownFor = s.t - t0;
    if (s.t - t0 <= 5) continue;
    errors.push(inclinationErrorDeg(s.truth, upInSensor(fusion.q)));
    const h = headingOffset(fusion.q, s.truth);
    heading0 ??= h;
    headingMax = Math.max(headingMax, Math.abs(((h - heading0 + 540) % 360) - 180));
  }
  const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
  all.push(rms);
  const heading = name === 'sway' ? `; heading drift up to ${headingMax.toFixed(2)}° after 5 s, bias known after ${unknownFor.toFixed(1)} s` : '';
  console.log(`  ${name.padEnd(10)} ${rms.toFixed(2)}°  (max ${Math.max(...errors).toFixed(2)}°${heading})`);
}
console.log(`\n  mean ${(all.reduce((a, b) => a + b, 0) / all.length).toFixed(2)}°, worst ${Math.max(...all).toFixed(2)}°`);
