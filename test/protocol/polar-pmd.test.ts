import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PMD_CONTROL_POINT,
  PMD_DATA,
  PMD_SERVICE,
  PMD_STATUS_CODE,
  PMD_TYPE,
  VERITY_DEFAULT_TIME_NS,
  decodeDeltaContent,
  decodePmdFeatures,
  decodePmdImuFrame,
  decodePmdRequest,
  decodePmdResponse,
  decodePmdSettings,
  encodeDeltaContent,
  encodeGetSettings,
  encodePmdFeatures,
  encodePmdFrame,
  encodePmdResponse,
  encodePmdSettings,
  encodeStartMeasurement,
  encodeStopMeasurement,
  nearestRate,
} from '../../hub/protocol/polar-pmd.ts';

const bytes = (text: string) => Uint8Array.from(text.trim().split(/\s+/).map((b) => parseInt(b, 16)));
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe('Polar PMD codec', () => {
  it('spells the PMD UUIDs (FB005C80/81/82-02E7-F387-1CAD-8ACD2D8DF0C8) as noble reports them', () => {
    expect(PMD_SERVICE).toBe('fb005c8002e7f3871cad8acd2d8df0c8');
    expect(PMD_CONTROL_POINT).toBe('fb005c8102e7f3871cad8acd2d8df0c8');
    expect(PMD_DATA).toBe('fb005c8202e7f3871cad8acd2d8df0c8');
  });

  it('decodes the SDK\'s GYRO compressed type 0 fixture: reference -22, 8, 13, then one 3-bit delta sample -1, +3, +3', () => {
    // GyrDataTest.kt "process gyro compressed data type 0": 05 | timestamp FF…7F | 80 | EA FF 08 00 0D 00 | 03 01 DF 00.
    const frame = bytes('05  ff ff ff ff ff ff ff 7f  80  ea ff 08 00 0d 00  03 01 df 00');
    const decoded = decodePmdImuFrame(frame, 1);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.frame).toMatchObject({ type: PMD_TYPE.gyro, timestampNs: 9223372036854775807n, frameType: 0, compressed: true, count: 2 });
    expect([...decoded.frame.values]).toEqual([-22, 8, 13, -23, 11, 16]);
    // The start response's factor scales every count.
    const halved = decodePmdImuFrame(frame, 0.5);
    expect(halved.ok && [...halved.frame.values]).toEqual([-11, 4, 6.5, -11.5, 5.5, 8]);
  });

  it('decodes the Verity Sense ACC delta frame of the PMD specification: reference −48, 357, 4068, then 8-bit deltas', () => {
    // "Polar Measurement Data Specification for 3rd Party", start stream (delta framed): 02 | timestamp
    // 540368444604181604 | 80 | D0 FF 65 01 E4 0F | 08 1D | FC 07 FF | 0C 13 F2 | … (29 deltas; the
    // document shows the first two). With the count cut to the two shown, it decodes to the values the
    // document gives; with the count 29 and two deltas it does not fit together.
    const shown = bytes('02  64 6c 76 c4 3c c6 7f 07  80  d0 ff 65 01 e4 0f  08 02  fc 07 ff  0c 13 f2');
    const decoded = decodePmdImuFrame(shown, 1);
    expect(decoded.ok && decoded.frame.timestampNs).toBe(540368444604181604n);
    expect(decoded.ok && [...decoded.frame.values]).toEqual([-48, 357, 4068, -52, 364, 4067, -40, 383, 4053]);
    const promised = bytes('02  64 6c 76 c4 3c c6 7f 07  80  d0 ff 65 01 e4 0f  08 1d  fc 07 ff  0c 13 f2');
    expect(decodePmdImuFrame(promised)).toMatchObject({ ok: false, error: { kind: 'bad-content' } });
    // The start answer's factor, 0x397FDA40 = 0.000243999995291: 4068 counts are 0.9926 g.
    const factor = decodePmdSettings(decodePmdResponse(bytes('f0 02 02 00 00 05 01 40 da 7f 39'))!.parameters);
    expect(factor.ok && factor.settings.factor).toBeCloseTo(0.000243999995291, 12);
    const scaled = decodePmdImuFrame(shown, factor.ok ? factor.settings.factor : 0);
    expect(scaled.ok && scaled.frame.values[2]).toBeCloseTo(0.9926, 4);
  });

  it('decodes the H10 raw ACC frame of the PMD specification: −187, −28, 949 mg', () => {
    // The document writes "45 FF = -184 millig"; 0xFF45 is −187 (its own other values agree with 16-bit LE).
    const frame = bytes('02  ea 54 a2 42 8b 45 52 08  01  45 ff e4 ff b5 03  45 ff e4 ff b8 03');
    const decoded = decodePmdImuFrame(frame);
    expect(decoded.ok && decoded.frame.timestampNs).toBe(599618164814402794n);
    expect(decoded.ok && [...decoded.frame.values].map((g) => Math.round(g * 1e6) / 1e3)).toEqual([-187, -28, 949, -187, -28, 952]);
  });

  it('reads the 64-bit timestamp: the H10 example of TimeSystemExplained.md, 599616023171427290 ns since 2000', () => {
    // ACC raw type 1 (16-bit mg, as an H10 sends): x -1000 mg, y 0, z +1000 mg.
    const frame = bytes('02  da eb c3 9e 98 43 52 08  01  18 fc 00 00 e8 03');
    const decoded = decodePmdImuFrame(frame);
    expect(decoded.ok && decoded.frame.timestampNs).toBe(599616023171427290n);
    expect(decoded.ok && [...decoded.frame.values]).toEqual([-1, 0, 1]);
    // Verity Sense's default time, 2017-01-01T10:00:00Z: the document's 2019-01-01 (599616000000000000 ns)
    // less two 365-day years, plus 10 hours.
    expect(VERITY_DEFAULT_TIME_NS).toBe(599_616_000_000_000_000n - 2n * 365n * 86_400n * 10n ** 9n + 10n * 3600n * 10n ** 9n);
  });

  it('reads ACC compressed type 0 in g × factor and type 1 in mg × factor', () => {
    const content = bytes('00 10 00 00 00 f0  00 02'); // 4096, 0, -4096; then two samples with no change (0-bit deltas)
    const type0 = decodePmdImuFrame(encodePmdFrame(PMD_TYPE.acc, 1n, 0x80, content), 2 ** -12);
    expect(type0.ok && [...type0.frame.values]).toEqual([1, 0, -1, 1, 0, -1, 1, 0, -1]);
    const type1 = decodePmdImuFrame(encodePmdFrame(PMD_TYPE.acc, 1n, 0x81, content), 1);
    expect(type1.ok && [...type1.frame.values]).toEqual([4.096, 0, -4.096, 4.096, 0, -4.096, 4.096, 0, -4.096]);
  });

  it('refuses what it cannot read with a message that says what it got', () => {
    expect(decodePmdImuFrame(bytes('02 00 00'))).toMatchObject({ ok: false, error: { kind: 'too-short', message: 'a PMD data frame has a 10-byte header, got 3 bytes' } });
    expect(decodePmdImuFrame(bytes('00 01 00 00 00 00 00 00 00 00 01 02 03'))).toMatchObject({ ok: false, error: { kind: 'unknown-type', message: 'PMD data frame of measurement type 0, not ACC (2) or GYRO (5)' } });
    expect(decodePmdImuFrame(bytes('05 01 00 00 00 00 00 00 00 01 00 00'))).toMatchObject({ ok: false, error: { kind: 'unsupported-frame' } });
    expect(decodePmdImuFrame(bytes('02 01 00 00 00 00 00 00 00 01 00 00 00 00'))).toMatchObject({
      ok: false,
      error: { kind: 'bad-content', message: 'ACC raw frame type 1 holds 4 bytes, not a whole number of 6-byte samples' },
    });
    // A delta block that promises more bits than follow.
    expect(decodePmdImuFrame(bytes('05 01 00 00 00 00 00 00 00 80 00 00 00 00 00 00 08 05 ff'))).toMatchObject({ ok: false, error: { kind: 'bad-content' } });
  });

  it('writes the control point requests in the documented layout', () => {
    expect(hex(encodeGetSettings(PMD_TYPE.acc))).toBe('01 02');
    expect(hex(encodeStopMeasurement(PMD_TYPE.gyro))).toBe('03 05');
    // The specification's Verity Sense start request: rate 52, resolution 16, range 8, 3 channels.
    expect(hex(encodeStartMeasurement(PMD_TYPE.acc, { sampleRate: 52, resolution: 16, range: 8, channels: 3 }))).toBe('02 02 00 01 34 00 01 01 10 00 02 01 08 00 04 01 03');
    expect(hex(encodeStartMeasurement(PMD_TYPE.acc, { sampleRate: 52, resolution: 16, range: 8 }))).toBe('02 02 00 01 34 00 01 01 10 00 02 01 08 00');
    // The specification's H10 start request (range first): ACC at ±8 g, 200 Hz, 16 bits.
    expect(decodePmdRequest(bytes('02 02 02 01 08 00 00 01 c8 00 01 01 10 00'))).toEqual({ ok: true, op: 2, type: 2, settings: { range: [8], sampleRate: [200], resolution: [16] } });
    expect(decodePmdRequest(bytes('09 02'))).toMatchObject({ ok: false, status: PMD_STATUS_CODE.invalidOpCode, message: 'unknown PMD op code 0x9' });
    expect(decodePmdRequest(bytes('02'))).toMatchObject({ ok: false, status: PMD_STATUS_CODE.invalidLength });
    expect(decodePmdRequest(bytes('02 02 00 03 34 00'))).toMatchObject({ ok: false, status: PMD_STATUS_CODE.invalidParameter });
  });

  it('reads the control point answers: a settings list, and a start answer with its float32 factor', () => {
    // The specification's H10 answer: rates 25, 50, 100, 200; 16 bits; ±2, 4, 8 g.
    const h10 = decodePmdResponse(bytes('f0 01 02 00 00 00 04 19 00 32 00 64 00 c8 00 01 01 10 00 02 03 02 00 04 00 08 00'));
    expect(decodePmdSettings(h10!.parameters)).toEqual({ ok: true, settings: { sampleRate: [25, 50, 100, 200], resolution: [16], range: [2, 4, 8] } });
    // The specification's Verity Sense answer: F0, op 01, ACC, success, no more; 52 Hz; 16 bits; ±8 g; 3 channels.
    const settings = decodePmdResponse(bytes('f0 01 02 00 00  00 01 34 00  01 01 10 00  02 01 08 00  04 01 03'));
    expect(settings).toMatchObject({ op: 1, type: 2, status: 0, more: false });
    expect(decodePmdSettings(settings!.parameters)).toEqual({ ok: true, settings: { sampleRate: [52], resolution: [16], range: [8], channels: [3] } });
    // Start GYRO: success, factor 2000 / 32768 = 0.06103515625 (float32 0x3D7A0000).
    const started = decodePmdResponse(bytes('f0 02 05 00 00  05 01 00 00 7a 3d'));
    expect(decodePmdSettings(started!.parameters)).toEqual({ ok: true, settings: { factor: 0.06103515625 } });
    // An error answer: start ACC, invalid sample rate.
    expect(decodePmdResponse(bytes('f0 02 02 08'))).toMatchObject({ op: 2, type: 2, status: PMD_STATUS_CODE.invalidSampleRate, more: false });
    // The specification's stop answer.
    expect(decodePmdResponse(bytes('f0 03 02 00 00'))).toMatchObject({ op: 3, type: 2, status: 0, more: false });
    // A "measurement stopped" notice from the sensor is not an answer.
    expect(decodePmdResponse(bytes('01 02'))).toBeNull();
    expect(hex(encodePmdResponse({ op: 2, type: 5, status: 0, more: false, parameters: encodePmdSettings({ factor: 2000 / 32768 }) }))).toBe('f0 02 05 00 00 05 01 00 00 7a 3d');
  });

  it('reads the feature bits: Verity Sense has PPG, ACC, PPI, GYRO and magnetometer', () => {
    const features = encodePmdFeatures([PMD_TYPE.ppg, PMD_TYPE.acc, PMD_TYPE.ppi, PMD_TYPE.gyro, PMD_TYPE.magnetometer]);
    expect(hex(features)).toBe('0f 6e 00');
    // As the specification shows a Verity Sense answering the read: 17 bytes.
    expect([...decodePmdFeatures(bytes('0f 6e 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'))!].sort()).toEqual([1, 2, 3, 5, 6]);
    expect([...decodePmdFeatures(features)!].sort()).toEqual([1, 2, 3, 5, 6]);
    expect(decodePmdFeatures(bytes('f0 01'))).toBeNull();
  });

  it('picks the offered rate nearest the wish', () => {
    expect(nearestRate([52], 100)).toBe(52);
    expect(nearestRate([26, 52, 104, 208, 416], 100)).toBe(104);
    expect(nearestRate([26, 52, 104, 208, 416], 78)).toBe(104); // a tie goes to the faster
    expect(nearestRate([], 100)).toBeUndefined();
  });

  it('delta-compresses and decompresses samples exactly, in the fewest bits', () => {
    const int16 = fc.integer({ min: -32768, max: 32767 });
    fc.assert(
      fc.property(fc.array(fc.tuple(int16, int16, int16), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 40 }), (samples, block) => {
        const content = encodeDeltaContent(samples, 3, 16, block);
        expect(decodeDeltaContent(content, 3, 16)).toEqual(samples);
      }),
    );
    // Equal samples cost a 0-bit block: 6 reference bytes and a 2-byte block header.
    expect(encodeDeltaContent([[1, 2, 3], [1, 2, 3], [1, 2, 3]], 3, 16).byteLength).toBe(8);
    // Deltas of 0 and -1 would fit 1 bit, which Polar's SDK sign-extends wrongly: 2 bits are used.
    expect(hex(encodeDeltaContent([[0, 0, 0], [-1, 0, 0]], 3, 16))).toBe('00 00 00 00 00 00 02 01 03'); // 3 deltas × 2 bits: one byte, 0b000011
  });

  it('never throws on random bytes, whatever the decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.double(), (random, factor) => {
        const frame = decodePmdImuFrame(random, factor);
        if (frame.ok) expect(frame.frame.values.length).toBe(frame.frame.count * 3);
        else expect(frame.error.message.length).toBeGreaterThan(0);
        decodePmdSettings(random);
        decodePmdRequest(random);
        decodePmdResponse(random);
        decodePmdFeatures(random);
      }),
    );
    // Frames of the right shape with random content: the delta decoder is exercised, not only the header check.
    fc.assert(
      fc.property(fc.constantFrom(0x02, 0x05), fc.uint8Array({ minLength: 0, maxLength: 120 }), (type, content) => {
        decodePmdImuFrame(encodePmdFrame(type, 5n, 0x80, content), 0.001);
      }),
    );
  });
});
