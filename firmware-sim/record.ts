import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_SENSOR_CONFIG,
  decodeImuPacket,
  encodeImuPacket,
  readingsOf,
  samplesPerNotification,
  type ImuReading,
  type SensorConfig,
} from '../hub/protocol/gatt.ts';
import { decodeWitmotionSamples, encodeWitmotionReading } from '../hub/protocol/witmotion.ts';
import { sensorClockReading } from './imu.ts';
import { burstLoss, nextLost } from './loss.ts';
import type { Quat } from './math3d.ts';
import type { ExerciseId } from './person/exercises.ts';
import type { PersonOptions, Side, TruthRep } from './person/person.ts';
import { deriveSeed, seededRandom } from './random.ts';
import { SensorModel, type MountingChoice } from './sensor.ts';

/**
 * A recording made without real time: the simulated sensor's samples go through the same path as on
 * the air (batched per connection event, encoded to int16 at the configured ranges, lost in bursts),
 * and what survives is decoded with the hub's own decoder. The result is exactly what the hub would
 * have received, plus the ground truth for every sample that arrived.
 */
export interface RecordOptions {
  exercise: ExerciseId;
  /** Seed for the sensor (and the person, unless `personSeed`). */
  seed: number;
  personSeed?: number;
  side?: Side;
  /** Every hold has a break out of position (see PersonOptions.holdBreak). Default false. */
  holdBreak?: boolean;
  /** What real people do on top of the plan (see PersonOptions.habits). Default: none, the plain person. */
  habits?: PersonOptions['habits'];
  /** Default: placement 0. */
  mounting?: MountingChoice;
  seconds: number;
  config?: SensorConfig;
  /** Long-run fraction of notifications lost (default 0). */
  loss?: number;
  /** Mean burst of lost notifications (default 3). */
  burstLength?: number;
  /** ATT MTU (default 247): how many samples share a notification. */
  mtu?: number;
  /** BLE connection interval, ms (default 20). */
  connectionIntervalMs?: number;
  /**
   * The wire format (default 'swivel'). 'witmotion': each sample one 0x55 0x61 packet at ±16 g and
   * ±2000 °/s (the ranges in `config` are not used); the packets carry no time, so the file's `t` is
   * when each arrived (the true time of its connection event) and the truth's rep times are true
   * time too: a reader times the samples as the hub does (trackArrivalClock).
   */
  wire?: 'swivel' | 'witmotion';
}

export const TRUTH_FORMAT = 'swivel-sim-truth/1';

export interface RecordingTruth {
  format: typeof TRUTH_FORMAT;
  exercise: ExerciseId;
  side: Side;
  seed: number;
  personSeed: number;
  seconds: number;
  config: SensorConfig;
  /** The exercise axis in the earth frame (z up), and the shin's start posture. */
  axis: [number, number, number];
  startShin: Quat;
  mounting: { placement: number; twistDeg: number; tiltDeg: number; alongShinM: number; sensorToShin: Quat };
  clock: { ppm: number; jitterUs: number };
  imu: { gyroBiasStartDps: number[]; gyroBiasEndDps: number[]; gyroScale: number[]; accBiasG: number[] };
  packets: { sent: number; lost: number; lossRate: number; meanBurst: number; samplesPerPacket: number };
  /** One entry per CSV row, in the same order. */
  samples: {
    /** Same as the CSV's t: seconds on the sensor's clock. */
    t: number[];
    /** Seconds of true time. */
    trueTime: number[];
    /** The truth angle, degrees. */
    angleDeg: number[];
    /** Sensor → earth orientation [w, x, y, z], earth z up (heading arbitrary). */
    quat: Quat[];
  };
  /** Reps, holds or efforts that ended within the recording; times on the sensor's clock. */
  reps: TruthRep[];
}

