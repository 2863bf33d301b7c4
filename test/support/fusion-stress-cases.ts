/**
 * Hard synthetic motion for the orientation filter, shared by bench/fusion-stress (which scores it)
 * and the fusion tests (which bound it). Cases (286 Hz like the motion-capture set, except `swing`):
 *   swing      ±60° at 1 Hz about a skew axis, 0.3 g of swing acceleration
 *   wander     a minute never at rest, slow turns about changing axes, 0.1 g slow translation
 *   translate  slow tilting while the sensor is carried about: 0.2–0.3 g at 3–6 s periods
 *   fast       200 °/s heading rotation with a 70° nod at 3 rad/s and 0.5 g shaking
 *   tapping    slow tilting with a 4 g, 10 ms tap (and its rebound) every 0.7 s
 *   vibration  slow tilting on a 25 Hz, 1 g vibration with ±0.2° of rotational jitter
 * The wider envelope (issue 11: sensors and people we did not model), the cases above being the old one:
 *   sway       a swivel-chair set (pure yaw, 40° reps with pauses) from a start posture that is never
 *              quite still: postural sway of a few tenths of a degree and an 8–11 Hz tremor throughout;
 *              gyroscope bias up to 1.5 °/s per axis with a random walk; a clock 150 ppm fast whose
 *              timestamps start at an arbitrary epoch. Heading matters here: the bench reports it.
 *   drift      `wander` (a minute never at rest) with a bias of (−1.5, 1.3, 1.1) °/s that random-walks
 *              and a 1.5 % scale error on every axis
 */
import { axisAngle, mul, synthesise, type Mat3, type SyntheticSample } from './synthetic-imu.ts';

/** Sway (a few tenths of a degree, 0.2–0.5 Hz) and tremor (9.5 Hz, a few hundredths), degrees about x, y. */
export const swayAndTremor = (t: number): Mat3 =>
  mul(
    axisAngle([1, 0, 0], 0.3 * Math.sin(2 * Math.PI * 0.23 * t) + 0.15 * Math.sin(2 * Math.PI * 0.41 * t + 1) + 0.03 * Math.sin(2 * Math.PI * 9.5 * t)),
    axisAngle([0, 1, 0], 0.25 * Math.sin(2 * Math.PI * 0.31 * t + 2) + 0.03 * Math.sin(2 * Math.PI * 10.7 * t + 0.5)),
  );

/** A swivel-chair set: still (swaying) for `startSeconds`, then 40° turns about the vertical, 3 s each with 2 s pauses. */
export const swivelYaw = (t: number, startSeconds: number) => {
  if (t < startSeconds) return 0;
  const u = (t - startSeconds) % 5;
  return u < 3 ? 20 * (1 - Math.cos((2 * Math.PI * u) / 3)) : 0;
};

const EPOCH = 3917.25;
const CLOCK = 1 + 150e-6;

export const STRESS_NOISE = { accG: 0.004, gyroDps: 0.08, seed: 7 };
export const stressCases = (): Record<string, SyntheticSample[]> => ({
  swing: synthesise({
    rateHz: 100,
    seconds: 8,
    orientation: (t) => mul(axisAngle([0, 1, 0], 15), axisAngle([0.3, 0.9, 0.1], t < 2 ? 0 : 60 * Math.sin(2 * Math.PI * (t - 2)))),
    linearAcc: (t) => (t < 2 ? [0, 0, 0] : [0.3 * Math.cos(2 * Math.PI * (t - 2)), 0, 0.1 * Math.sin(4 * Math.PI * t)]),
    biasDps: [0.3, -0.2, 0.45],
    noise: STRESS_NOISE,
  }),
  wander: synthesise({
    rateHz: 286,
    seconds: 60,
    orientation: (t) => mul(axisAngle([0, 0, 1], 30 * t), mul(axisAngle([1, 0, 0], 25 * Math.sin(0.7 * t)), axisAngle([0, 1, 0], 20 * Math.sin(0.45 * t + 1)))),
    biasDps: [0.5, -0.4, 0.3],
    noise: STRESS_NOISE,
    linearAcc: (t) => [0.1 * Math.sin(2.1 * t), 0.1 * Math.cos(1.7 * t), 0],
  }),
  translate: synthesise({
    rateHz: 286,
    seconds: 40,
    orientation: (t) => axisAngle([1, 0.3, 0], 10 * Math.sin(0.3 * t)),
    biasDps: [0.2, 0.3, -0.2],
    noise: STRESS_NOISE,
    linearAcc: (t) => [0.3 * Math.sin(1.5 * t), 0.25 * Math.sin(2.3 * t + 1), 0.2 * Math.sin(1.1 * t)],
  }),
  fast: synthesise({
    rateHz: 286,
    seconds: 30,
    orientation: (t) => mul(axisAngle([0, 0, 1], 200 * t), axisAngle([1, 0, 0], 70 * Math.sin(3 * t))),
    biasDps: [0.3, 0.2, -0.4],
    noise: STRESS_NOISE,
    linearAcc: (t) => [0.5 * Math.sin(9 * t), 0.5 * Math.cos(7 * t), 0.3 * Math.sin(11 * t)],
  }),
  tapping: synthesise({
    rateHz: 286,
    seconds: 30,
    orientation: (t) => mul(axisAngle([0, 0, 1], 20 * t), axisAngle([1, 0.5, 0], 25 * Math.sin(0.5 * t))),
    biasDps: [0.3, -0.2, 0.2],
    noise: STRESS_NOISE,
    linearAcc: (t) => {
      const u = t % 0.7;
      const pulse = u < 0.01 ? 4 : u < 0.03 ? -1.5 : 0;
      return [0.2 * pulse, 0.1 * pulse, pulse];
    },
  }),
  vibration: synthesise({
    rateHz: 286,
    seconds: 30,
    orientation: (t) => mul(axisAngle([0, 0, 1], 15 * t), mul(axisAngle([0, 1, 0], 20 * Math.sin(0.4 * t)), axisAngle([1, 0, 0], 0.2 * Math.sin(2 * Math.PI * 25 * t)))),
    biasDps: [0.2, 0.3, -0.3],
    noise: STRESS_NOISE,
    linearAcc: (t) => [0.3 * Math.sin(2 * Math.PI * 25 * t), 0.2 * Math.cos(2 * Math.PI * 25 * t + 1), Math.sin(2 * Math.PI * 25 * t + 2)],
  }),
  sway: synthesise({
    rateHz: 100,
    seconds: 90,
    // Sensor clock: 150 ppm fast, counting from an arbitrary epoch.
    times: Array.from({ length: 9000 }, (_, i) => EPOCH + (i / 100) * CLOCK),
    orientation: (t) => mul(axisAngle([0, 0, 1], swivelYaw(t - EPOCH, 8)), mul(swayAndTremor(t), axisAngle([0, 1, 0], 12))),
    biasDps: [1.4, -1.2, 1.5],
    biasWalkDps: 0.02,
    noise: STRESS_NOISE,
  }),
  drift: synthesise({
    rateHz: 286,
    seconds: 60,
    orientation: (t) => mul(axisAngle([0, 0, 1], 30 * t), mul(axisAngle([1, 0, 0], 25 * Math.sin(0.7 * t)), axisAngle([0, 1, 0], 20 * Math.sin(0.45 * t + 1)))),
    biasDps: [-1.5, 1.3, 1.1],
    biasWalkDps: 0.03,
    gyroScale: 0.985,
    noise: STRESS_NOISE,
    linearAcc: (t) => [0.1 * Math.sin(2.1 * t), 0.1 * Math.cos(1.7 * t), 0],
  }),
});
