import { afterEach, describe, expect, it } from 'vitest';
import { SwivelDevice, type DeviceLink } from '../../firmware-sim/device.ts';
import {
  BATTERY_LEVEL_CHARACTERISTIC,
  BATTERY_SERVICE,
  IMU_CONTROL_CHARACTERISTIC,
  IMU_DATA_CHARACTERISTIC,
  SWIVEL_IMU_SERVICE,
  decodeImuPacket,
  decodeSensorConfig,
  encodeSensorConfig,
} from '../../hub/protocol/gatt.ts';
import { fromBase64, toBase64, type PeripheralMessage } from '../../hub/protocol/radio.ts';
import { waitFor } from '../support/wait.ts';

/** A central's end of a link, recording what the device sends. */
function central() {
  const received: PeripheralMessage[] = [];
  const link: DeviceLink & { dropped: boolean } = { send: (m) => received.push(m), drop: () => (link.dropped = true), dropped: false };
  return { link, received };
}

let device: SwivelDevice | null = null;
afterEach(() => device?.close());

describe('SwivelDevice', () => {
  it('advertises its name and service until a central connects, and takes only one central', () => {
    device = new SwivelDevice({ address: '5E:1F:00:00:00:AB' });
    const a = central();
    const b = central();
    device.handle(a.link, { op: 'advertise', id: 1 });
    expect(a.received[0]).toMatchObject({ op: 'advertisement', localName: 'Swivel-00AB', serviceUuids: [SWIVEL_IMU_SERVICE], connectable: true });
    device.handle(a.link, { op: 'connect', id: 2, mtu: 517 });
    expect(a.received[1]).toEqual({ op: 'connected', id: 2, mtu: 247 });
    device.handle(b.link, { op: 'advertise', id: 3 });
    expect(b.received).toEqual([]); // connected sensors stop advertising
    device.handle(b.link, { op: 'connect', id: 4, mtu: 247 });
    expect(b.received[0]).toEqual({ op: 'error', id: 4, message: 'Swivel-00AB is already connected to another central' });
  });

  it('applies a written sample rate and batches by the negotiated MTU', async () => {
    device = new SwivelDevice({ address: '5e:1f:00:00:00:ac' });
    const c = central();
    device.handle(c.link, { op: 'connect', id: 1, mtu: 23 });
    const config = { rateHz: 200, accRangeG: 8, gyroRangeDps: 2000 } as const;
    device.handle(c.link, { op: 'write', id: 2, service: SWIVEL_IMU_SERVICE, characteristic: IMU_CONTROL_CHARACTERISTIC, data: toBase64(encodeSensorConfig(config)) });
    device.handle(c.link, { op: 'read', id: 3, service: SWIVEL_IMU_SERVICE, characteristic: IMU_CONTROL_CHARACTERISTIC });
    const read = c.received.find((m) => m.op === 'read');
    expect(read && read.op === 'read' && decodeSensorConfig(fromBase64(read.data))).toEqual({ ok: true, config });
    device.handle(c.link, { op: 'notify', id: 4, service: SWIVEL_IMU_SERVICE, characteristic: IMU_DATA_CHARACTERISTIC, enable: true });
    await waitFor('40 notifications', () => c.received.filter((m) => m.op === 'notification').length >= 40);
    const packets = c.received.flatMap((m) => (m.op === 'notification' ? [decodeImuPacket(fromBase64(m.data))] : []));
    for (const packet of packets) {
      if (!packet.ok) throw new Error(packet.error.message);
      expect(packet.packet.readings).toHaveLength(1); // MTU 23: one sample per notification
      expect(packet.packet.config).toEqual(config);
    }
    const seqs = packets.map((p) => (p.ok ? p.packet.seq : -1));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  });

  it('refuses a control value it cannot apply and keeps its settings', () => {
    device = new SwivelDevice({ address: '5e:1f:00:00:00:ad' });
    const c = central();
    device.handle(c.link, { op: 'connect', id: 1, mtu: 247 });
    device.handle(c.link, { op: 'write', id: 2, service: SWIVEL_IMU_SERVICE, characteristic: IMU_CONTROL_CHARACTERISTIC, data: toBase64(Uint8Array.of(1, 9, 0, 0)) });
    expect(c.received[1]).toEqual({ op: 'error', id: 2, message: 'unknown sample-rate code 9' });
    expect(device.sensorConfig.rateHz).toBe(100);
  });

  it('reads the battery level and goes silent while out of range', () => {
    device = new SwivelDevice({ address: '5e:1f:00:00:00:ae', batteryPercent: 64 });
    const c = central();
    device.handle(c.link, { op: 'connect', id: 1, mtu: 247 });
    device.handle(c.link, { op: 'read', id: 2, service: BATTERY_SERVICE, characteristic: BATTERY_LEVEL_CHARACTERISTIC });
    const read = c.received[1];
    expect(read?.op === 'read' && fromBase64(read.data)[0]).toBe(64);
    device.loseLink(60_000);
    expect(c.link.dropped).toBe(true);
    expect(device.connected).toBe(false);
    const d = central();
    device.handle(d.link, { op: 'advertise', id: 3 });
    expect(d.received).toEqual([]);
  });
});
