/**
 * bench/throughput: samples per second through the hub's signal path on one core, for a long
 * recording: notification bytes → decodeNotifications → sample batches → toAngleFrames (fusion and
 * exercise angle). The same operators the live hub and `swivel analyze` run. Issue 11 asks for at
 * least 2 M samples/s (half of VQF's C++ rate); docs/fusion.md ("Speed") says how it gets there.
 *
 *   npm run bench:throughput            # one hour at 100 Hz, 4 samples per notification, 5 runs
 */
import { from, lastValueFrom, reduce } from 'rxjs';
import { decodeNotifications, sampleBatches, toAngleFrames } from '../hub/pipeline/operators.ts';
import type { SensorEvent } from '../hub/pipeline/events.ts';
import { DEFAULT_SENSOR_CONFIG, encodeImuPacket, type ImuReading } from '../hub/protocol/gatt.ts';

const RATE = 100;
const SECONDS = 3600;
const PER_PACKET = 4;
const RUNS = 5;

// A shin swinging 35° about a horizontal axis every 8 s, with noise: plausible work for the filter.
function reading(t: number): ImuReading {
  const theta = ((35 * (1 - Math.cos((2 * Math.PI * t) / 8))) / 2) * (Math.PI / 180);
  const rate = ((35 * Math.PI) / 8) * Math.sin((2 * Math.PI * t) / 8);
  const n = () => (Math.random() - 0.5) * 0.01;
  return { ax: -Math.cos(theta) + n(), ay: Math.sin(theta) + n(), az: n(), gx: 0.3 + n(), gy: -0.2 + n(), gz: rate + 0.45 + n() };
}

const events: SensorEvent[] = [];
const total = RATE * SECONDS;
for (let i = 0, seq = 0; i < total; i += PER_PACKET, seq++) {
  const readings = Array.from({ length: PER_PACKET }, (_, k) => reading((i + k) / RATE));
  const bytes = encodeImuPacket({ seq: seq & 0xffff, timestampUs: Math.round((i / RATE) * 1e6) >>> 0, config: DEFAULT_SENSOR_CONFIG, readings });
  events.push({ kind: 'notification', sensorId: 's', linkEpoch: 1, bytes, receivedAt: 0 });
}

const rates: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  const samples = await lastValueFrom(
    from(events).pipe(
      decodeNotifications(),
      sampleBatches(),
      toAngleFrames(),
      reduce((n, frame) => n + frame.trace.length, 0),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  if (samples !== total) throw new Error(`expected ${total} samples, got ${samples}`);
  rates.push(samples / seconds);
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)]!;
console.log(`Swivel throughput: decode → fusion → exercise angle, ${SECONDS / 3600} h at ${RATE} Hz (${total.toLocaleString('en')} samples), ${RUNS} runs`);
console.log(`  median ${Math.round(median).toLocaleString('en')} samples/s (min ${Math.round(rates[0]!).toLocaleString('en')}, max ${Math.round(rates.at(-1)!).toLocaleString('en')})`);
console.log(`  an hour at 100 Hz takes ${((total / median) * 1000).toFixed(0)} ms`);
