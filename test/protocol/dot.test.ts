import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DOT_BATTERY_CHARACTERISTIC,
  DOT_DEVICE_CONTROL_CHARACTERISTIC,
  DOT_DEVICE_INFO_CHARACTERISTIC,
  DOT_MEASUREMENT_CONTROL_CHARACTERISTIC,
  DOT_MEASUREMENT_SERVICE,
  DOT_MEDIUM_PAYLOAD_CHARACTERISTIC,
  DOT_PAYLOAD_MODE,
  decodeDotBattery,
  decodeDotDeviceControl,
  decodeDotDeviceInfo,
  decodeDotMeasurementControl,
  decodeDotRateQuantities,
  dotModelName,
  dotPayloadModeName,
  encodeDotCustomMode1,
  encodeDotDeviceControl,
  encodeDotDeviceInfo,
  encodeDotMeasurementControl,
  encodeDotOutputRateWrite,
  encodeDotRateQuantities,
  isDotName,
  nearestDotRate,
} from '../../hub/protocol/dot.ts';

const bytes = (text: string) => Uint8Array.from(text.trim().split(/\s+/).map((b) => parseInt(b, 16)));

describe('Movella DOT codec', () => {
  it('spells the UUIDs the way noble reports them: 1517xxxx on Movella base …d663bd873d93', () => {
    expect(DOT_MEASUREMENT_SERVICE).toBe('15172000494711e98646d663bd873d93');
    expect(DOT_MEASUREMENT_CONTROL_CHARACTERISTIC).toBe('15172001494711e98646d663bd873d93');
    expect(DOT_MEDIUM_PAYLOAD_CHARACTERISTIC).toBe('15172003494711e98646d663bd873d93');
    expect(DOT_DEVICE_INFO_CHARACTERISTIC).toBe('15171001494711e98646d663bd873d93');
    expect(DOT_DEVICE_CONTROL_CHARACTERISTIC).toBe('15171002494711e98646d663bd873d93');
    expect(DOT_BATTERY_CHARACTERISTIC).toBe('15173001494711e98646d663bd873d93');
  });

  it('recognises the advertised names of old and new firmware, and nothing else', () => {
    expect(isDotName('Movella DOT')).toBe(true);
    expect(isDotName('Xsens DOT')).toBe(true);
    expect(isDotName('Movella Dot')).toBe(true); // as table 4 of the specification spells it
    expect(isDotName('Movella DOT 2')).toBe(false);
    expect(isDotName('WT901BLE68')).toBe(false);
  });

  // Timestamp 12 345 678 µs (0x00BC614E); acceleration 0, −4.903325, 9.80665 m/s² (0, −0.5, 1 g);
  // angular velocity 62.5, 0, −90 °/s. Little-endian IEEE-754 float32 (§1.3, §3.5).
  const rateQuantities = bytes(`
    4e 61 bc 00
    00 00 00 00  0a e8 9c c0  0a e8 1c 41
    00 00 7a 42  00 00 00 00  00 00 b4 c2`);
  const padded = Uint8Array.from([...rateQuantities, ...new Array(12).fill(0)]);

  it('decodes a Rate quantities payload: µs timestamp, m/s² into g, °/s as they are', () => {
    const decoded = decodeDotRateQuantities(rateQuantities);
    if (!decoded.ok) throw new Error(decoded.error.message);
    expect(decoded.timestampUs).toBe(12_345_678);
    const [ax, ay, az, gx, gy, gz] = decoded.imu;
    expect(ax).toBe(0);
    expect(ay).toBeCloseTo(-0.5, 7);
    expect(az).toBeCloseTo(1, 7);
    expect([gx, gy, gz]).toEqual([62.5, 0, -90]);
  });

  it('takes the payload padded with zeros to the medium characteristic\'s 40 bytes, and encodes it so', () => {
    const decoded = decodeDotRateQuantities(padded);
    expect(decoded.ok && decoded.timestampUs).toBe(12_345_678);
    expect(encodeDotRateQuantities(12_345_678, { ax: 0, ay: -0.5, az: 1, gx: 62.5, gy: 0, gz: -90 })).toEqual(padded);
    expect(encodeDotRateQuantities(12_345_678, { ax: 0, ay: -0.5, az: 1, gx: 62.5, gy: 0, gz: -90 }, false)).toEqual(rateQuantities);
  });

  it('refuses a 40-byte payload whose last 12 bytes carry data: another payload mode (Custom mode 1)', () => {
    const customMode1 = encodeDotCustomMode1(1000, [10, -20, 0], [0.1, 0.2, 0.3], [1.5, -2.5, 3.5]);
    const decoded = decodeDotRateQuantities(customMode1);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.kind).toBe('not-rate-quantities');
      expect(decoded.error.message).toBe('Movella DOT notification has data after byte 28: the sensor streams a payload mode other than Rate quantities (21)');
    }
  });

  it('refuses a real free-acceleration notification from the short payload characteristic (20 bytes, zero-padded)', () => {
    // Captured from a DOT at 60 Hz (protobioengineering/xsens-dot-python-examples,
    // turn_on_measurement_service.py): timestamp 1 143 080 408 µs, free acceleration 3.009, 5.224,
    // −2.326 m/s², then 4 bytes of zero padding: the quirk the medium characteristic shares.
    const capture = bytes('d8 05 22 44 af 96 40 40 6b 2a a7 40 5a dd 14 c0 00 00 00 00');
    const view = new DataView(capture.buffer);
    expect(view.getUint32(0, true)).toBe(1_143_080_408);
    expect(view.getFloat32(4, true)).toBeCloseTo(3.009197, 5);
    expect(decodeDotRateQuantities(capture)).toEqual({
      ok: false,
      error: {
        kind: 'wrong-length',
        message: 'Movella DOT notification of 20 bytes is not a Rate quantities payload (28 bytes, or 40 padded): a link at the minimum MTU of 23 cuts it to 20; the adapter must allow an MTU of 43 or more',
        byteLength: 20,
      },
    });
  });

  it('refuses a non-finite value rather than passing NaN to the fusion', () => {
    const broken = rateQuantities.slice();
    broken.set([0x00, 0x00, 0xc0, 0x7f], 16); // gx = NaN
    const decoded = decodeDotRateQuantities(broken);
    expect(!decoded.ok && decoded.error.kind).toBe('not-a-number');
  });

  it('writes `01 action mode` to start and stop the measurement (§3.1)', () => {
    expect(encodeDotMeasurementControl({ measuring: true, payloadMode: DOT_PAYLOAD_MODE.rateQuantities })).toEqual(bytes('01 01 15'));
    expect(encodeDotMeasurementControl({ measuring: false, payloadMode: DOT_PAYLOAD_MODE.rateQuantities })).toEqual(bytes('01 00 15'));
    expect(decodeDotMeasurementControl(bytes('01 01 16'))).toEqual({ ok: true, control: { measuring: true, payloadMode: 22 } });
    expect(decodeDotMeasurementControl(bytes('02 01 15'))).toEqual({ ok: false, message: 'the DOT measurement control has type 2, not 1 (measurement)' });
    expect(decodeDotMeasurementControl(bytes('01 01'))).toMatchObject({ ok: false });
    expect(dotPayloadModeName(21)).toBe('Rate quantities (21)');
    expect(dotPayloadModeName(8)).toBe('an unknown payload mode (8)');
  });

  it('sets the output rate with a 32-byte device control write: visit bit 4, rate at bytes 24–25 (§2.2)', () => {
    const write = encodeDotOutputRateWrite(60);
    expect(write).toHaveLength(32);
    expect(write[0]).toBe(0x10);
    expect([...write.subarray(24, 26)]).toEqual([0x3c, 0x00]);
    expect([...write.subarray(1, 24), ...write.subarray(26)].every((b) => b === 0)).toBe(true);
    expect(() => encodeDotOutputRateWrite(120)).toThrow('a Movella DOT streams at 1, 4, 10, 12, 15, 20, 30, 60 Hz, not 120');
    const read = encodeDotDeviceControl({ powerSaving: { advertisingMin: 10, advertisingSec: 0, connectedMin: 30, connectedSec: 0 }, tag: 'Left shin', outputRateHz: 30, filterProfile: 1 });
    expect(decodeDotDeviceControl(read)).toEqual({
      ok: true,
      visit: 0,
      identify: false,
      powerOff: 0,
      control: { powerSaving: { advertisingMin: 10, advertisingSec: 0, connectedMin: 30, connectedSec: 0 }, tag: 'Left shin', outputRateHz: 30, filterProfile: 1 },
    });
    expect(nearestDotRate(100)).toBe(60);
    expect(nearestDotRate(25)).toBe(30);
  });

  it('reads the 34-byte device info: address, firmware, build date, serial, product code (§2.1)', () => {
    const info = bytes(`
      83 a6 00 cd 22 d4   02 06 00   e7 07 07 0e 0c 00 00   90 d7 6a 00
      01 02 03 04 05 06 07 08   58 53 2d 54 30 32`);
    const decoded = decodeDotDeviceInfo(info);
    expect(decoded).toEqual({
      ok: true,
      info: {
        address: 'd4:22:cd:00:a6:83',
        firmware: { major: 2, minor: 6, revision: 0 },
        built: { year: 2023, month: 7, day: 14, hour: 12, minute: 0, second: 0 },
        softDeviceVersion: 7_002_000,
        serialNumber: 0x0807060504030201n,
        productCode: 'XS-T02',
      },
    });
    if (decoded.ok) expect(encodeDotDeviceInfo(decoded.info)).toEqual(info);
    expect(dotModelName('XS-T02')).toBe('Movella DOT v2 (XS-T02)');
    expect(dotModelName('XS-T01')).toBe('Movella DOT v1 (XS-T01)');
  });

  it('reads the battery as level and charging flag (§4.1)', () => {
    expect(decodeDotBattery(bytes('57 01'))).toEqual({ percent: 87, charging: true });
    expect(decodeDotBattery(bytes('05 00'))).toEqual({ percent: 5, charging: false });
    expect(decodeDotBattery(bytes('ff 00'))).toBeUndefined();
    expect(decodeDotBattery(bytes('50'))).toBeUndefined();
  });

  it('never throws on random bytes, whatever the decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (random) => {
        decodeDotRateQuantities(random);
        decodeDotMeasurementControl(random);
        decodeDotDeviceControl(random);
        decodeDotDeviceInfo(random);
        decodeDotBattery(random);
      }),
      { numRuns: 2000 },
    );
    // And at the lengths that matter, with every byte random.
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 28, maxLength: 28 }), fc.uint8Array({ minLength: 40, maxLength: 40 }), fc.uint8Array({ minLength: 32, maxLength: 34 })), (random) => {
        const decoded = decodeDotRateQuantities(random);
        if (decoded.ok) expect([...decoded.imu].every(Number.isFinite)).toBe(true);
        decodeDotDeviceControl(random);
        decodeDotDeviceInfo(random);
      }),
      { numRuns: 2000 },
    );
  });
});
