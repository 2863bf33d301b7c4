import { describe, expect, it } from 'vitest';
import { DotDevice } from '../../firmware-sim/dot-device.ts';
import { stopAfterEach } from '../support/link-harness.ts';
import { expectCountedSet, expectCountingAcrossLinkLoss, vendorSet, withServedSimulator } from '../support/vendor-set.ts';

const use = stopAfterEach();

describe('simulated Movella DOT → noble → sensor link → pipeline', () => {
  // The DOT stamps every sample with its own clock, so the person may move faster than real time: the
  // hub's timeline is the sensor's, however the samples bunch on arrival.
  it('counts a set of seated hip internal rotation as the person did it', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:11', seed: 14, exercise: 'seated-hip-ir', speed: 4 });
    const h = vendorSet(device);
    use(h);
    await expectCountedSet(h);
  }, 90_000);

  // In real time: across a link loss the hub checks the sensor's clock against its own to keep the
  // timeline (hub/pipeline/dot-decode.ts); at --speed 4 the two disagree by design, and the hub would
  // take the sensor for one whose clock restarted (docs/sensors.md).
  it('keeps counting after the link drops mid-set and comes back', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:12', seed: 12, exercise: 'seated-hip-ir' });
    const h = vendorSet(device);
    use(h);
    await expectCountingAcrossLinkLoss(h);
  }, 150_000);
});

describe('swivel serve with a spawned Movella DOT simulator (--sim-device dot)', () => {
  it('starts `npm run sim -- --device dot`, finds the DOT by name and shows its angle, battery and rate', async () => {
    await withServedSimulator('dot', 50, (viewer) => {
      const link = viewer.of('link').at(-1)!;
      expect(link).toMatchObject({ state: 'connected', info: { manufacturer: 'Movella', name: 'Movella DOT', model: 'Movella DOT v2 (XS-T02)', firmware: '2.6.0' } });
      // The hub wants 100 Hz; a DOT streams at 60 Hz at most.
      expect(viewer.of('stats').at(-1)!.stats.rateHz).toBe(60);
    });
  }, 60_000);
});