export interface Recording {
  csv: string;
  truth: RecordingTruth;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** Where a recording's rows go as they are made: the CSV row and that sample's truth. */
interface RecordingSink {
  sample(row: string, t: number, trueTime: number, angleDeg: number, quat: Quat): void;
}

/** Everything in the truth but the per-sample columns (known only once the recording is done). */
type TruthWithoutSamples = Omit<RecordingTruth, 'samples'>;

/** The recording itself, row by row into `sink`; returns the rest of the truth. */
function recordInto(options: RecordOptions, sink: RecordingSink): TruthWithoutSamples {
  const config = options.config ?? DEFAULT_SENSOR_CONFIG;
  const { rateHz } = config;
  const intervalS = (options.connectionIntervalMs ?? 20) / 1000;
  const witmotion = options.wire === 'witmotion';
  const perPacket = witmotion ? 1 : samplesPerNotification(options.mtu ?? 247);
  const personSeed = options.personSeed ?? options.seed;
  const model = new SensorModel({
    seed: options.seed,
    exercise: options.exercise,
    personSeed,
    ...(options.side ? { side: options.side } : {}),
    ...(options.holdBreak ? { holdBreak: true } : {}),
    ...(options.habits ? { habits: options.habits } : {}),
    mounting: options.mounting ?? 0,
  });
  const person = model.person!;
  const channel = burstLoss(options.loss ?? 0, options.burstLength ?? 3);
  const lossRandom = seededRandom(deriveSeed(options.seed, 'recording-loss'));
  const biasStart = [...model.errors.gyroBias];

  let next = 0;
  let seq = 0;
  let sent = 0;
  let lost = 0;
  for (let event = 1; event * intervalS <= options.seconds + 1e-9; event++) {
    const due = model.samplesBy(event * intervalS, rateHz);
    while (next < due) {
      const count = Math.min(perPacket, due - next);
      const readings: ImuReading[] = [];
      const truth: { trueTime: number; angle: number; quat: Quat }[] = [];
      for (let i = 0; i < count; i++) {
        const s = model.sample(next + i, rateHz);
        readings.push(s.reading);
        truth.push({ trueTime: s.trueTime, angle: person.angleAt(s.trueTime), quat: s.ideal.orientation });
      }
      const timestampUs = model.timestampUs(next, rateHz);
      const bytes = witmotion
        ? encodeWitmotionReading({ ...readings[0]!, rollDeg: 0, pitchDeg: 0, yawDeg: 0 })
        : encodeImuPacket({ seq, timestampUs, config, readings });
      next += count;
      seq = (seq + 1) & 0xffff;
      sent++;
      if (nextLost(channel, lossRandom)) {
        lost++;
        continue;
      }
      const decoded = witmotion ? decodeWitmotionSamples(bytes) : decodeImuPacket(bytes);
      if (!decoded.ok) throw new Error(`simulator produced a packet its own decoder refuses: ${decoded.error.message}`);
      const received = 'imu' in decoded ? readingsOf(decoded.imu) : decoded.packet.readings;
      // The wire timestamp wraps every 2³² µs; the file keeps counting. A WitMotion packet has none: its arrival.
      const t0 = witmotion ? event * intervalS : timestampUs / 1e6;
      received.forEach((r, i) => {
        const t = round(t0 + i / rateHz, 6);
        const q = truth[i]!.quat;
        sink.sample(
          [t, r.ax, r.ay, r.az, r.gx, r.gy, r.gz].join(','),
          t,
          round(truth[i]!.trueTime, 6),
          round(truth[i]!.angle, 4),
          [round(q[0], 7), round(q[1], 7), round(q[2], 7), round(q[3], 7)],
        );
      });
    }
  }
  const endTrue = options.seconds;
  const onSensorClock = (t: number) => round(witmotion ? t : sensorClockReading(model.clock, t), 6);
  const reps = person.reps(endTrue).map((rep) => ({
    ...rep,
    start: onSensorClock(rep.start),
    end: onSensorClock(rep.end),
    peakTime: onSensorClock(rep.peakTime),
    endHoldStart: onSensorClock(rep.endHoldStart),
    endHoldEnd: onSensorClock(rep.endHoldEnd),
    endHoldSeconds: round(rep.endHoldSeconds, 4),
    inPosition: rep.inPosition.map((span) => ({ start: onSensorClock(span.start), end: onSensorClock(span.end) })),
    peakDeg: round(rep.peakDeg, 4),
    targetDeg: round(rep.targetDeg, 4),
  }));
  const m = model.mounting;
  return {
    format: TRUTH_FORMAT,
    exercise: options.exercise,
    side: person.side,
    seed: options.seed,
    personSeed,
    seconds: options.seconds,
    config,
    axis: person.axis,
    startShin: person.startShin,
    mounting: { placement: m.placement, twistDeg: round(m.twistDeg, 4), tiltDeg: round(m.tiltDeg, 4), alongShinM: round(m.alongShinM, 4), sensorToShin: m.sensorToShin },
    clock: { ppm: round(model.clock.ppm, 4), jitterUs: model.clock.jitterUs },
    imu: {
      gyroBiasStartDps: biasStart.map((b) => round(b, 6)),
      gyroBiasEndDps: model.errors.gyroBias.map((b) => round(b, 6)),
      gyroScale: model.errors.gyroScale.map((s) => round(s, 6)),
      accBiasG: model.errors.accBias.map((b) => round(b, 6)),
    },
    packets: { sent, lost, lossRate: channel.lossRate, meanBurst: channel.meanBurst, samplesPerPacket: perPacket },
    reps,
  };
}

/** A recording in memory: for tests and benches of minutes (an hour at 200 Hz holds some 700 MB; see recordToFiles). */
export function record(options: RecordOptions): Recording {
  const lines = ['t,ax,ay,az,gx,gy,gz'];
  const samples: RecordingTruth['samples'] = { t: [], trueTime: [], angleDeg: [], quat: [] };
  const rest = recordInto(options, {
    sample(row, t, trueTime, angleDeg, quat) {
      lines.push(row);
      samples.t.push(t);
      samples.trueTime.push(trueTime);
      samples.angleDeg.push(angleDeg);
      samples.quat.push(quat);
    },
  });
  const { reps, ...head } = rest;
  return { csv: `${lines.join('\n')}\n`, truth: { ...head, samples, reps } };
}

/** Default file name (without extension) for a recording. */
export const recordingName = (options: Pick<RecordOptions, 'exercise' | 'seed'>) => `${options.exercise}-seed${options.seed}`;

/** Writes `<dir>/<name>.csv` and `<dir>/<name>.truth.json`; returns their paths. */
export async function writeRecording(dir: string, name: string, recording: Recording): Promise<{ csv: string; truth: string }> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, `${name}.csv`);
  const truth = join(dir, `${name}.truth.json`);
  await writeFile(csv, recording.csv);
  await writeFile(truth, `${JSON.stringify(recording.truth)}\n`);
  return { csv, truth };
}

