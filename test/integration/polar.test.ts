import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHub } from '../../hub/main.ts';
import { PolarDevice } from '../../firmware-sim/polar-device.ts';
import { stopAfterEach } from '../support/link-harness.ts';
import { expectCountedSet, expectCountingAcrossLinkLoss, vendorSet } from '../support/vendor-set.ts';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';

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
    const radioDir = await mkdtemp(join(tmpdir(), 'swivel-radio-'));
    const log: string[] = [];
    const hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      sensor: 'sim',
      radioDir,
      simulatorDevice: 'polar',
      webRoot: join(radioDir, 'no-dashboard'),
      timings: { backoffStartMs: 100, backoffMaxMs: 500 },
      log: (line) => log.push(line),
    });
    try {
      const viewer = await connectViewer(`ws://127.0.0.1:${hub.port}/ws`);
      await waitFor('20 angle frames', () => viewer.of('angle').length >= 20, 30_000);
      expect(viewer.invalid).toEqual([]);
      await waitFor('the battery', () => viewer.of('stats').at(-1)?.stats.battery != null, 10_000);
      const link = viewer.of('link').at(-1)!;
      expect(link).toMatchObject({ state: 'connected', info: { manufacturer: 'Polar Electro Oy', name: 'Polar Sense 0001' } });
      expect(viewer.of('stats').at(-1)!.stats.rateHz).toBe(52);
      viewer.close();
    } finally {
      await hub.close();
      await rm(radioDir, { recursive: true, force: true });
    }
  }, 60_000);
});
