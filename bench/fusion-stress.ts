/**
 * bench/fusion-stress: the orientation filter alone on hard synthetic motion, scored like the
 * motion-capture evaluation issue 3 describes: inclination error (heading ignored), RMS after the
 * first 5 s.
 *
 *   npm run bench:fusion-stress
 *
 * The cases are in test/support/fusion-stress-cases.ts (the fusion tests bound one of them).
 */
import { initialFusion, stepFusion, upInSensor } from '../hub/pipeline/fusion.ts';
import { stressCases } from '../test/support/fusion-stress-cases.ts';
import { inclinationErrorDeg } from '../test/support/synthetic-imu.ts';

const cases = stressCases();
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
