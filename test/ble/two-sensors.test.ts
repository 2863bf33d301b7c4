import { afterEach, describe, expect, it } from 'vitest';
import type { Subscription } from 'rxjs';
import { RadioBindings } from '../../hub/ble/radio-bindings.ts';
import { SensorHub, shinMemoryInMemory, type ShinMemory } from '../../hub/sensor-hub.ts';
import type { AngleFrame } from '../../hub/pipeline/operators.ts';
import type { LinkEvent } from '../../hub/pipeline/events.ts';
import { SwivelDevice } from '../../firmware-sim/device.ts';
import { DotDevice } from '../../firmware-sim/dot-device.ts';
import { WitmotionDevice } from '../../firmware-sim/witmotion-device.ts';
import { PolarDevice } from '../../firmware-sim/polar-device.ts';
import type { SimulatedDevice } from '../../firmware-sim/device.ts';
import { inProcessRadio } from '../../firmware-sim/in-process-radio.ts';
import { waitFor } from '../support/wait.ts';

const FAST = { backoffStartMs: 20, backoffMaxMs: 100, rssiEveryMs: 200, gattMs: 2000, connectMs: 3000 };
const LEFT = '5e:1f:00:00:00:41';
const RIGHT = '5e:1f:00:00:00:42';
const idOf = (address: string) => address.replace(/:/g, '');

/** A hub with two Bluetooth sensor links over real noble objects, and two simulated sensors, one on each shin. */
function twoSensors(memory: ShinMemory = shinMemoryInMemory()) {
  const devices = [
    new SwivelDevice({ address: LEFT, seed: 41, shin: 'left', side: 'left' }),
    new SwivelDevice({ address: RIGHT, seed: 42, shin: 'right', side: 'right' }),
  ];
  const hub = new SensorHub({ bindings: new RadioBindings(inProcessRadio(devices)), source: 'sim', sourceReason: 'test', timings: FAST, bleSensors: 2, shinMemory: memory });
  const sessionFrames: AngleFrame[] = [];
  const sessionLinks: LinkEvent[] = [];
  const subscriptions: Subscription[] = [hub.sessionFrames$.subscribe((f) => sessionFrames.push(f)), hub.sessionLink$.subscribe((l) => sessionLinks.push(l))];
  hub.start();
  const sensorOn = (address: string) => hub.snapshot().find((s) => s.info?.id === idOf(address));
  return {
    hub,
    devices,
    sessionFrames,
    sessionLinks,
    sensorOn,
    bothConnected: () => hub.snapshot().filter((s) => s.state === 'connected').length === 2,
    async stop() {
      subscriptions.forEach((s) => s.unsubscribe());
      await hub.stop();
      devices.forEach((d) => d.close());
    },
  };
}

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

