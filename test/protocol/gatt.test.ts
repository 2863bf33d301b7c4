import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeSimPersonInstruction,
  encodeSimPersonInstruction,
  DEFAULT_SENSOR_CONFIG,
  IMU_DATA_CHARACTERISTIC,
  SWIVEL_IMU_SERVICE,
  decodeBatteryLevel,
  decodeImuPacket,
  decodeSensorConfig,
  encodeImuPacket,
  encodeSensorConfig,
  samplesPerNotification,
} from '../../hub/protocol/gatt.ts';

const hex = (text: string) => Uint8Array.from(text.replace(/\s+/g, '').match(/../g)!.map((byte) => parseInt(byte, 16)));

describe('GATT profile constants', () => {
  it('writes UUIDs the way noble matches them: lowercase hex, no dashes', () => {
    for (const uuid of [SWIVEL_IMU_SERVICE, IMU_DATA_CHARACTERISTIC]) expect(uuid).toMatch(/^[0-9a-f]{32}$/);
  });

  it('fits one sample in the 20-byte payload of the minimum MTU and batches with a larger one', () => {
    expect(samplesPerNotification(23)).toBe(1);
    expect(samplesPerNotification(185)).toBe(14);
    expect(samplesPerNotification(247)).toBe(19);
    expect(samplesPerNotification(517)).toBe(31); // capped by the 5-bit count
  });
});

describe('decodeImuPacket on byte fixtures', () => {
  // version 1, acc ±4 g (code 1), gyro ±1000 dps (code 3); rate 100 Hz (code 3), 1 sample;
  // seq 0x1234; timestamp 0x89abcdef µs; ax = +0.5 g, ay = -1 g, az = 0; gx = 250 dps, gy = -1000, gz = 0
  const oneSample = hex('2b 61 3412 efcdab89 0010 00e0 0000 0020 0080 0000');

  it('decodes a one-sample packet (20 bytes)', () => {
    expect(oneSample.byteLength).toBe(20);
    const result = decodeImuPacket(oneSample);
    expect(result).toEqual({
      ok: true,
      packet: {
        seq: 0x1234,
        timestampUs: 0x89abcdef,
        config: { rateHz: 100, accRangeG: 4, gyroRangeDps: 1000 },
        readings: [{ ax: 0.5, ay: -1, az: 0, gx: 250, gy: -1000, gz: 0 }],
      },
    });
  });

  it('decodes a batch of samples and reads them in order', () => {
    // ±2 g (code 0), ±250 dps (code 1): byte0 = 0x21; 200 Hz (code 5), 2 samples: byte1 = 0xa2
    const bytes = hex('21 a2 ffff 00000000 0040 0000 0000 0000 0000 0040   00c0 0000 0000 0000 0000 00c0');
    const result = decodeImuPacket(bytes);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.packet.seq).toBe(0xffff);
    expect(result.packet.config).toEqual({ rateHz: 200, accRangeG: 2, gyroRangeDps: 250 });
    expect(result.packet.readings.map((r) => [r.ax, r.gz])).toEqual([
      [1, 125],
      [-1, -125],
    ]);
  });

  it.each([
    ['too short', hex('2b 61 3412 efcdab89 0010'), 'too-short'],
    ['unknown version', hex('4b 61 3412 efcdab89 0010 00e0 0000 0020 0080 0000'), 'unknown-version'],
    ['zero samples', hex('2b 60 3412 efcdab89 0010 00e0 0000 0020 0080 0000'), 'bad-sample-count'],
    ['count says 2 but holds 1', hex('2b 62 3412 efcdab89 0010 00e0 0000 0020 0080 0000'), 'wrong-length'],
    ['trailing byte', hex('2b 61 3412 efcdab89 0010 00e0 0000 0020 0080 0000 00'), 'wrong-length'],
    ['reserved gyro range', hex('2f 61 3412 efcdab89 0010 00e0 0000 0020 0080 0000'), 'unknown-range'],
  ])('reports %s as an error value with a readable message', (_name, bytes, kind) => {
    const result = decodeImuPacket(bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe(kind);
    expect(result.error.byteLength).toBe(bytes.byteLength);
    expect(result.error.message).toMatch(/IMU packet/);
  });

  it('never throws, whatever bytes arrive', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), (bytes) => {
        const result = decodeImuPacket(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });

  it('decodes bytes that sit inside a larger buffer at an offset', () => {
    const framed = new Uint8Array(oneSample.byteLength + 7);
    framed.set(oneSample, 5);
    const result = decodeImuPacket(framed.subarray(5, 5 + oneSample.byteLength));
    expect(result.ok && result.packet.seq).toBe(0x1234);
  });
});