export interface StreamedRecordingOptions {
  /** Text held per file before it is written out (default 1 MB). */
  flushBytes?: number;
  /** Hears every write of the CSV: how many bytes of it are on disk. */
  onCsvWritten?: (bytes: number) => void;
}

/** A file written in pieces of about `flushBytes`, synchronously (the recording itself is synchronous). */
class PieceWriter {
  private readonly fd: number;
  private pending = '';
  private closed = false;
  written = 0;

  constructor(
    readonly path: string,
    private readonly flushBytes: number,
    private readonly onWritten?: (bytes: number) => void,
  ) {
    this.fd = openSync(path, 'w');
  }

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= this.flushBytes) this.flush();
  }

  flush(): void {
    if (this.pending === '') return;
    this.written += writeSync(this.fd, this.pending);
    this.pending = '';
    this.onWritten?.(this.written);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/**
 * Writes `<dir>/<name>.csv` and `<dir>/<name>.truth.json` as the recording is made, so that a long
 * recording (24 hours at 200 Hz is 17 million rows) runs in bounded memory: the CSV row by row, and the
 * truth's per-sample columns each into a scratch file, joined into the truth file (the same bytes as
 * writeRecording writes for `record`) at the end.
 */
export async function recordToFiles(dir: string, name: string, options: RecordOptions, stream: StreamedRecordingOptions = {}): Promise<{ csv: string; truth: string; samples: number; packets: RecordingTruth['packets']; reps: number }> {
  await mkdir(dir, { recursive: true });
  const flushBytes = stream.flushBytes ?? 1 << 20;
  const csvPath = join(dir, `${name}.csv`);
  const truthPath = join(dir, `${name}.truth.json`);
  const columns = ['t', 'trueTime', 'angleDeg', 'quat'] as const;
  const writers: PieceWriter[] = [];
  let samples = 0;
  try {
    const csv = new PieceWriter(csvPath, flushBytes, stream.onCsvWritten);
    writers.push(csv);
    const [t, trueTime, angleDeg, quat] = columns.map((column) => {
      const writer = new PieceWriter(join(dir, `${name}.truth.json.${column}.part`), flushBytes);
      writers.push(writer);
      return writer;
    }) as [PieceWriter, PieceWriter, PieceWriter, PieceWriter];
    csv.add('t,ax,ay,az,gx,gy,gz\n');
    const rest = recordInto(options, {
      sample(row, sampleT, sampleTrueTime, sampleAngle, sampleQuat) {
        const comma = samples++ === 0 ? '' : ',';
        csv.add(`${row}\n`);
        t.add(comma + JSON.stringify(sampleT));
        trueTime.add(comma + JSON.stringify(sampleTrueTime));
        angleDeg.add(comma + JSON.stringify(sampleAngle));
        quat.add(comma + JSON.stringify(sampleQuat));
      },
    });
    for (const writer of writers) writer.close();
    // The truth as JSON.stringify would write it, with the samples spliced in from the scratch files.
    const { reps, ...head } = rest;
    const truth = new PieceWriter(truthPath, flushBytes);
    try {
      truth.add(`${JSON.stringify(head).slice(0, -1)},"samples":{`);
      const piece = Buffer.allocUnsafe(1 << 20);
      columns.forEach((column, c) => {
        truth.add(`${c === 0 ? '' : ','}${JSON.stringify(column)}:[`);
        truth.flush();
        const from = openSync(writers[c + 1]!.path, 'r');
        try {
          for (let read; (read = readSync(from, piece, 0, piece.length, null)) > 0; ) truth.add(piece.toString('latin1', 0, read));
        } finally {
          closeSync(from);
        }
        truth.add(']');
      });
      truth.add(`},"reps":${JSON.stringify(reps)}}\n`);
    } finally {
      truth.close();
    }
    return { csv: csvPath, truth: truthPath, samples, packets: rest.packets, reps: reps.length };
  } finally {
    for (const writer of writers) writer.close();
    for (const writer of writers.slice(1)) rmSync(writer.path, { force: true });
  }
}
