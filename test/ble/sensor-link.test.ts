import { afterEach, describe, expect, it } from 'vitest';
import { share, type Subscription } from 'rxjs';
import { RadioBindings } from '../../hub/ble/radio-bindings.ts';
import { SensorLink } from '../../hub/ble/sensor-link.ts';
import { decodeNotifications, sensorStats, type PipelineEvent } from '../../hub/pipeline/operators.ts';
import type { LinkState, SensorStats } from '../../hub/protocol/messages.ts';
import type { CentralRequest } from '../../hub/protocol/radio.ts';
import type { SampleRateHz } from '../../hub/protocol/gatt.ts';
import { SwivelDevice, type DeviceLink } from '../../firmware-sim/device.ts';
import { inProcessRadio } from '../../firmware-sim/in-process-radio.ts';
import { waitFor } from '../support/wait.ts';

/** States without repeats (a state repeats when only its detail changes). */
const changes = (states: LinkState[]) => states.filter((state, i) => state !== states[i - 1]);

const FAST = { backoffStartMs: 20, backoffMaxMs: 100, rssiEveryMs: 100, gattMs: 500, connectMs: 1000 };

/** A real SensorLink over real noble objects, fed by an in-process simulated device. */
function harness(device: SwivelDevice, rateHz?: SampleRateHz) {
  const link = new SensorLink({ bindings: new RadioBindings(inProcessRadio([device])), timings: FAST, rateHz });
  const states: LinkState[] = [];
  const details: string[] = [];
  const events: PipelineEvent[] = [];
  let stats: SensorStats | null = null;
  const decoded = link.events$.pipe(decodeNotifications(), share());
  const subscriptions: Subscription[] = [
    link.link$.subscribe((event) => {
      states.push(event.state);
      details.push(event.detail);
    }),
    decoded.subscribe((event) => events.push(event)),
    decoded.pipe(sensorStats()).subscribe((entry) => (stats = entry.stats)),
  ];
  const samples = () => events.filter((e) => e.kind === 'samples').length;
  return {
    link,
    states,
    details,
    events,
    samples,
    stats: () => stats!,
    async stop() {
      await link.stop();
      subscriptions.forEach((s) => s.unsubscribe());
      device.close();
    },
  };
}

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

describe('SensorLink over noble with a simulated device', () => {
  it('scans, connects, reads the device and streams samples', async () => {
    const device = new SwivelDevice({ address: '5e:1f:00:00:00:07', seed: 7, config: { rateHz: 200, accRangeG: 4, gyroRangeDps: 1000 } });
    const h = harness(device);
    cleanup = h.stop;
    h.link.start();
    await waitFor('connected', () => h.link.currentLink.state === 'connected');
    expect(changes(h.states)).toEqual(['idle', 'scanning', 'connecting', 'connected']);
    expect(h.link.currentLink.info).toEqual({
      id: '5e1f00000007',
      name: 'Swivel-0007',
      manufacturer: 'Swivel (simulated)',
      model: 'SW-1 shin sensor simulator',
      firmware: '0.1.0-sim',
    });
    await waitFor('40 packets', () => h.samples() >= 40);
    expect(h.stats()).toMatchObject({ battery: 87, rateHz: 200, lostPackets: 0, malformedPackets: 0 });
    await waitFor('an RSSI reading', () => h.stats().rssi !== null);
    // 200 Hz at a 20 ms connection interval and MTU 247: about 4 samples per notification.
    const batch = h.events.find((e) => e.kind === 'samples' && e.batch.count > 1);
    expect(batch).toBeDefined();
  });

  it('counts lost notifications exactly and malformed ones separately, without stopping', async () => {
    const device = new SwivelDevice({ address: '5e:1f:00:00:00:08', seed: 8 });
    const h = harness(device);
    cleanup = h.stop;
    h.link.start();
    await waitFor('10 packets', () => h.samples() >= 10);
    device.dropNext(7);
    await waitFor('the drop to be noticed', () => h.stats().lostPackets > 0);
    device.corruptNext(3);
    await waitFor('3 malformed packets', () => h.stats().malformedPackets >= 3);
    const before = h.samples();
    await waitFor('samples after the malformed ones', () => h.samples() > before + 5);
    expect(h.stats().lostPackets).toBe(7);
    expect(h.stats().malformedPackets).toBe(3);
    expect(h.stats().lastMalformed).toMatch(/^IMU packet (says \d+ samples \(\d+ bytes\) but has \d+ bytes|of \d+ bytes is shorter than one sample)/);
    expect(device.stats.notificationsLost).toBe(7);
  });

  it('goes lost → reconnecting → connected when the sensor drops out of range, and streams again', async () => {
    const device = new SwivelDevice({ address: '5e:1f:00:00:00:09', seed: 9 });
    const h = harness(device);
    cleanup = h.stop;
    h.link.start();
    await waitFor('connected', () => h.link.currentLink.state === 'connected');
    await waitFor('samples', () => h.samples() > 5);
    device.loseLink(400);
    await waitFor('lost', () => h.states.includes('lost'));
    expect(h.details.find((d) => d.startsWith('lost the link'))).toBe('lost the link to Swivel-0009 (out of range or switched off)');
    await waitFor('connected again', () => h.states.lastIndexOf('connected') > h.states.indexOf('lost'));
    const afterLoss = changes(h.states.slice(h.states.indexOf('lost')));
    expect(afterLoss[0]).toBe('lost');
    expect(afterLoss[1]).toBe('reconnecting');
    expect(afterLoss.at(-1)).toBe('connected');
    const before = h.samples();
    await waitFor('samples after reconnecting', () => h.samples() > before + 5);
    // Time without a link is a gap, not packet loss; the loss itself is counted once.
    expect(h.stats()).toMatchObject({ lostPackets: 0, linkLosses: 1 });
  });

  it('gives up on a GATT call that never answers and tries again', async () => {
    const device = new SwivelDevice({ address: '5e:1f:00:00:00:0a', seed: 10 });
    let ignoreServices = 2; // the first two discoveries hang, as after a half-dead link
    const handle = device.handle.bind(device);
    device.handle = (link: DeviceLink, request: CentralRequest) => {
      if (request.op === 'services' && ignoreServices-- > 0) return;
      handle(link, request);
    };
    const h = harness(device);
    cleanup = h.stop;
    h.link.start();
    await waitFor('connected after retries', () => h.link.currentLink.state === 'connected', 15_000);
    expect(h.details).toContain('discovering the services of Swivel-000A took longer than 0.5 s; trying again');
  });

  it('sets the sample rate the hub asks for through the control characteristic', async () => {
    const device = new SwivelDevice({ address: '5e:1f:00:00:00:0c', seed: 12 });
    expect(device.sensorConfig.rateHz).toBe(100);
    const h = harness(device, 50);
    cleanup = h.stop;
    h.link.start();
    await waitFor('the rate to be reported', () => h.stats()?.rateHz === 50);
    expect(device.sensorConfig.rateHz).toBe(50);
    await waitFor('samples', () => h.samples() > 5);
    const batch = h.events.find((e) => e.kind === 'samples');
    expect(batch?.kind === 'samples' && batch.batch.dt).toBe(1 / 50);
  });

  it('disconnects the sensor on stop and reports stopped', async () => {
    const device = new SwivelDevice({ address: '5e:1f:00:00:00:0b', seed: 11 });
    const h = harness(device);
    h.link.start();
    await waitFor('connected', () => h.link.currentLink.state === 'connected');
    await h.stop();
    expect(h.states.at(-1)).toBe('stopped');
    expect(device.connected).toBe(false);
  });
});
