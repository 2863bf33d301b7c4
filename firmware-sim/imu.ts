import type { ImuReading } from '../hub/protocol/gatt.ts';
import type { Random } from './random.ts';
import type { ShinMotion } from './motion.ts';

const G = 9.80665;
const DEG = Math.PI / 180;

export interface ImuModelOptions {
  random: Random;
  /** Distance from the knee to the sensor along the shin, metres. */
  leverArmM?: number;
  accNoiseG?: number;
  gyroNoiseDps?: number;
  gyroBiasDps?: readonly [number, number, number];
}

/**
 * What an IMU strapped to the front of the shin measures. Sensor axes: x down the shin towards the
 * ankle, z out of the front of the shin, y completing a right-handed frame. The shin hangs vertically
 * at angle 0 and rotates about the sensor's z axis.
 *
 * The accelerometer reads specific force: gravity's reaction (1 g "up") plus the linear acceleration
 * of the sensor's point on the rotating shin (tangential and centripetal), which a real filter must
 * cope with.
 */
export function imuReading(motion: ShinMotion, options: ImuModelOptions): ImuReading {
  const { random, leverArmM = 0.25, accNoiseG = 0.004, gyroNoiseDps = 0.08, gyroBiasDps = [0.3, -0.2, 0.45] } = options;
  const theta = motion.angleDeg * DEG;
  const omega = motion.rateDps * DEG;
  const alpha = motion.accelDps2 * DEG;
  // "Up" seen from the sensor after rotating by theta about z.
  const upX = -Math.cos(theta);
  const upY = Math.sin(theta);
  // Point at r along x on a body spinning about z: a = alpha × r + omega × (omega × r).
  const linX = (-omega * omega * leverArmM) / G;
  const linY = (alpha * leverArmM) / G;
  return {
    ax: upX + linX + accNoiseG * random.normal(),
    ay: upY + linY + accNoiseG * random.normal(),
    az: accNoiseG * random.normal(),
    gx: gyroBiasDps[0] + gyroNoiseDps * random.normal(),
    gy: gyroBiasDps[1] + gyroNoiseDps * random.normal(),
    gz: motion.rateDps + gyroBiasDps[2] + gyroNoiseDps * random.normal(),
  };
}
