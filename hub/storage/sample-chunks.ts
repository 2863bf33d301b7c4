/**
 * Packing of sample batches into one BLOB per chunk, little-endian:
 *
 *   per batch: u16 sensor index, u16 seq, u16 sample count, u16 reserved, u32 notifications lost
 *              just before it, f64 t0 (s), f64 dt (s), f64 hub time (ms since the epoch),
 *              then count × (ax, ay, az, gx, gy, gz) as f64
 *
 * Readings are float64 because they are the decoded values themselves (int16 × scale): float32
 * would round them, and a replay must feed the pipeline exactly what it saw live.
 */
import type { ImuReading } from '../protocol/gatt.ts';

export const BATCH_HEADER_BYTES = 36;
export const READING_BYTES = 6 * 8;

/** A batch as stored: what the angle pipeline needs plus where and when it came in. */
export interface StoredBatch {
  sensorIndex: number;
  seq: number;
  t0: number;
  dt: number;
  /** Hub clock (ms since the epoch) when the batch entered the angle pipeline. */
  hubAt: number;
  lost: number;
  readings: ImuReading[];
}

export function encodeChunk(batches: readonly StoredBatch[]): Buffer {
  let bytes = 0;
  for (const batch of batches) bytes += BATCH_HEADER_BYTES + batch.readings.length * READING_BYTES;
  const buffer = Buffer.allocUnsafe(bytes);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let o = 0;
  for (const batch of batches) {
    view.setUint16(o, batch.sensorIndex, true);
    view.setUint16(o + 2, batch.seq & 0xffff, true);
    view.setUint16(o + 4, batch.readings.length, true);
    view.setUint16(o + 6, 0, true);
    view.setUint32(o + 8, Math.min(batch.lost, 0xffffffff), true);
    view.setFloat64(o + 12, batch.t0, true);
    view.setFloat64(o + 20, batch.dt, true);
    view.setFloat64(o + 28, batch.hubAt, true);
    o += BATCH_HEADER_BYTES;
    for (const r of batch.readings) {
      view.setFloat64(o, r.ax, true);
      view.setFloat64(o + 8, r.ay, true);
      view.setFloat64(o + 16, r.az, true);
      view.setFloat64(o + 24, r.gx, true);
      view.setFloat64(o + 32, r.gy, true);
      view.setFloat64(o + 40, r.gz, true);
      o += READING_BYTES;
    }
  }
  return buffer;
}

export function decodeChunk(data: Uint8Array): StoredBatch[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const batches: StoredBatch[] = [];
  let o = 0;
  while (o < data.byteLength) {
    if (o + BATCH_HEADER_BYTES > data.byteLength) throw new Error(`a sample chunk ends inside a batch header (byte ${o} of ${data.byteLength})`);
    const count = view.getUint16(o + 4, true);
    const end = o + BATCH_HEADER_BYTES + count * READING_BYTES;
    if (end > data.byteLength) throw new Error(`a sample chunk ends inside a batch of ${count} samples (byte ${o} of ${data.byteLength})`);
    const batch: StoredBatch = {
      sensorIndex: view.getUint16(o, true),
      seq: view.getUint16(o + 2, true),
      lost: view.getUint32(o + 8, true),
      t0: view.getFloat64(o + 12, true),
      dt: view.getFloat64(o + 20, true),
      hubAt: view.getFloat64(o + 28, true),
      readings: new Array<ImuReading>(count),
    };
    o += BATCH_HEADER_BYTES;
    for (let i = 0; i < count; i++, o += READING_BYTES) {
      batch.readings[i] = {
        ax: view.getFloat64(o, true),
        ay: view.getFloat64(o + 8, true),
        az: view.getFloat64(o + 16, true),
        gx: view.getFloat64(o + 24, true),
        gy: view.getFloat64(o + 32, true),
        gz: view.getFloat64(o + 40, true),
      };
    }
    batches.push(batch);
  }
  return batches;
}
