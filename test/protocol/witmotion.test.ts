import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  WITMOTION_NOTIFY_CHARACTERISTIC,
  WITMOTION_SERVICE,
  WITMOTION_WRITE_CHARACTERISTIC,
  decodeWitCommand,
  decodeWitmotionReading,
  decodeWitmotionRegisters,
  decodeWitmotionSamples,
  encodeWitmotionReading,
  encodeWitmotionRegisters,
  nearestWitmotionRate,
  witmotionBatteryPercent,
  witmotionBatteryRegister,
  witmotionRateCommands,
  witmotionReadCommand,
  WIT_REGISTER,
} from '../../hub/protocol/witmotion.ts';

const bytes = (text: string) => Uint8Array.from(text.trim().split(/\s+/).map((b) => parseInt(b, 16)));

describe('WitMotion BLE 5.0 codec', () => {
  it('spells the UUIDs the way noble reports them: 128-bit, on WitMotion base …9a34fb', () => {
    expect(WITMOTION_SERVICE).toBe('0000ffe500001000800000805f9a34fb');
    expect(WITMOTION_NOTIFY_CHARACTERISTIC).toBe('0000ffe400001000800000805f9a34fb');
    expect(WITMOTION_WRITE_CHARACTERISTIC).toBe('0000ffe900001000800000805f9a34fb');
  });

  it('decodes a 0x55 0x61 packet by the documented formulas (value / 32768 × 16 g, × 2000 °/s, × 180°)', () => {
    // ax 0xF800 = -2048 → -1 g; az 0x0800 → 1 g; gx 0xFC00 = -1024 → -62.5 °/s; gz 0x0400 → 62.5 °/s;
    // roll 0x2000 → 45°; yaw 0xC000 = -16384 → -90°. Low byte first.
    const packet = bytes('55 61  00 f8 00 00 00 08  00 fc 00 00 00 04  00 20 00 00 00 c0');
    const decoded = decodeWitmotionReading(packet);
    expect(decoded).toEqual({ ok: true, reading: { ax: -1, ay: 0, az: 1, gx: -62.5, gy: 0, gz: 62.5, rollDeg: 45, pitchDeg: 0, yawDeg: -90 } });
    const samples = decodeWitmotionSamples(packet);
    expect(samples.ok && [...samples.imu]).toEqual([-1, 0, 1, -62.5, 0, 62.5]);
    expect(encodeWitmotionReading(decoded.ok ? decoded.reading : ({} as never))).toEqual(packet);
  });

  it('decodes the documented register reply: 55 71 3A 00 68 01 69 00 7A 00 … is magnetic field 360, 105, 122', () => {
    const reply = bytes('55 71 3a 00 68 01 69 00 7a 00 00 00 00 00 00 00 00 00 00 00');
    expect(decodeWitmotionRegisters(reply)).toEqual({ start: 0x3a, values: [360, 105, 122, 0, 0, 0, 0, 0] });
    expect(encodeWitmotionRegisters(0x3a, [360, 105, 122])).toEqual(reply);
    expect(decodeWitmotionSamples(reply)).toMatchObject({ ok: false, error: { kind: 'unknown-flag' } });
  });

  it('builds the documented commands: unlock FF AA 69 88 B5, rate FF AA 03 code 00, save FF AA 00 00 00, read FF AA 27 reg 00', () => {
    expect(witmotionRateCommands(100)).toEqual([bytes('ff aa 69 88 b5'), bytes('ff aa 03 09 00'), bytes('ff aa 00 00 00')]);
    expect(witmotionRateCommands(200)[1]).toEqual(bytes('ff aa 03 0b 00'));
    expect(witmotionRateCommands(10)[1]).toEqual(bytes('ff aa 03 06 00'));
    expect(witmotionReadCommand(WIT_REGISTER.battery)).toEqual(bytes('ff aa 27 64 00'));
    expect(decodeWitCommand(bytes('ff aa 69 88 b5'))).toEqual({ ok: true, register: 0x69, value: 0xb588 });
    expect(decodeWitCommand(bytes('ff ab 03 09 00')).ok).toBe(false);
    expect(() => witmotionRateCommands(104)).toThrow(RangeError);
    expect(nearestWitmotionRate(104)).toBe(100);
    expect(nearestWitmotionRate(60)).toBe(50);
    expect(nearestWitmotionRate(800)).toBe(200);
  });

  it('reads two packets in one notification as two samples, and rejects partial or foreign ones', () => {
    const one = encodeWitmotionReading({ ax: 0.5, ay: 0, az: 0, gx: 0, gy: 0, gz: 10, rollDeg: 0, pitchDeg: 0, yawDeg: 0 });
    const two = new Uint8Array([...one, ...one]);
    expect(decodeWitmotionSamples(two)).toMatchObject({ ok: true, count: 2 });
    expect(decodeWitmotionSamples(one.subarray(0, 15))).toMatchObject({ ok: false, error: { kind: 'wrong-length', byteLength: 15 } });
    expect(decodeWitmotionSamples(new Uint8Array(20))).toMatchObject({ ok: false, error: { kind: 'bad-header' } });
    expect(decodeWitmotionSamples(new Uint8Array(0))).toMatchObject({ ok: false, error: { kind: 'wrong-length' } });
  });

  it('turns battery volts into percent on the SDK cell curve, and back', () => {
    expect(witmotionBatteryPercent(330)).toBe(0);
    expect(witmotionBatteryPercent(382)).toBe(50);
    expect(witmotionBatteryPercent(420)).toBe(100);
    for (const percent of [0, 10, 35, 50, 87, 100]) expect(Math.abs(witmotionBatteryPercent(witmotionBatteryRegister(percent)) - percent)).toBeLessThanOrEqual(2);
  });

  it('never throws on random bytes, and any bytes give samples or an error value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.boolean(), (random, framed) => {
        const input = framed && random.length >= 2 ? Uint8Array.of(0x55, 0x61, ...random.subarray(2)) : random;
        const decoded = decodeWitmotionSamples(input);
        if (decoded.ok) {
          expect(decoded.imu.length).toBe(decoded.count * 6);
          for (const v of decoded.imu) expect(Number.isFinite(v)).toBe(true);
        } else {
          expect(decoded.error.byteLength).toBe(input.byteLength);
        }
        decodeWitmotionRegisters(input);
        decodeWitCommand(input);
        decodeWitmotionReading(input);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any reading within full scale to a resolution step', () => {
    const g = fc.double({ min: -15.9, max: 15.9, noNaN: true });
    const w = fc.double({ min: -1990, max: 1990, noNaN: true });
    const a = fc.double({ min: -179, max: 179, noNaN: true });
    fc.assert(
      fc.property(fc.record({ ax: g, ay: g, az: g, gx: w, gy: w, gz: w, rollDeg: a, pitchDeg: a, yawDeg: a }), (reading) => {
        const decoded = decodeWitmotionReading(encodeWitmotionReading(reading));
        if (!decoded.ok) throw new Error(decoded.error.message);
        expect(Math.abs(decoded.reading.ax - reading.ax)).toBeLessThanOrEqual(16 / 32768);
        expect(Math.abs(decoded.reading.gz - reading.gz)).toBeLessThanOrEqual(2000 / 32768);
        expect(Math.abs(decoded.reading.yawDeg - reading.yawDeg)).toBeLessThanOrEqual(180 / 32768);
      }),
    );
  });
});
