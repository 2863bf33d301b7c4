import { describe, expect, it } from 'vitest';
import { PolarDevice } from '../../firmware-sim/polar-device.ts';
import { stopAfterEach } from '../support/link-harness.ts';
import { expectCountedSet, expectCountingAcrossLinkLoss, vendorSet, withServedSimulator } from '../support/vendor-set.ts';

const use = stopAfterEach();

describe('simulated Polar Verity Sense → noble → sensor link → pipeline', () => {
  // Polar frames carry the sensor's timestamps, so the person may move at 8× real time: arrival times
  // do not enter the timeline.
  it('counts a set of seated hip internal rotation as the person did it, at 52 Hz', async () => {
    const device = new PolarDevice({ address: 'a0:9e:1a:00:00:11', seed: 14, exercise: 'seated-hip-ir', speed: 8 });
    const h = vendorSet(device);
    use(h);
    await expectCountedSet(h);
    expect(h.stats()).toMatchObject({ rateHz: 52, malformedPackets: 0 });
  }, 90_000);

  it('keeps counting after the link drops mid-set and comes back', async () => {
    const device = new PolarDevice({ address: 'a0:9e:1a:00:00:12', seed: 12, exercise: 'seated-hip-ir', speed: 8 });
    const h = vendorSet(device);
    use(h);
    await expectCountingAcrossLinkLoss(h);
  }, 150_000);
});

describe('swivel serve with a spawned Polar simulator (--sim-device polar)', () => {
  it('starts `npm run sim -- --device polar`, finds the sensor by name and shows its angle, rate and battery', async () => {
    await withServedSimulator('polar', 20, (viewer) => {
      const link = viewer.of('link').at(-1)!;
      expect(link).toMatchObject({ state: 'connected', info: { manufacturer: 'Polar Electro Oy', name: 'Polar Sense 0001' } });
      expect(viewer.of('stats').at(-1)!.stats.rateHz).toBe(52);
    });
  }, 60_000);
});
