import { parseArgs } from 'node:util';
import { ACC_RANGES_G, DEFAULT_SENSOR_CONFIG, GYRO_RANGES_DPS, SAMPLE_RATES_HZ, type AccRangeG, type GyroRangeDps, type SampleRateHz } from '../hub/protocol/gatt.ts';
import { EXERCISE_IDS, isExerciseId } from './person/exercises.ts';
import { recordToFiles, recordingName } from './record.ts';
import { UsageError, numberOption } from './options.ts';

const HELP = `swivel-sim record: a simulated recording, made as fast as possible (no real time)

Usage: npm run --silent sim -- record --exercise ID --seconds S --out DIR [options]

  --exercise ID    what the simulated person does (default seated-hip-ir)
  --seed N         seed for the sensor and, unless --person, the person (default 1)
  --person N       seed for the person (default: --seed)
  --side S         left or right leg (default left)
  --hold-break     in every hold, slip out of position once for a few seconds and come back
  --mounting K     0..23 (axis-aligned placement; default 0) or "random" (from --seed)
  --rate HZ        sample rate: ${SAMPLE_RATES_HZ.join(', ')} (default ${DEFAULT_SENSOR_CONFIG.rateHz})
  --acc-range G    accelerometer range: ${ACC_RANGES_G.join(', ')} (default ${DEFAULT_SENSOR_CONFIG.accRangeG})
  --gyro-range D   gyroscope range, deg/s: ${GYRO_RANGES_DPS.join(', ')} (default ${DEFAULT_SENSOR_CONFIG.gyroRangeDps})
  --seconds S      length of the recording (default 60)
  --loss P         long-run fraction of notifications lost, in bursts, 0..1 (default 0)
  --burst N        mean length of a burst of lost notifications (default 3)
  --mtu N          ATT MTU, 23..517: samples per notification (default 247)
  --out DIR        where to write (required)
  --name NAME      file name without extension (default <exercise>-seed<N>)
  -h, --help       this text

Writes DIR/NAME.csv (t,ax,ay,az,gx,gy,gz: t in s on the sensor clock, acc in g, gyro in deg/s, as
decoded from the int16 packets, lost packets missing) and DIR/NAME.truth.json (see docs/simulator.md).
Exercise ids: ${EXERCISE_IDS.join(', ')}
`;

function oneOf<T extends number>(table: readonly T[], value: string | undefined, name: string, fallback: T): T {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!table.includes(n as T)) throw new UsageError(`--${name} must be one of ${table.join(', ')}, got "${value}"`);
  return n as T;
}

/** Runs `record` with these arguments; returns the exit code. */
export async function runRecord(argv: string[]): Promise<number> {
  try {
    const { values: args } = parseArgs({
      args: argv,
      options: {
        exercise: { type: 'string' },
        seed: { type: 'string' },
        person: { type: 'string' },
        side: { type: 'string' },
        'hold-break': { type: 'boolean' },
        mounting: { type: 'string' },
        rate: { type: 'string' },
        'acc-range': { type: 'string' },
        'gyro-range': { type: 'string' },
        seconds: { type: 'string' },
        loss: { type: 'string' },
        burst: { type: 'string' },
        mtu: { type: 'string' },
        out: { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (args.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const exercise = args.exercise ?? 'seated-hip-ir';
    if (!isExerciseId(exercise)) throw new UsageError(`--exercise must be one of ${EXERCISE_IDS.join(', ')}, got "${exercise}"`);
    const side = args.side ?? 'left';
    if (side !== 'left' && side !== 'right') throw new UsageError(`--side must be left or right, got "${side}"`);
    if (!args.out) throw new UsageError('--out DIR is required');
    const seed = numberOption(args.seed, 'seed', 0, 2 ** 32 - 1, 1);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, got "${args.seed}"`);
    const mounting = args.mounting === 'random' ? 'random' : numberOption(args.mounting, 'mounting', 0, 23, 0);
    if (mounting !== 'random' && !Number.isInteger(mounting)) throw new UsageError(`--mounting must be 0..23 or "random", got "${args.mounting}"`);
    const name = args.name ?? recordingName({ exercise, seed });
    if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--name may hold letters, digits, "_", "-" and "." only, got "${name}"`);
    const recorded = await recordToFiles(args.out, name, {
      exercise,
      seed,
      personSeed: numberOption(args.person, 'person', 0, 2 ** 32 - 1, seed),
      side,
      holdBreak: args['hold-break'] ?? false,
      mounting,
      seconds: numberOption(args.seconds, 'seconds', 0.1, 24 * 3600, 60),
      config: {
        rateHz: oneOf<SampleRateHz>(SAMPLE_RATES_HZ, args.rate, 'rate', DEFAULT_SENSOR_CONFIG.rateHz),
        accRangeG: oneOf<AccRangeG>(ACC_RANGES_G, args['acc-range'], 'acc-range', DEFAULT_SENSOR_CONFIG.accRangeG),
        gyroRangeDps: oneOf<GyroRangeDps>(GYRO_RANGES_DPS, args['gyro-range'], 'gyro-range', DEFAULT_SENSOR_CONFIG.gyroRangeDps),
      },
      loss: numberOption(args.loss, 'loss', 0, 1, 0),
      burstLength: numberOption(args.burst, 'burst', 1, 1000, 3),
      mtu: numberOption(args.mtu, 'mtu', 23, 517, 247),
    });
    const { csv, truth, samples, packets, reps } = recorded;
    process.stdout.write(`${JSON.stringify({ event: 'recorded', csv, truth, samples, packetsSent: packets.sent, packetsLost: packets.lost, reps })}\n`);
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`swivel-sim record: ${(error as Error).message}\n${usage ? 'Try --help.\n' : ''}`);
    return usage ? 2 : 1;
  }
}
