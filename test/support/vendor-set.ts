import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startHub } from '../../hub/main.ts';
import type { SimDeviceKind } from '../../hub/protocol/radio.ts';
import { repEvents, sampleBatches, toAngleFrames } from '../../hub/pipeline/operators.ts';
import type { Rep } from '../../hub/pipeline/reps.ts';
import type { SimulatedDevice } from '../../firmware-sim/device.ts';
import type { TruthRep } from '../../firmware-sim/person/person.ts';
import { FAST_TIMINGS, linkHarness } from './link-harness.ts';
import { connectViewer } from './viewer.ts';
import { waitFor } from './wait.ts';

/**
 * One simulated sensor of any make doing a set: its bytes over real noble objects, the sensor link and
 * the hub's whole signal path (decode, fusion, exercise angle, rep counter), with the person's truth
 * beside it. The truth lists a rep once the person is fully back at the start, and the counter may
 * decide a little before that: the reps started so far are an upper bound of what may be counted,
 * those ended a lower one. Partial reps are not counted once the set's range is known; the people the
 * tests choose make none.
 */
export function vendorSet(device: SimulatedDevice) {
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
  const isRep = (r: TruthRep) => r.kind === 'rep';
  const truthReps = () => person.reps(device.trueTimeSent).filter(isRep);
  const truthStarted = () => person.reps(device.trueTimeSent + 30).filter((r) => isRep(r) && r.start <= device.trueTimeSent);
  h.link.start();
  return { ...h, device, reps, truthReps, truthStarted };
}

export type VendorSet = ReturnType<typeof vendorSet>;

/** Each counted rep is one the person did: its peak within 2° of a truth rep's, and no more than they started. */
function expectRepsOfThePerson(h: VendorSet): void {
  expect(h.reps.length).toBeLessThanOrEqual(h.truthStarted().length);
  const peaks = h.truthStarted().map((r) => r.peakDeg);
  for (const rep of h.reps) expect(Math.min(...peaks.map((p) => Math.abs(p - rep.peakAngle)))).toBeLessThan(2);
}

/** Four reps done by the person are counted, the link staying up. */
export async function expectCountedSet(h: VendorSet): Promise<void> {
  await waitFor('connected', () => h.link.currentLink.state === 'connected');
  // What the person did before the samples began to flow cannot be counted.
  const from = h.device.trueTimeSent;
  const seen = () => h.truthReps().filter((r) => r.start >= from);
  await waitFor('4 reps done by the person', () => seen().length >= 4, 60_000);
  const truth = seen();
  // The counter decides a rep once it is back at rest, a little after the truth's end.
  await waitFor('the counter to catch up', () => h.reps.length >= truth.length, 15_000);
  expect(h.states.filter((state) => state === 'lost'), 'the link stayed up').toEqual([]);
  expectRepsOfThePerson(h);
}

/** The link drops mid-set and comes back: counting goes on, a rep cut by the loss may be missed, none is invented. */
export async function expectCountingAcrossLinkLoss(h: VendorSet): Promise<void> {
  await waitFor('a rep counted', () => h.reps.length >= 1, 60_000);
  h.device.loseLink(300);
  await waitFor('lost', () => h.states.includes('lost'));
  await waitFor('connected again', () => h.states.lastIndexOf('connected') > h.states.indexOf('lost'), 15_000);
  const before = h.reps.length;
  await waitFor('2 more reps counted after reconnecting', () => h.reps.length >= before + 2, 60_000);
  expect(h.reps.length).toBeGreaterThanOrEqual(h.truthReps().length - 1);
  expectRepsOfThePerson(h);
}

/**
 * `swivel serve --sim-device KIND` as a person starts it (the hub spawns the simulator process), with
 * a real WebSocket viewer: once `frames` angle frames and a battery level have come, every message
 * checked against the schema, `check` looks at what the viewer saw. Everything is closed afterwards.
 */
export async function withServedSimulator(kind: SimDeviceKind, frames: number, check: (viewer: Viewer) => void): Promise<void> {
  const radioDir = await mkdtemp(join(tmpdir(), 'swivel-radio-'));
  const hub = await startHub({
    port: 0,
    host: '127.0.0.1',
    sensor: 'sim',
    radioDir,
    simulatorDevice: kind,
    webRoot: join(radioDir, 'no-dashboard'),
    timings: { backoffStartMs: 100, backoffMaxMs: 500 },
    log: () => {},
  });
  try {
    const viewer = await connectViewer(`ws://127.0.0.1:${hub.port}/ws`);
    try {
      await waitFor(`${frames} angle frames`, () => viewer.of('angle').length >= frames, 30_000);
      expect(viewer.invalid).toEqual([]);
      await waitFor('the battery', () => viewer.of('stats').at(-1)?.stats.battery != null, 10_000);
      check(viewer);
    } finally {
      viewer.close();
    }
  } finally {
    await hub.close();
    await rm(radioDir, { recursive: true, force: true });
  }
}

type Viewer = Awaited<ReturnType<typeof connectViewer>>;
