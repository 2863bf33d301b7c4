import { afterEach, describe, expect, it } from 'vitest';
import {
  PMD_CONTROL_POINT,
  PMD_DATA,
  PMD_OP,
  PMD_SERVICE,
  PMD_STATUS_CODE,
  PMD_TYPE,
  decodePmdImuFrame,
  decodePmdResponse,
  decodePmdSettings,
  encodeGetSettings,
  encodeStartMeasurement,
  encodeStopMeasurement,
  type PmdResponse,
} from '../../hub/protocol/polar-pmd.ts';
import { fromBase64, toBase64, type PeripheralMessage } from '../../hub/protocol/radio.ts';
import { PolarDevice } from '../../firmware-sim/polar-device.ts';
import { waitFor } from '../support/wait.ts';

/** A central as the radio is to the device: requests through `handle`, everything it sends kept. */
function central(device: PolarDevice) {
  const messages: PeripheralMessage[] = [];
  const link = { send: (m: PeripheralMessage) => messages.push(m), drop() {} };
  let id = 0;
  const request = (r: Record<string, unknown>) => device.handle(link, { id: ++id, ...r } as never);
  const notifications = (characteristic: string) =>
    messages.flatMap((m) => (m.op === 'notification' && m.characteristic === characteristic ? [fromBase64(m.data)] : []));
  return {
    messages,
    connect: () => request({ op: 'connect', mtu: 247 }),
    subscribe: (characteristic: string) => request({ op: 'notify', service: PMD_SERVICE, characteristic, enable: true }),
    write: (bytes: Uint8Array) => request({ op: 'write', service: PMD_SERVICE, characteristic: PMD_CONTROL_POINT, data: toBase64(bytes) }),
    answers: (): PmdResponse[] => notifications(PMD_CONTROL_POINT).map((b) => decodePmdResponse(b)!),
    frames: () => notifications(PMD_DATA),
  };
}

let device: PolarDevice | null = null;
afterEach(() => device?.close());

describe('simulated Polar Verity Sense: the PMD control point', () => {
  it('answers requests before both characteristics are subscribed with "invalid state"', () => {
    device = new PolarDevice({ address: 'a0:9e:1a:00:00:21' });
    const c = central(device);
    c.connect();
    c.subscribe(PMD_CONTROL_POINT);
    c.write(encodeGetSettings(PMD_TYPE.acc));
    expect(c.answers()).toEqual([{ op: PMD_OP.getSettings, type: PMD_TYPE.acc, status: PMD_STATUS_CODE.invalidState, more: false, parameters: new Uint8Array(0) }]);
  });

  it('lists its settings, starts a stream with a factor, and answers bad requests with the documented error statuses', async () => {
    device = new PolarDevice({ address: 'a0:9e:1a:00:00:22', speed: 4 });
    const c = central(device);
    c.connect();
    c.subscribe(PMD_CONTROL_POINT);
    c.subscribe(PMD_DATA);
    c.write(encodeGetSettings(PMD_TYPE.gyro));
    expect(decodePmdSettings(c.answers()[0]!.parameters)).toEqual({ ok: true, settings: { sampleRate: [52], resolution: [16], range: [250, 500, 1000, 2000], channels: [3] } });
    const start = encodeStartMeasurement(PMD_TYPE.gyro, { sampleRate: 52, resolution: 16, range: 500 });
    c.write(start);
    expect(decodePmdSettings(c.answers()[1]!.parameters)).toEqual({ ok: true, settings: { factor: 500 / 32768 } });
    const bad: [Uint8Array, number][] = [
      [start, PMD_STATUS_CODE.alreadyInState],
      [encodeStartMeasurement(PMD_TYPE.acc, { sampleRate: 104, resolution: 16, range: 8 }), PMD_STATUS_CODE.invalidSampleRate],
      [encodeStartMeasurement(PMD_TYPE.acc, { sampleRate: 52, resolution: 12, range: 8 }), PMD_STATUS_CODE.invalidResolution],
      [encodeStartMeasurement(PMD_TYPE.acc, { sampleRate: 52, resolution: 16, range: 16 }), PMD_STATUS_CODE.invalidRange],
      [encodeStartMeasurement(PMD_TYPE.acc, { sampleRate: 52, resolution: 16, range: 8, channels: 2 }), PMD_STATUS_CODE.invalidChannels],
      [encodeGetSettings(PMD_TYPE.ecg), PMD_STATUS_CODE.notSupported],
      [encodeGetSettings(0x3f), PMD_STATUS_CODE.invalidMeasurementType],
      [Uint8Array.of(0x07, PMD_TYPE.acc), PMD_STATUS_CODE.invalidOpCode],
      [Uint8Array.of(0x02), PMD_STATUS_CODE.invalidLength],
      [Uint8Array.of(0x02, PMD_TYPE.acc, 0x00, 0x02, 0x34), PMD_STATUS_CODE.invalidParameter],
      [encodeStopMeasurement(PMD_TYPE.acc), PMD_STATUS_CODE.alreadyInState],
    ];
    for (const [bytes] of bad) c.write(bytes);
    expect(c.answers().slice(2).map((a) => a.status)).toEqual(bad.map(([, status]) => status));
    expect(device.running).toEqual([PMD_TYPE.gyro]);
    // Only GYRO frames come: delta-compressed (0x80), 30 samples each, the timestamps rising by the samples they hold.
    await waitFor('3 frames', () => c.frames().length >= 3);
    const frames = c.frames().map((f) => decodePmdImuFrame(f, 500 / 32768));
    expect(frames.every((f) => f.ok && f.frame.type === PMD_TYPE.gyro && f.frame.compressed && f.frame.frameType === 0 && f.frame.count === 30)).toBe(true);
    const stamps = frames.map((f) => (f.ok ? f.frame.timestampNs : 0n));
    for (let i = 1; i < stamps.length; i++) expect(Number(stamps[i]! - stamps[i - 1]!) / 1e9).toBeCloseTo(30 / 52, 2);
    c.write(encodeStopMeasurement(PMD_TYPE.gyro));
    expect(c.answers().at(-1)!.status).toBe(PMD_STATUS_CODE.success);
    expect(device.running).toEqual([]);
  });

  it('refuses to stream over an MTU below the 232 the specification asks for', () => {
    device = new PolarDevice({ address: 'a0:9e:1a:00:00:23', mtu: 185 });
    const c = central(device);
    c.connect();
    c.subscribe(PMD_CONTROL_POINT);
    c.subscribe(PMD_DATA);
    c.write(encodeStartMeasurement(PMD_TYPE.acc, { sampleRate: 52, resolution: 16, range: 8 }));
    expect(c.answers().map((a) => a.status)).toEqual([PMD_STATUS_CODE.invalidMtu]);
    expect(device.running).toEqual([]);
  });
});
