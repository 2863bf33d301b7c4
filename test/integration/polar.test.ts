import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHub } from '../../hub/main.ts';
import { repEvents, sampleBatches, toAngleFrames } from '../../hub/pipeline/operators.ts';
import type { Rep } from '../../hub/pipeline/reps.ts';
import { PolarDevice } from '../../firmware-sim/polar-device.ts';
import type { TruthRep } from '../../firmware-sim/person/person.ts';
import { FAST_TIMINGS, linkHarness, stopAfterEach } from '../support/link-harness.ts';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A simulated Verity Sense doing a set: its ACC and GYRO frames over real noble objects, the sensor
 * link and the hub's whole signal path (pairing, fusion, exercise angle, rep counter), against the
 * person's truth. Polar frames carry the sensor's timestamps, so the person may move at 8× real time:
 * arrival times do not enter the timeline.
 */
function run(device: PolarDevice) {
  const reps: Rep[] = [];
  const h = linkHarness([device], {
    rateHz: 100,
    // The default GATT and connect timeouts: on a busy machine a shorter one drops the link.
    timings: { backoffStartMs: FAST_TIMINGS.backoffStartMs!, backoffMaxMs: FAST_TIMINGS.backoffMaxMs!, rssiEveryMs: 500 },
    extra: (decoded) =>
      decoded.pipe(sampleBatches(), toAngleFrames(), repEvents()).subscribe((event) => {
        if (event.kind === 'rep') reps.push(event.rep);
        // The counter takes a rep back when it turns out a partial (the count the person sees drops too).
        if (event.kind === 'rep-withdrawn') reps.splice(reps.findLastIndex((r) => r.start === event.rep.start), 1);
      }),
  });
  const person = device.sensor.person!;
  // Reps ended so far are a lower bound of what may be counted, reps started an upper one.
  const isRep = (r: TruthRep) => r.kind === 'rep';
  const truthReps = () => person.reps(device.trueTimeSent).filter(isRep);
  const truthStarted = () => person.reps(device.trueTimeSent + 30).filter((r) => isRep(r) && r.start <= device.trueTimeSent);
  h.link.start();
  return { ...h, reps, truthReps, truthStarted };
}

const use = stopAfterEach();

describe('simulated Polar Verity Sense → noble → sensor link → pipeline', () => {
  it('counts a set of seated hip internal rotation as the person did it, at 52 Hz', async () => {
    const device = new PolarDevice({ address: 'a0:9e:1a:00:00:11', seed: 14, exercise: 'seated-hip-ir', speed: 8 });
    const h = run(device);
    use(h);
    await waitFor('connected', () => h.link.currentLink.state === 'connected');
    const from = device.trueTimeSent;
    const seen = () => h.truthReps().filter((r) => r.start >= from);
    await waitFor('4 reps done by the person', () => seen().length >= 4, 60_000);
    const truth = seen();
    await waitFor('the counter to catch up', () => h.reps.length >= truth.length, 15_000);
    expect(h.states.filter((state) => state === 'lost'), 'the link stayed up').toEqual([]);
    expect(h.stats()).toMatchObject({ rateHz: 52, malformedPackets: 0 });
    expect(h.reps.length).toBeLessThanOrEqual(h.truthStarted().length);
    // Each counted rep is one the person did: its peak within 2° of a truth rep's.
    const peaks = h.truthStarted().map((r) => r.peakDeg);
    for (const rep of h.reps) expect(Math.min(...peaks.map((p) => Math.abs(p - rep.peakAngle)))).toBeLessThan(2);
  }, 90_000);

  it('keeps counting after the link drops mid-set and comes back', async () => {
    const device = new PolarDevice({ address: 'a0:9e:1a:00:00:12', seed: 12, exercise: 'seated-hip-ir', speed: 8 });
    const h = run(device);
    use(h);
    await waitFor('a rep counted', () => h.reps.length >= 1, 60_000);
    device.loseLink(300);
    await waitFor('lost', () => h.states.includes('lost'));
    await waitFor('connected again', () => h.states.lastIndexOf('connected') > h.states.indexOf('lost'), 15_000);
    const before = h.reps.length;
    await waitFor('2 more reps counted after reconnecting', () => h.reps.length >= before + 2, 60_000);
    // A rep cut by the loss may be missed; none is invented.
    expect(h.reps.length).toBeLessThanOrEqual(h.truthStarted().length);
    expect(h.reps.length).toBeGreaterThanOrEqual(h.truthReps().length - 1);
    const peaks = h.truthStarted().map((r) => r.peakDeg);
    for (const rep of h.reps) expect(Math.min(...peaks.map((p) => Math.abs(p - rep.peakAngle)))).toBeLessThan(2);
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