describe('two Bluetooth sensors at once, one on each shin', () => {
  it('connects each sensor on its own link, and the session scores the one on the set’s shin', async () => {
    const t = twoSensors();
    cleanup = t.stop;
    await waitFor('both sensors connected', t.bothConnected, 15_000);
    const snapshot = t.hub.snapshot();
    expect(snapshot.map((s) => s.sensorId).sort()).toEqual(['sensor-1', 'sensor-2']);
    // Two links, two different physical sensors.
    expect(new Set(snapshot.map((s) => s.info?.id)).size).toBe(2);
    expect(snapshot.filter((s) => s.counting)).toHaveLength(1);

    const left = t.sensorOn(LEFT)!.sensorId;
    const right = t.sensorOn(RIGHT)!.sensorId;
    expect(t.hub.setShin(left, 'left')).toBe(true);
    expect(t.hub.setShin(right, 'right')).toBe(true);

    t.hub.followSide('left');
    expect(t.hub.followedSensorId).toBe(left);
    expect(t.hub.snapshot().find((s) => s.counting)?.sensorId).toBe(left);
    t.sessionFrames.length = 0;
    await waitFor('session frames', () => t.sessionFrames.length >= 20);
    expect(new Set(t.sessionFrames.map((f) => f.sensorId))).toEqual(new Set([left]));

    t.hub.followSide('right');
    expect(t.hub.followedSensorId).toBe(right);
    // The session hears of the newly followed sensor's link at once, in its current state.
    expect(t.sessionLinks.at(-1)).toMatchObject({ sensorId: right, state: 'connected' });
    t.sessionFrames.length = 0;
    await waitFor('session frames', () => t.sessionFrames.length >= 20);
    expect(new Set(t.sessionFrames.map((f) => f.sensorId))).toEqual(new Set([right]));
  }, 30_000);

  it('keeps following a sensor that drops mid-set, so the session sees it lost, not the other leg', async () => {
    const t = twoSensors();
    cleanup = t.stop;
    await waitFor('both sensors connected', t.bothConnected, 15_000);
    const left = t.sensorOn(LEFT)!.sensorId;
    t.hub.setShin(left, 'left');
    t.hub.setShin(t.sensorOn(RIGHT)!.sensorId, 'right');
    t.hub.followSide('left');
    t.devices[0]!.loseLink(500);
    await waitFor('the session sees the left sensor lost', () => t.sessionLinks.some((l) => l.sensorId === left && l.state === 'lost'));
    expect(t.hub.followedSensorId).toBe(left);
    await waitFor('the left sensor back on its own link', () => t.sensorOn(LEFT)?.state === 'connected' && t.sensorOn(LEFT)?.sensorId === left, 15_000);
    expect(t.hub.followedSensorId).toBe(left);
  }, 30_000);

  it('does not hand the session to a sensor that comes back after a loss (no shins said)', async () => {
    const t = twoSensors();
    cleanup = t.stop;
    await waitFor('both sensors connected', t.bothConnected, 15_000);
    const followed = t.hub.followedSensorId!;
    const other = t.hub.snapshot().find((s) => s.sensorId !== followed)!;
    const otherDevice = t.devices.find((d) => d.address.replace(/:/g, '') === other.info!.id)!;
    otherDevice.loseLink(300);
    await waitFor('the other sensor lost', () => t.hub.snapshot().find((s) => s.sensorId === other.sensorId)?.state !== 'connected');
    await waitFor('the other sensor back', () => t.hub.snapshot().find((s) => s.sensorId === other.sensorId)?.state === 'connected', 15_000);
    expect(t.hub.followedSensorId).toBe(followed);
  }, 30_000);

  it('remembers which shin each physical sensor is on, whichever link finds it next time', async () => {
    const memory = shinMemoryInMemory();
    const first = twoSensors(memory);
    cleanup = first.stop;
    await waitFor('both sensors connected', first.bothConnected, 15_000);
    first.hub.setShin(first.sensorOn(LEFT)!.sensorId, 'left');
    first.hub.setShin(first.sensorOn(RIGHT)!.sensorId, 'right');
    await first.stop();
    cleanup = null;
    expect(memory.get(idOf(LEFT))).toBe('left');
    expect(memory.get(idOf(RIGHT))).toBe('right');

    const second = twoSensors(memory);
    cleanup = second.stop;
    await waitFor('both sensors connected', second.bothConnected, 15_000);
    expect(second.sensorOn(LEFT)?.shin).toBe('left');
    expect(second.sensorOn(RIGHT)?.shin).toBe('right');
    // Cleared on the panel: forgotten.
    second.hub.setShin(second.sensorOn(RIGHT)!.sensorId, null);
    expect(memory.get(idOf(RIGHT))).toBeNull();
  }, 40_000);

  it('with one sensor on the other shin, scores it anyway (the screen says it is on the other leg)', async () => {
    const t = twoSensors();
    cleanup = t.stop;
    await waitFor('both sensors connected', t.bothConnected, 15_000);
    t.hub.setShin(t.sensorOn(LEFT)!.sensorId, 'left');
    t.hub.setShin(t.sensorOn(RIGHT)!.sensorId, null);
    t.hub.followSide('right');
    // No sensor said to be on the right: the one that connected last.
    const last = t.hub.followedSensorId;
    expect(last).not.toBeNull();
    expect(t.hub.snapshot().filter((s) => s.counting).map((s) => s.sensorId)).toEqual([last]);
  }, 30_000);
});

