import { describe, expect, it } from 'vitest';
import type { SampleRateHz } from '../../hub/protocol/gatt.ts';
import { DOT_PAYLOAD_MODE } from '../../hub/protocol/dot.ts';
import { DotDevice } from '../../firmware-sim/dot-device.ts';
import { SwivelDevice, type SimulatedDevice } from '../../firmware-sim/device.ts';
import { linkHarness, stopAfterEach } from '../support/link-harness.ts';
import { waitFor } from '../support/wait.ts';

const use = stopAfterEach();
const harness = (devices: SimulatedDevice[], rateHz?: SampleRateHz) => linkHarness(devices, { rateHz });
const rateQuantities = DOT_PAYLOAD_MODE.rateQuantities;

describe('SensorLink with a simulated Movella DOT', () => {
  it('finds it by name, reads its info, sets the rate, starts Rate quantities, and streams timestamped samples', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:01', seed: 3, rateHz: 20 });
    const h = harness([device], 100);
    use(h);
    h.link.start();
    await waitFor('connected', () => h.link.currentLink.state === 'connected');
    expect(h.link.currentLink.info).toEqual({ id: 'd422cd000001', name: 'Movella DOT', manufacturer: 'Movella', model: 'Movella DOT v2 (XS-T02)', firmware: '2.6.0' });
    // 100 Hz asked for: 60 Hz is the fastest a DOT streams. The rate first, then the start (§3.8).
    expect(device.writes).toEqual([
      { kind: 'rate', hz: 60, applied: true },
      { kind: 'measurement', measuring: true, payloadMode: rateQuantities },
    ]);
    expect(device.measurement).toEqual({ measuring: true, payloadMode: rateQuantities });
    await waitFor('90 samples', () => h.samples().length >= 90);
    await waitFor('the battery', () => h.stats().battery !== null);
    expect(h.stats()).toMatchObject({ rateHz: 60, lostPackets: 0, malformedPackets: 0, battery: 87 });
    const batches = h.samples().map((e) => e.batch);
    expect(batches.every((b) => b.count === 1 && b.dt === 1 / 60)).toBe(true);
    // Timed by the sensor's own timestamps: one period apart, give or take the sensor clock's jitter.
    for (let i = 1; i < batches.length; i++) expect(Math.abs(batches[i]!.t0 - batches[i - 1]!.t0 - 1 / 60)).toBeLessThan(1e-3);
    const [ax, ay, az] = batches[0]!.imu;
    expect(Math.hypot(ax!, ay!, az!)).toBeGreaterThan(0.9);
    expect(Math.hypot(ax!, ay!, az!)).toBeLessThan(1.1);
  });

  it('asks for the streaming rate nearest the hub\'s', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:02', seed: 4 });
    const h = harness([device], 25);
    use(h);
    h.link.start();
    await waitFor('samples', () => h.samples().length >= 5);
    expect(device.rateHz).toBe(30);
    expect(h.samples().every((e) => e.batch.dt === 1 / 30)).toBe(true);
  });

  it('stops a DOT that is measuring already (as a synchronised one is) before setting the rate', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:03', seed: 5, measuring: true, payloadMode: DOT_PAYLOAD_MODE.customMode1, rateHz: 30 });
    const h = harness([device]);
    use(h);
    h.link.start();
    await waitFor('samples', () => h.samples().length >= 10);
    expect(device.writes).toEqual([
      { kind: 'measurement', measuring: false, payloadMode: DOT_PAYLOAD_MODE.customMode1 },
      { kind: 'rate', hz: 60, applied: true },
      { kind: 'measurement', measuring: true, payloadMode: rateQuantities },
    ]);
    expect(h.stats().malformedPackets).toBe(0);
  });

  it('refuses a DOT that keeps another payload mode, saying what is wrong and what to do', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:04', seed: 6, payloadMode: DOT_PAYLOAD_MODE.customMode1, keepsPayloadMode: true });
    const h = harness([device]);
    use(h);
    h.link.start();
    await waitFor('the refusal', () => /Custom mode 1/.test(h.link.currentLink.detail));
    expect(h.link.currentLink.detail).toMatch(
      /^Movella DOT streams Custom mode 1 \(22\), not Rate quantities \(21\): the hub needs its calibrated acceleration and angular velocity\. Update its firmware with the Movella DOT app, or reset it to factory settings there, and connect again; trying again$/,
    );
    expect(h.states).not.toContain('connected');
    expect(h.samples()).toEqual([]);
  });

  it('counts lost samples exactly from the timestamp gap, and damaged notifications as malformed, not lost', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:05', seed: 7 });
    const h = harness([device]);
    use(h);
    h.link.start();
    await waitFor('30 samples', () => h.samples().length >= 30);
    device.dropNext(25);
    await waitFor('the gap', () => h.stats().lostPackets > 0);
    device.corruptNext(2);
    await waitFor('2 malformed', () => h.stats().malformedPackets >= 2);
    const before = h.samples().length;
    await waitFor('samples after them', () => h.samples().length > before + 10);
    // A damaged notification's sample leaves a timestamp gap too, but it arrived: malformed, not lost.
    expect(h.stats().lostPackets).toBe(25);
    expect(h.stats().malformedPackets).toBe(2);
    expect(h.stats().lastMalformed).toBe('Movella DOT notification of 35 bytes is not a Rate quantities payload (28 bytes, or 40 padded)');
  });

  it('says what is wrong when the link is left at the minimum MTU and cuts every sample to 20 bytes', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:09', seed: 11, mtu: 23 });
    const h = harness([device]);
    use(h);
    h.link.start();
    await waitFor('malformed notifications', () => h.stats() !== null && h.stats().malformedPackets >= 5);
    expect(h.samples()).toEqual([]);
    expect(h.stats().lastMalformed).toBe(
      'Movella DOT notification of 20 bytes is not a Rate quantities payload (28 bytes, or 40 padded): a link at the minimum MTU of 23 cuts it to 20; the adapter must allow an MTU of 43 or more',
    );
  });

  it('runs on through the timestamp wrap at 2³² µs without a jump or a loss', async () => {
    // The sensor clock passes 2³² µs three seconds after power-on.
    const device = new DotDevice({ address: 'd4:22:cd:00:00:06', seed: 8, clockStartUs: 2 ** 32 - 3_000_000 });
    const h = harness([device]);
    use(h);
    h.link.start();
    await waitFor('samples past the wrap', () => (h.samples().at(-1)?.batch.t0 ?? 0) > 2 ** 32 / 1e6 + 0.3, 15_000);
    const batches = h.samples().map((e) => e.batch);
    expect(batches[0]!.t0).toBeLessThan(2 ** 32 / 1e6);
    for (let i = 1; i < batches.length; i++) expect(Math.abs(batches[i]!.t0 - batches[i - 1]!.t0 - 1 / 60)).toBeLessThan(1e-3);
    expect(h.stats().lostPackets).toBe(0);
  });

  it('goes lost → reconnecting → connected when it drops out of range, starts it again, and keeps its clock', async () => {
    const device = new DotDevice({ address: 'd4:22:cd:00:00:07', seed: 9 });
    const h = harness([device]);
    use(h);
    h.link.start();
    await waitFor('samples', () => h.samples().length > 20);
    device.loseLink(400);
    await waitFor('lost', () => h.states.includes('lost'));
    await waitFor('connected again', () => h.states.lastIndexOf('connected') > h.states.indexOf('lost'));
    const before = h.samples();
    await waitFor('samples after reconnecting', () => h.samples().length > before.length + 20);
    const after = h.samples().slice(before.length);
    // Time without a link is a gap on the sensor's clock (at least the 400 ms away), not packet loss.
    expect(h.stats()).toMatchObject({ lostPackets: 0, linkLosses: 1 });
    expect(after[0]!.batch.t0 - before.at(-1)!.batch.t0).toBeGreaterThan(0.4);
    expect(device.writes.filter((w) => w.kind === 'measurement' && w.measuring)).toHaveLength(2);
  });

  it('shares the air with a Swivel sensor: the link takes the one it finds', async () => {
    const dot = new DotDevice({ address: 'd4:22:cd:00:00:08', seed: 10 });
    const swivel = new SwivelDevice({ address: '5e:1f:00:00:00:58', seed: 10 });
    const h = harness([dot, swivel]);
    use(h);
    h.link.start();
    await waitFor('samples', () => h.samples().length > 10);
    const name = h.link.currentLink.info!.name;
    expect(['Movella DOT', 'Swivel-0058']).toContain(name);
    const [chosen, other] = name === 'Movella DOT' ? [dot, swivel] : [swivel, dot];
    expect(chosen.connected).toBe(true);
    expect(other.connected).toBe(false);
  });
});
