import { describe, expect, it } from 'vitest';
import { SwivelDevice } from '../../firmware-sim/device.ts';
import { seatedRotationMotion } from '../../firmware-sim/motion.ts';

describe('the device’s person and sensor', () => {
  it('by default: seated-hip-ir on the standard mounting, still for about 2 s, reps reaching roughly 28–40°', () => {
    for (const seed of [1, 2, 3]) {
      const device = new SwivelDevice({ address: '5e:1f:00:00:00:c1', seed });
      const { sensor } = device;
      expect(sensor.person?.spec.id).toBe('seated-hip-ir');
      expect(sensor.mounting.placement).toBe(0);
      let max = -Infinity;
      for (let k = 0; k < 100 * 90; k++) {
        const { trueTime } = sensor.sample(k, 100);
        const angle = sensor.angleAt(trueTime);
        if (trueTime < 1.95) expect(angle).toBe(0);
        max = Math.max(max, angle);
      }
      expect(max).toBeGreaterThan(28);
      expect(max).toBeLessThan(41);
      device.close();
    }
  });

  it('takes an exercise, a person seed, a side and a mounting', () => {
    const a = new SwivelDevice({ address: '5e:1f:00:00:00:c2', seed: 4, exercise: 'straight-leg-rolls', person: 9, side: 'right', mounting: 'random' });
    const b = new SwivelDevice({ address: '5e:1f:00:00:00:c3', seed: 4, exercise: 'straight-leg-rolls', person: 9, side: 'right', mounting: 'random' });
    expect(a.sensor.person).toMatchObject({ side: 'right', seed: 9 });
    expect(a.sensor.mounting).toEqual(b.sensor.mounting);
    for (let k = 0; k < 500; k++) expect(a.sensor.sample(k, 100).reading).toEqual(b.sensor.sample(k, 100).reading);
  });

  it('still accepts a legacy one-angle motion', () => {
    const device = new SwivelDevice({ address: '5e:1f:00:00:00:c4', seed: 5, motion: seatedRotationMotion({ seed: 5, settleSeconds: 0.5 }), clock: false });
    const motion = seatedRotationMotion({ seed: 5, settleSeconds: 0.5 });
    expect(device.sensor.person).toBeNull();
    for (let k = 0; k < 600; k += 10) {
      const { trueTime, ideal } = device.sensor.sample(k, 100);
      expect(device.sensor.angleAt(trueTime)).toBeCloseTo(motion(trueTime).angleDeg, 9);
      // Standard mounting, shin hanging, turned about the thigh axis = the sensor's z axis. The
      // gyroscope reports the mean rate over the sample interval that ends at the sample.
      if (k > 0) expect(ideal.gyro[2]).toBeCloseTo((motion(trueTime).angleDeg - motion(trueTime - 0.01).angleDeg) / 0.01, 1);
    }
  });
});
