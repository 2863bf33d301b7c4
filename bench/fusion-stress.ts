/**
 * bench/fusion-stress: the orientation filter alone on hard synthetic motion, scored like the
 * motion-capture evaluation issue 3 describes: inclination error (heading ignored), RMS after the
 * first 5 s. A baseline to improve against until real recordings with optical truth can be scored.
 *
 *   npm run bench:fusion-stress
 *
 * Cases (286 Hz like the motion-capture set, except `swing` at 100 Hz):
 *   swing      ±60° at 1 Hz about a skew axis, 0.3 g of swing acceleration
 *   wander     a minute never at rest, slow turns about changing axes, 0.1 g slow translation
 *   translate  slow tilting while the sensor is carried about: 0.2–0.3 g at 3–6 s periods
 *   fast       200 °/s heading rotation with a 70° nod at 3 rad/s and 0.5 g shaking
 */
import { initialFusion, stepFusion, upInSensor } from '../hub/pipeline/fusion.ts';
import { axisAngle, inclinationErrorDeg, mul, synthesise, type SyntheticSample } from '../test/support/synthetic-imu.ts';

const noise = { accG: 0.004, gyroDps: 0.08, seed: 7 };
const cases: Record<string, SyntheticSample[]> = {
  swing: synthesise({
    rateHz: 100,
    seconds: 8,
    orientation: (t) => mul(axisAngle([0, 1, 0], 15), axisAngle([0.3, 0.9, 0.1], t < 2 ? 0 : 60 * Math.sin(2 * Math.PI * (t - 2)))),
    linearAcc: (t) => (t < 2 ? [0, 0, 0] : [0.3 * Math.cos(2 * Math.PI * (t - 2)), 0, 0.1 * Math.sin(4 * Math.PI * t)]),
    biasDps: [0.3, -0.2, 0.45],
    noise,
  }),
  wander: synthesise({
    rateHz: 286,
    seconds: 60,
    orientation: (t) => mul(axisAngle([0, 0, 1], 30 * t), mul(axisAngle([1, 0, 0], 25 * Math.sin(0.7 * t)), axisAngle([0, 1, 0], 20 * Math.sin(0.45 * t + 1)))),
    biasDps: [0.5, -0.4, 0.3],
    noise,
    linearAcc: (t) => [0.1 * Math.sin(2.1 * t), 0.1 * Math.cos(1.7 * t), 0],
  }),
  translate: synthesise({
    rateHz: 286,
    seconds: 40,
    orientation: (t) => axisAngle([1, 0.3, 0], 10 * Math.sin(0.3 * t)),
    biasDps: [0.2, 0.3, -0.2],
    noise,
    linearAcc: (t) => [0.3 * Math.sin(1.5 * t), 0.25 * Math.sin(2.3 * t + 1), 0.2 * Math.sin(1.1 * t)],
  }),
  fast: synthesise({
    rateHz: 286,
    seconds: 30,
    orientation: (t) => mul(axisAngle([0, 0, 1], 200 * t), axisAngle([1, 0, 0], 70 * Math.sin(3 * t))),
    biasDps: [0.3, 0.2, -0.4],
    noise,
    linearAcc: (t) => [0.5 * Math.sin(9 * t), 0.5 * Math.cos(7 * t), 0.3 * Math.sin(11 * t)],
  }),
};

console.log('Swivel fusion stress: inclination error RMS (heading ignored), after the first 5 s\n');
const all: number[] = [];
for (const [name, samples] of Object.entries(cases)) {
  let fusion = initialFusion;
  const errors: number[] = [];
  for (const s of samples) {
    fusion = stepFusion(fusion, s.reading, s.t);
    if (s.t > 5) errors.push(inclinationErrorDeg(s.truth, upInSensor(fusion.q)));
  }
  const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
  all.push(rms);
  console.log(`  ${name.padEnd(10)} ${rms.toFixed(2)}°  (max ${Math.max(...errors).toFixed(2)}°)`);
}
console.log(`\n  mean ${(all.reduce((a, b) => a + b, 0) / all.length).toFixed(2)}°, worst ${Math.max(...all).toFixed(2)}°`);