describe('encodeImuPacket', () => {
  it('round-trips through the decoder within one quantisation step', () => {
    const reading = fc.record({
      ax: fc.double({ min: -3.9, max: 3.9, noNaN: true }),
      ay: fc.double({ min: -3.9, max: 3.9, noNaN: true }),
      az: fc.double({ min: -3.9, max: 3.9, noNaN: true }),
      gx: fc.double({ min: -990, max: 990, noNaN: true }),
      gy: fc.double({ min: -990, max: 990, noNaN: true }),
      gz: fc.double({ min: -990, max: 990, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 31 }), fc.integer({ min: 0, max: 0xffff }), fc.nat(), (readings, seq, ts) => {
        const packet = { seq, timestampUs: ts >>> 0, config: DEFAULT_SENSOR_CONFIG, readings };
        const decoded = decodeImuPacket(encodeImuPacket(packet));
        if (!decoded.ok) throw new Error(decoded.error.message);
        expect(decoded.packet.seq).toBe(seq);
        expect(decoded.packet.timestampUs).toBe(ts >>> 0);
        decoded.packet.readings.forEach((r, i) => {
          expect(Math.abs(r.ax - readings[i]!.ax)).toBeLessThanOrEqual(4 / 32768);
          expect(Math.abs(r.gz - readings[i]!.gz)).toBeLessThanOrEqual(1000 / 32768);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('saturates beyond full scale like a real IMU instead of wrapping around', () => {
    const decoded = decodeImuPacket(encodeImuPacket({ seq: 1, timestampUs: 0, config: DEFAULT_SENSOR_CONFIG, readings: [{ ax: 9, ay: -9, az: 0, gx: 5000, gy: 0, gz: 0 }] }));
    if (!decoded.ok) throw new Error(decoded.error.message);
    expect(decoded.packet.readings[0]!.ax).toBeCloseTo(4, 3);
    expect(decoded.packet.readings[0]!.ay).toBe(-4);
    expect(decoded.packet.readings[0]!.gx).toBeCloseTo(1000, 1);
  });

  it('refuses settings the wire cannot carry', () => {
    expect(() => encodeImuPacket({ seq: 0, timestampUs: 0, config: { ...DEFAULT_SENSOR_CONFIG, rateHz: 33 as 50 }, readings: [{ ax: 0, ay: 0, az: 0, gx: 0, gy: 0, gz: 0 }] })).toThrow(/sample rate 33/);
    expect(() => encodeImuPacket({ seq: 0, timestampUs: 0, config: DEFAULT_SENSOR_CONFIG, readings: [] })).toThrow(/1 to 31 samples/);
  });
});

describe('control and battery values', () => {
  it('round-trips the sensor configuration', () => {
    const config = { rateHz: 200, accRangeG: 8, gyroRangeDps: 2000 } as const;
    expect(encodeSensorConfig(config)).toEqual(Uint8Array.of(1, 5, 2, 4));
    expect(decodeSensorConfig(encodeSensorConfig(config))).toEqual({ ok: true, config });
  });

  it('explains a bad control value', () => {
    expect(decodeSensorConfig(Uint8Array.of(1, 9, 0, 0))).toEqual({ ok: false, message: 'unknown sample-rate code 9' });
    expect(decodeSensorConfig(Uint8Array.of(1, 2))).toEqual({ ok: false, message: 'control value must be 4 bytes, got 2' });
  });

  it('reads the standard battery level and rejects nonsense', () => {
    expect(decodeBatteryLevel(Uint8Array.of(87))).toBe(87);
    expect(decodeBatteryLevel(Uint8Array.of(187))).toBeUndefined();
    expect(decodeBatteryLevel(Uint8Array.of())).toBeUndefined();
  });
});

describe('simulated person instruction (simulator only)', () => {
  it('round-trips "exercise,side" and refuses anything else with a message', () => {
    expect(Array.from(encodeSimPersonInstruction({ exercise: 'rom-prone', side: 'right' }))).toEqual(Array.from(new TextEncoder().encode('rom-prone,right')));
    expect(decodeSimPersonInstruction(encodeSimPersonInstruction({ exercise: 'side-lie', side: 'left' }))).toEqual({ ok: true, instruction: { exercise: 'side-lie', side: 'left' } });
    // Mid-set, after the sensor came back: resume.
    expect(new TextDecoder().decode(encodeSimPersonInstruction({ exercise: 'rom-prone', side: 'right', resume: true }))).toBe('rom-prone,right,resume');
    expect(decodeSimPersonInstruction(new TextEncoder().encode('rom-prone,right,resume'))).toEqual({ ok: true, instruction: { exercise: 'rom-prone', side: 'right', resume: true } });
    for (const bad of ['side-lie', 'side-lie,up', ',left', 'side-lie,left,again', 'side-lie,left,resume,x']) {
      const decoded = decodeSimPersonInstruction(new TextEncoder().encode(bad));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.message).toMatch(/^a simulated person's instruction is "exercise,left\|right" or "exercise,left\|right,resume", got /);
    }
  });
});
