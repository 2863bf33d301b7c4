import { describe, expect, it } from 'vitest';
import type { SampleRateHz } from '../../hub/protocol/gatt.ts';
import { PMD_TYPE } from '../../hub/protocol/polar-pmd.ts';
import { PolarDevice } from '../../firmware-sim/polar-device.ts';
import { polarProfile } from '../../hub/ble/polar-profile.ts';
import { SENSOR_PROFILES } from '../../hub/ble/sensor-link.ts';
import type { SimulatedDevice } from '../../firmware-sim/device.ts';
import { linkHarness, stopAfterEach } from '../support/link-harness.ts';
import { waitFor } from '../support/wait.ts';

const use = stopAfterEach();
const harness = (devices: SimulatedDevice[], rateHz?: SampleRateHz) => linkHarness(devices, { rateHz });

describe('SensorLink with a simulated Polar Verity Sense', () => {
  it('is one of the profiles the hub looks for, and knows a Verity Sense by its name or the PMD service, not a strap without a gyroscope', () => {
    expect(SENSOR_PROFILES).toContain(polarProfile);
    expect(polarProfile.matches({ localName: 'Polar Sense B5A1C32F' })).toBe(true);
    expect(polarProfile.matches({ serviceUuids: ['fb005c8002e7f3871cad8acd2d8df0c8'] })).toBe(true);
    expect(polarProfile.matches({ localName: 'Polar H10 1A2B3C4D' })).toBe(false);
    expect(polarProfile.matches({ localName: 'Polar OH1 1A2B3C4D' })).toBe(false);
    expect(polarProfile.matches({ localName: 'WT901BLE68' })).toBe(false);
  });

  it('finds it by name, reads what ACC and GYRO offer, starts both at 52 Hz, and pairs their frames into samples', async () => {
    const device = new PolarDevice({ address: 'a0:9e:1a:00:00:01', seed: 3 });
    const h = harness([device], 100);
    use(h);
    h.link.start();
    await waitFor('connected', () => h.link.currentLink.state === 'connected');
    expect(h.link.currentLink.info).toEqual({
      id: 'a09e1a000001',
      name: 'Polar Sense 0001',
      manufacturer: 'Polar Electro Oy',
      model: 'Polar Sense (simulated)',
      firmware: '2.1.0-sim',
    });
    // Settings of each, then start each: 52 Hz (the only rate both offer outside SDK mode), 16 bits,
    // ±8 g and ±2000 °/s, 3 channels — the ACC request byte for byte the specification's.
    expect(device.requests).toEqual(['01 02', '01 05', '02 02 00 01 34 00 01 01 10 00 02 01 08 00 04 01 03', '02 05 00 01 34 00 01 01 10 00 02 01 d0 07 04 01 03']);
    expect(device.running.sort()).toEqual([PMD_TYPE.acc, PMD_TYPE.gyro]);
    await waitFor('60 samples', () => h.samples().reduce((n, e) => n + e.batch.count, 0) >= 60);
    await waitFor('the battery', () => h.stats().battery !== null);
    expect(h.stats()).toMatchObject({ rateHz: 52, lostPackets: 0, malformedPackets: 0, battery: 87 });
    const batches = h.samples().map((e) => e.batch);
    // One sample period apart, on the sensor's timestamps, across batches too.
    for (const b of batches) if (b.count > 1) expect(b.dt).toBeCloseTo(1 / 52, 4);
    for (let i = 1; i < batches.length; i++) {
      const previous = batches[i - 1]!;
      expect(batches[i]!.t0 - (previous.t0 + (previous.count - 1) * previous.dt)).toBeCloseTo(1 / 52, 4);
      expect(batches[i]!.seq).toBe((previous.seq + previous.count) & 0xffff);
    }
    // A still shin hangs: about 1 g, and the gyroscope about still.
    const [ax, ay, az, gx, gy, gz] = batches[0]!.imu;
    expect(Math.hypot(ax!, ay!, az!)).toBeGreaterThan(0.9);
    expect(Math.hypot(ax!, ay!, az!)).toBeLessThan(1.1);
    expect(Math.hypot(gx!, gy!, gz!)).toBeLessThan(100);
  });

  it('in SDK mode, asks for the rate nearest the hub\'s wish that both streams offer', async () => {
    const device = new PolarDevice({ address: 'a0:9e:1a:00:00:02', seed: 4, sdkMode: true });
    const h = harness([device], 200);
    use(h);
    h.link.start();
    await waitFor('samples at 208 Hz', () => h.samples().some((e) => e.batch.count > 1) && h.stats().rateHz === 208);
    expect(device.rateHz).toBe(208);
    const batch = h.samples().find((e) => e.batch.count > 1)!.batch;
    expect(batch.dt).toBeCloseTo(1 / 208, 5);
  });

  it('counts lost frames as lost samples from the timestamps, and a damaged one as malformed', async () => {
    const device = new PolarDevice({ address: 'a0:9e:1a:00:00:04', seed: 6 });
    const h = harness([device], 100);
    use(h);
    h.link.start();
    await waitFor('30 samples', () => h.samples().reduce((n, e) => n + e.batch.count, 0) >= 30);
    // The next two frames: an ACC and a GYRO frame (the streams started together fill their frames
    // together), 30 samples each. Without the GYRO frame its samples are lost; a lost ACC frame alone
    // would be bridged.
    device.dropNext(2);
    await waitFor('the gap to be noticed', () => h.stats().lostPackets > 0);
    device.corruptNext(1);
    await waitFor('a malformed frame', () => h.stats().malformedPackets >= 1);
    const before = h.samples().length;
    await waitFor('samples after them', () => h.samples().length > before + 4);
    // 30 for the dropped pair; 30 more if the damaged frame was a GYRO one.
    expect([30, 60]).toContain(h.stats().lostPackets);
    expect(h.stats().malformedPackets).toBe(1);
    expect(h.stats().lastMalformed).toMatch(/^Polar: (ACC|GYRO) compressed frame type 0/);
  });

  it('does not use a Polar sensor without a gyroscope stream, and says why on the link', async () => {
    const strapLike = new PolarDevice({ address: 'a0:9e:1a:00:00:06', seed: 8, withoutGyro: true });
    const h = harness([strapLike], 100);
    use(h);
    h.link.start();
    await waitFor('the reason on the link', () => /does not stream GYRO over Polar's PMD service/.test(h.link.currentLink.detail));
    expect(h.link.currentLink.state).not.toBe('connected');
    expect(strapLike.running).toEqual([]);
  });

  it('goes lost → reconnecting → connected when the sensor drops out of range, starts its streams again, and streams on the same clock', async () => {
    const device = new PolarDevice({ address: 'a0:9e:1a:00:00:05', seed: 7 });
    const h = harness([device], 50);
    use(h);
    h.link.start();
    await waitFor('samples', () => h.samples().length > 3);
    device.loseLink(400);
    await waitFor('lost', () => h.states.includes('lost'));
    expect(device.running).toEqual([]);
    await waitFor('connected again', () => h.states.lastIndexOf('connected') > h.states.indexOf('lost'));
    const before = h.samples();
    await waitFor('samples after reconnecting', () => h.samples().length > before.length + 3);
    const after = h.samples().slice(before.length);
    // Time without a link is a gap, not loss; the sensor's clock ran on, so the timeline holds the gap.
    expect(h.stats()).toMatchObject({ lostPackets: 0, linkLosses: 1 });
    const last = before.at(-1)!.batch;
    expect(after[0]!.batch.t0).toBeGreaterThan(last.t0 + (last.count - 1) * last.dt + 0.3);
    expect(device.running.sort()).toEqual([PMD_TYPE.acc, PMD_TYPE.gyro]);
  });
});
