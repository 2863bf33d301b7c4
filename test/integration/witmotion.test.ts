import { describe, expect, it } from 'vitest';
import { WitmotionDevice } from '../../firmware-sim/witmotion-device.ts';
import { stopAfterEach } from '../support/link-harness.ts';
import { expectCountedSet, expectCountingAcrossLinkLoss, vendorSet, withServedSimulator } from '../support/vendor-set.ts';

const use = stopAfterEach();

describe('simulated WitMotion module → noble → sensor link → pipeline', () => {
  // In real time, as the other WitMotion test: the hub times WitMotion samples by their arrival, so at
  // --speed 8 a busy moment that bunches arrivals bends the timeline (once it counted a rep too many).
  it('counts a set of seated hip internal rotation as the person did it', async () => {
    const device = new WitmotionDevice({ address: 'c4:ee:00:00:00:11', seed: 14, exercise: 'seated-hip-ir' });
    const h = vendorSet(device);
    use(h);
    await expectCountedSet(h);
  }, 90_000);

  // In real time: at --speed 8 the samples arrive faster than their rate, and the time a link loss
  // takes is not on a timeline made from arrivals (docs/sensors.md).
  it('keeps counting after the link drops mid-set and comes back', async () => {
    const device = new WitmotionDevice({ address: 'c4:ee:00:00:00:12', seed: 12, exercise: 'seated-hip-ir' });
    const h = vendorSet(device);
    use(h);
    await expectCountingAcrossLinkLoss(h);
  }, 150_000);
});

describe('swivel serve with a spawned WitMotion simulator (--sim-device witmotion)', () => {
  it('starts `npm run sim -- --device witmotion`, finds the module by name and shows its angle and battery', async () => {
    await withServedSimulator('witmotion', 50, (viewer) => {
      const link = viewer.of('link').at(-1)!;
      expect(link).toMatchObject({ state: 'connected', info: { manufacturer: 'WitMotion', name: 'WT901BLE0001' } });
      // The hub set 100 Hz on a module that starts at 10 Hz.
      expect(viewer.of('stats').at(-1)!.stats.rateHz).toBe(100);
    });
  }, 60_000);
});
