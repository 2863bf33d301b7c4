import { describe, expect, it } from 'vitest';
import type { SampleRateHz } from '../../hub/protocol/gatt.ts';
import { WIT_REGISTER, WIT_UNLOCK_KEY } from '../../hub/protocol/witmotion.ts';
import { WitmotionDevice } from '../../firmware-sim/witmotion-device.ts';
import { SwivelDevice, type SimulatedDevice } from '../../firmware-sim/device.ts';
import { linkHarness, stopAfterEach } from '../support/link-harness.ts';
import { waitFor } from '../support/wait.ts';

const use = stopAfterEach();
const harness = (devices: SimulatedDevice[], rateHz?: SampleRateHz) => linkHarness(devices, { rateHz });

describe('SensorLink with a simulated WitMotion BLE 5.0 module', () => {
  it('finds it by name, unlocks and sets 100 Hz by register commands, and streams samples at that rate', async () => {
    const device = new WitmotionDevice({ address: 'c4:ee:00:00:00:01', seed: 3 });
    expect(device.rateHz).toBe(10); // the factory default
    const h = harness([device]);
    use(h);
    h.link.start();
    await waitFor('connected', () => h.link.currentLink.state === 'connected');
    expect(h.link.currentLink.info).toEqual({ id: 'c4ee00000001', name: 'WT901BLE0001', manufacturer: 'WitMotion', model: 'WT901BLE0001', firmware: null });
    expect(device.commands.slice(0, 3)).toEqual([
      { register: WIT_REGISTER.key, value: WIT_UNLOCK_KEY },
      { register: WIT_REGISTER.rate, value: 0x09 },
      { register: WIT_REGISTER.save, value: 0 },
    ]);
    expect(device.rateHz).toBe(100);
    expect(device.savedRateCode).toBe(0x09);
    await waitFor('100 samples', () => h.samples().length >= 100);
    await waitFor('the battery, read by register', () => h.stats().battery !== null);
    expect(h.stats()).toMatchObject({ rateHz: 100, lostPackets: 0, malformedPackets: 0 });
    expect(Math.abs(h.stats().battery! - 87)).toBeLessThanOrEqual(2);
    const batches = h.samples().map((e) => e.batch);
    expect(batches.every((b) => b.count === 1 && b.dt === 0.01)).toBe(true);
    // One period apart, although they arrive two at a time in 20 ms connection events.
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.t0 - batches[i - 1]!.t0).toBeCloseTo(0.01, 9);
    // A still shin hangs: about 1 g in all.
    const [ax, ay, az] = batches[0]!.imu;
    expect(Math.hypot(ax!, ay!, az!)).toBeGreaterThan(0.9);
    expect(Math.hypot(ax!, ay!, az!)).toBeLessThan(1.1);
  });

  it('asks for the rate the hub wants, the nearest the module has', async () => {
    const device = new WitmotionDevice({ address: 'c4:ee:00:00:00:02', seed: 4 });
    const h = harness([device], 200);
    use(h);
    h.link.start();
    await waitFor('samples at 200 Hz', () => h.samples().some((e) => e.batch.dt === 1 / 200));
    expect(device.rateHz).toBe(200);
  });

  it('estimates lost packets from the gap they leave, and counts damaged ones as malformed', async () => {
    const device = new WitmotionDevice({ address: 'c4:ee:00:00:00:03', seed: 5 });
    const h = harness([device], 100);
    use(h);
    h.link.start();
    await waitFor('50 samples', () => h.samples().length >= 50);
    device.dropNext(30);
    await waitFor('the gap to be noticed', () => h.stats().lostPackets > 0);
    device.corruptNext(2);
    await waitFor('2 malformed packets', () => h.stats().malformedPackets >= 2);
    const before = h.samples().length;
    await waitFor('samples after them', () => h.samples().length > before + 20);
    // The least delay of a window of packets sees through the 20 ms connection events: within a sample.
    expect(h.stats().lostPackets).toBeGreaterThanOrEqual(29);
    expect(h.stats().lostPackets).toBeLessThanOrEqual(31);
    expect(h.stats().malformedPackets).toBe(2);
    expect(h.stats().lastMalformed).toBe('WitMotion notification of 15 bytes is not a whole number of 20-byte packets');
  });

  it('goes lost → reconnecting → connected when the module drops out of range, sets the rate again, and streams again', async () => {
    const device = new WitmotionDevice({ address: 'c4:ee:00:00:00:04', seed: 6 });
    const h = harness([device], 50);
    use(h);
    h.link.start();
    await waitFor('samples', () => h.samples().length > 20);
    device.loseLink(400);
    await waitFor('lost', () => h.states.includes('lost'));
    await waitFor('connected again', () => h.states.lastIndexOf('connected') > h.states.indexOf('lost'));
    const before = h.samples();
    await waitFor('samples after reconnecting', () => h.samples().length > before.length + 20);
    const after = h.samples().slice(before.length);
    // Time without a link is a gap, not packet loss, and the timeline never runs backwards.
    expect(h.stats()).toMatchObject({ lostPackets: 0, linkLosses: 1 });
    expect(after[0]!.batch.t0).toBeGreaterThan(before.at(-1)!.batch.t0);
    expect(device.commands.filter((c) => c.register === WIT_REGISTER.key)).toHaveLength(2);
  });

  it('lets a Swivel sensor and a WitMotion module share the air: the link takes the one it finds', async () => {
    const witmotion = new WitmotionDevice({ address: 'c4:ee:00:00:00:05', seed: 7 });
    const swivel = new SwivelDevice({ address: '5e:1f:00:00:00:55', seed: 7 });
    const h = harness([witmotion, swivel]);
    use(h);
    h.link.start();
    await waitFor('samples', () => h.samples().length > 10);
    const name = h.link.currentLink.info!.name;
    expect(['WT901BLE0005', 'Swivel-0055']).toContain(name);
    const [chosen, other] = name === 'Swivel-0055' ? [swivel, witmotion] : [witmotion, swivel];
    expect(chosen.connected).toBe(true);
    expect(other.connected).toBe(false);
    expect(chosen.stats.notificationsSent).toBeGreaterThan(10);
  });
});
