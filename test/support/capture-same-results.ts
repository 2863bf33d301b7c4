/**
 * Writes test/fixtures/same-results/: the inputs (simulated notifications, the start of a BROAD
 * trial) once, and the record of what the signal path gives for every case. Run it only to take a
 * new record on purpose (a deliberate change of results), never to make same-results.test.ts pass:
 *
 *   node --import tsx test/support/capture-same-results.ts            # record only
 *   node --import tsx test/support/capture-same-results.ts --inputs   # inputs too
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { burstLoss, nextLost } from '../../firmware-sim/loss.ts';
import { deriveSeed, seededRandom } from '../../firmware-sim/random.ts';
import { SensorModel, type SensorModelOptions } from '../../firmware-sim/sensor.ts';
import { DEFAULT_SENSOR_CONFIG, encodeImuPacket, samplesPerNotification, type ImuReading, type SensorConfig } from '../../hub/protocol/gatt.ts';
import { SCORING_VERSION } from '../../hub/pipeline/scoring-version.ts';
import { SAME_RESULTS_CASES, SAME_RESULTS_DIR, encodeNotifications, runCase } from './same-results.ts';

interface SimulatedSet {
  model: SensorModelOptions;
  seconds: number;
  config: SensorConfig;
  mtu: number;
  loss: number;
  /** The link drops for this span of true time, s (no notifications; the next link's epoch is 2). */
  linkDown?: [number, number];
  /** This notification (by count) arrives cut short. */
  malformedAt?: number;
}

const SETS: Record<string, SimulatedSet> = {
  'sim-seated-hip-ir-lossy': { model: { seed: 3, exercise: 'seated-hip-ir' }, seconds: 60, config: DEFAULT_SENSOR_CONFIG, mtu: 247, loss: 0.05, linkDown: [40, 42.5], malformedAt: 700 },
  'sim-swivel-chair-200hz': { model: { seed: 11, exercise: 'swivel-chair', mounting: 'random' }, seconds: 45, config: { ...DEFAULT_SENSOR_CONFIG, rateHz: 200 }, mtu: 247, loss: 0 },
  'sim-centration-hold-mtu23': { model: { seed: 5, exercise: 'femoral-head-centration', mounting: 'random' }, seconds: 50, config: DEFAULT_SENSOR_CONFIG, mtu: 23, loss: 0.02 },
};

/** As firmware-sim/record.ts sends them: per 20 ms connection event, encoded, lost in bursts. */
function simulate(set: SimulatedSet): { linkEpoch: number; bytes: Uint8Array }[] {
  const model = new SensorModel(set.model);
  const { rateHz } = set.config;
  const perPacket = samplesPerNotification(set.mtu);
  const channel = burstLoss(set.loss, 3);
  const lossRandom = seededRandom(deriveSeed(set.model.seed!, 'recording-loss'));
  const out: { linkEpoch: number; bytes: Uint8Array }[] = [];
  let next = 0;
  let seq = 0;
  for (let event = 1; event * 0.02 <= set.seconds + 1e-9; event++) {
    const due = model.samplesBy(event * 0.02, rateHz);
    while (next < due) {
      const count = Math.min(perPacket, due - next);
      const readings: ImuReading[] = [];
      for (let i = 0; i < count; i++) readings.push(model.sample(next + i, rateHz).reading);
      const bytes = encodeImuPacket({ seq, timestampUs: model.timestampUs(next, rateHz), config: set.config, readings });
      const at = event * 0.02;
      next += count;
      seq = (seq + 1) & 0xffff;
      if (nextLost(channel, lossRandom)) continue;
      if (set.linkDown && at >= set.linkDown[0] && at < set.linkDown[1]) continue;
      const linkEpoch = set.linkDown && at >= set.linkDown[1] ? 2 : 1;
      out.push({ linkEpoch, bytes: out.length === set.malformedAt ? bytes.subarray(0, bytes.length - 3) : bytes });
    }
  }
  return out;
}

await mkdir(SAME_RESULTS_DIR, { recursive: true });
if (process.argv.includes('--inputs')) {
  for (const [name, set] of Object.entries(SETS)) {
    await writeFile(join(SAME_RESULTS_DIR, `${name}.notifications.bin.gz`), gzipSync(encodeNotifications(simulate(set)), { level: 9 }));
  }
  // The first 20 s of BROAD trial 08 (fast rotation with breaks, 286 Hz): a rate and a motion the
  // simulated sets do not have.
  const broad = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'broad-dev', '08_undisturbed_fast_rotation_with_breaks_A.imu.csv.gz');
  if (existsSync(broad)) {
    const lines = gunzipSync(await readFile(broad)).toString('utf8').split('\n');
    const kept = lines.filter((line, i) => i === 0 || (line && Number(line.split(',')[0]) < 20));
    await writeFile(join(SAME_RESULTS_DIR, 'broad-08-first-20s.imu.csv.gz'), gzipSync(`${kept.join('\n')}\n`, { level: 9 }));
  }
}
const records = [];
for (const c of SAME_RESULTS_CASES) {
  const record = await runCase(c);
  console.log(`${c.name}: ${record.samples} samples, ${record.frames} frames`);
  records.push(record);
}
// New results need a new scoring version, or history would keep figures the new code no longer gives.
const recordPath = join(SAME_RESULTS_DIR, 'record.json.gz');
const versionPath = join(SAME_RESULTS_DIR, 'scoring-version.json');
const previous = existsSync(recordPath) ? gunzipSync(await readFile(recordPath)).toString('utf8') : null;
const previousVersion = existsSync(versionPath) ? (JSON.parse(await readFile(versionPath, 'utf8')) as { scoringVersion: number }).scoringVersion : null;
if (previous !== null && previous !== JSON.stringify(records) && previousVersion === SCORING_VERSION) {
  console.error(`the results differ from the record, but SCORING_VERSION is still ${SCORING_VERSION}: raise it in hub/pipeline/scoring-version.ts (history re-scores once), then record again`);
  process.exit(1);
}
await writeFile(recordPath, gzipSync(JSON.stringify(records), { level: 9 }));
await writeFile(versionPath, `${JSON.stringify({ scoringVersion: SCORING_VERSION })}\n`);