describe('a simulated person after its sensor comes back', () => {
  it('carries on after a link loss, and is told the set again by a sensor that restarted', async () => {
    const devices = [new SwivelDevice({ address: LEFT, seed: 43 })];
    const hub = new SensorHub({ bindings: new RadioBindings(inProcessRadio(devices)), source: 'sim', sourceReason: 'test', timings: FAST });
    hub.start();
    cleanup = async () => {
      await hub.stop();
      devices.forEach((d) => d.close());
    };
    const connected = () => hub.snapshot()[0]?.state === 'connected';
    await waitFor('connected', connected, 15_000);
    hub.instructSimulatedPerson({ exercise: 'rom-seated', side: 'left' });
    await waitFor('the person on the range check', () => devices[0]!.sensor.person?.spec.id === 'rom-seated');
    const person = devices[0]!.sensor.person;

    devices[0]!.loseLink(300);
    await waitFor('lost', () => hub.snapshot()[0]?.state !== 'connected');
    await waitFor('back', connected, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Told to resume what it was doing: the same person, not a new start.
    expect(devices[0]!.sensor.person).toBe(person);

    // The sensor restarts (a new simulator at the same address): its person starts with its own default.
    const old = devices[0]!;
    devices[0] = new SwivelDevice({ address: LEFT, seed: 44 });
    expect(devices[0].sensor.person?.spec.id).toBe('seated-hip-ir');
    old.loseLink(60_000);
    old.close();
    await waitFor('lost', () => hub.snapshot()[0]?.state !== 'connected');
    await waitFor('back on the new sensor', connected, 15_000);
    await waitFor('the new person told the range check', () => devices[0]!.sensor.person?.spec.id === 'rom-seated');
  }, 40_000);
});

describe('a sensor the hub finds but cannot use', () => {
  it('says why on the link, leaves it alone, and takes another sensor in range', async () => {
    const oldFirmware = new SwivelDevice({ address: '5e:1f:00:00:00:51', seed: 51, protocolVersion: 0 });
    const devices: SwivelDevice[] = [oldFirmware];
    const hub = new SensorHub({ bindings: new RadioBindings(inProcessRadio(devices)), source: 'sim', sourceReason: 'test', timings: FAST });
    const details: string[] = [];
    const subscription = hub.link$.subscribe((link) => details.push(`${link.state}: ${link.detail}`));
    hub.start();
    cleanup = async () => {
      subscription.unsubscribe();
      await hub.stop();
      devices.forEach((d) => d.close());
    };
    const sentence = "Swivel-0051 runs firmware for Swivel protocol version 0, and this hub reads version 1: update the sensor's firmware; looking for another sensor";
    await waitFor('the reason on the link', () => details.includes(`scanning: ${sentence}`));
    expect(hub.snapshot()[0]).toMatchObject({ state: 'scanning', detail: sentence });
    // Left alone: not connected to again and again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(details.filter((d) => d.startsWith('connecting: connecting to Swivel-0051'))).toHaveLength(1);

    devices.push(new SwivelDevice({ address: '5e:1f:00:00:00:52', seed: 52 }));
    await waitFor('connected to the usable one', () => hub.snapshot()[0]?.state === 'connected', 15_000);
    expect(hub.snapshot()[0]!.info?.name).toBe('Swivel-0052');
  }, 30_000);
});

describe('two sensors of different makes at once', () => {
  it('connects a WitMotion module and a Movella DOT on two links, each streaming samples in its own format', async () => {
    const devices = [
      new WitmotionDevice({ address: 'c4:ee:00:00:00:61', seed: 61, shin: 'left' }),
      new DotDevice({ address: 'd4:22:cd:00:00:62', seed: 62, shin: 'right', side: 'right' }),
    ];
    const hub = new SensorHub({ bindings: new RadioBindings(inProcessRadio(devices)), source: 'sim', sourceReason: 'test', timings: FAST, bleSensors: 2 });
    const samples = new Map<string, number>();
    const subscription = hub.frames$.subscribe((frame) => samples.set(frame.sensorId, (samples.get(frame.sensorId) ?? 0) + frame.trace.length));
    hub.start();
    cleanup = async () => {
      subscription.unsubscribe();
      await hub.stop();
      devices.forEach((d) => d.close());
    };
    await waitFor('both connected', () => hub.snapshot().filter((s) => s.state === 'connected').length === 2, 20_000);
    const makes = hub.snapshot().map((s) => s.info?.manufacturer).sort();
    expect(makes).toEqual(['Movella', 'WitMotion']);
    await waitFor('samples from both', () => samples.size === 2 && [...samples.values()].every((n) => n >= 100), 20_000);
  }, 40_000);
});

describe('a simulated sensor of another make follows the dashboard too', () => {
  const makes: [string, () => SimulatedDevice][] = [
    ['WitMotion', () => new WitmotionDevice({ address: 'c4:ee:00:00:00:71', seed: 71 })],
    ['Movella DOT', () => new DotDevice({ address: 'd4:22:cd:00:00:72', seed: 72 })],
    ['Polar', () => new PolarDevice({ address: 'a0:9e:1a:00:00:73', seed: 73 })],
  ];
  for (const [make, create] of makes) {
    it(`tells a simulated ${make} sensor's person the set, through the simulator-only control service`, async () => {
      const devices = [create()];
      const hub = new SensorHub({ bindings: new RadioBindings(inProcessRadio(devices)), source: 'sim', sourceReason: 'test', timings: FAST });
      hub.start();
      cleanup = async () => {
        await hub.stop();
        devices.forEach((d) => d.close());
      };
      await waitFor('connected', () => hub.snapshot()[0]?.state === 'connected', 20_000);
      expect(devices[0]!.sensor.person?.spec.id).toBe('seated-hip-ir');
      hub.instructSimulatedPerson({ exercise: 'rom-seated', side: 'right' });
      await waitFor('the person on the range check', () => devices[0]!.sensor.person?.spec.id === 'rom-seated');
      expect(devices[0]!.sensor.person?.side).toBe('right');
    }, 30_000);
  }
});
