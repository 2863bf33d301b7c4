import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { SAMPLE_RATES_HZ, DEFAULT_SENSOR_CONFIG, type SampleRateHz } from '../hub/protocol/gatt.ts';
import { defaultRadioDir, isSimDeviceKind, SIM_DEVICE_KINDS } from '../hub/protocol/radio.ts';
import { WITMOTION_DEFAULT_RATE_HZ, WITMOTION_RATES } from '../hub/protocol/witmotion.ts';
import { SwivelDevice, type DeviceOptions, type SimulatedDevice } from './device.ts';
import { WitmotionDevice } from './witmotion-device.ts';
import { PolarDevice } from './polar-device.ts';
import { VERITY_RATES_HZ, VERITY_SDK_MODE_RATES_HZ } from '../hub/protocol/polar-pmd.ts';
import { DOT_DEFAULT_RATE_HZ, DOT_STREAMING_RATES_HZ } from '../hub/protocol/dot.ts';
import { DotDevice } from './dot-device.ts';
import { EXERCISE_IDS, isExerciseId } from './person/exercises.ts';
import { RadioServer } from './radio-server.ts';
import { runRecord } from './record-cli.ts';
import { numberOption } from './options.ts';

const HELP = `swivel-sim: a virtual shin sensor on the simulated radio

Usage: npm run sim -- [options]

  --device KIND    which sensor it is: swivel (default; our own GATT profile, docs/gatt.md),
                   witmotion (a WitMotion BLE 5.0 module, WT901BLECL/WT9011DCL; docs/sensors.md),
                   dot (a Movella DOT, formerly Xsens DOT, named "Movella DOT"; docs/sensors.md) or
                   polar (a Polar Verity Sense streaming ACC and GYRO over PMD; docs/sensors.md)
  --address A      BLE address (default 5e:1f:00:00:00:01; the name is Swivel-, WT901BLE or
                   "Polar Sense " + its last 4 digits, or "Movella DOT" for every dot)
  --seed N         seed for the sensor (noise, bias, clock) and, unless --person, the person (default 1)
  --exercise ID    what the simulated person does (default seated-hip-ir); ids: see below
  --person N       seed for the person: body, range, tempo, rep-to-rep variation (default: --seed)
  --side S         left or right leg (default left)
  --shin S         the leg the sensor is strapped to, when the person wears one on each shin: told
                   to exercise the other leg, this one rests (default: it follows every side)
  --mounting K     how the sensor sits on the shin: 0..23 (an axis-aligned placement; default 0:
                   x down the shin, z out of its front) or "random" (placement, strap twist, tilt
                   and height on the shin, all from --seed)
  --rate HZ        sample rate at power-on: ${SAMPLE_RATES_HZ.join(', ')} (default ${DEFAULT_SENSOR_CONFIG.rateHz});
                   witmotion: ${WITMOTION_RATES.map(([, hz]) => hz).join(', ')} (default ${WITMOTION_DEFAULT_RATE_HZ});
                   dot: ${DOT_STREAMING_RATES_HZ.join(', ')} (default ${DOT_DEFAULT_RATE_HZ});
                   polar: ${VERITY_RATES_HZ.join(', ')}, with --sdk-mode ${VERITY_SDK_MODE_RATES_HZ.join(', ')}; the hub sets its own
  --sdk-mode       polar: offer Polar's SDK mode rates and ranges (26-416 Hz, ±2-16 g) instead of 52 Hz, ±8 g
  --mtu N          largest ATT MTU the sensor accepts, 23..517 (default 247; witmotion: always 23)
  --loss P         long-run fraction of notifications lost, 0..1, in bursts (default 0)
  --burst N        mean length of a burst of lost notifications (default 3)
  --latency MS     extra delay on every notification (default 0)
  --speed X        run the person and the sensor's clock X times faster than real time, 0.1–20
                   (default 1): a whole set in a fraction of the time, for tests and demos
  --link-loss-every S   cut the link every S seconds, like walking out of range (default never)
  --link-loss-for MS    how long each of those losses lasts (default 3000)
  --radio DIR      radio directory shared with the hub (default ${defaultRadioDir()})
  --parent PID     stop when process PID, which started it, ends (a hub starts it so)
  -h, --help       this text

While it runs, type commands on standard input (one per line):
  drop N           lose the next N notifications        corrupt N   send N malformed notifications
  lose-link MS     cut the link, stay out of range MS   loss P      set the fraction of notifications lost
  latency MS       set notification delay               stats       print counters as JSON
  truth            print the person's reps, holds and efforts so far as JSON (each end in ms since the epoch)

A recording instead of a live sensor: npm run --silent sim -- record --help

Exercise ids: ${EXERCISE_IDS.join(', ')}
`;

function fail(message: string): never {
  process.stderr.write(`swivel-sim: ${message}\nTry --help.\n`);
  process.exit(2);
}

function option(value: string | undefined, name: string, lo: number, hi: number, fallback: number): number {
  try {
    return numberOption(value, name, lo, hi, fallback);
  } catch (error) {
    fail((error as Error).message);
  }
}

if (process.argv[2] === 'record') {
  process.exit(await runRecord(process.argv.slice(3)));
}

let args;
try {
  args = parseArgs({
    options: {
      device: { type: 'string', default: 'swivel' },
      address: { type: 'string', default: '5e:1f:00:00:00:01' },
      seed: { type: 'string' },
      exercise: { type: 'string' },
      person: { type: 'string' },
      side: { type: 'string' },
      shin: { type: 'string' },
      mounting: { type: 'string' },
      rate: { type: 'string' },
      mtu: { type: 'string' },
      loss: { type: 'string' },
      burst: { type: 'string' },
      latency: { type: 'string' },
      speed: { type: 'string' },
      'link-loss-every': { type: 'string' },
      'link-loss-for': { type: 'string' },
      radio: { type: 'string' },
      parent: { type: 'string' },
      'sdk-mode': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(args.address!)) fail(`--address must look like 5e:1f:00:00:00:01, got "${args.address}"`);
if (args.parent !== undefined && !/^[1-9]\d*$/.test(args.parent)) fail(`--parent must be a process id, got "${args.parent}"`);
const kind = args.device!;
if (!isSimDeviceKind(kind)) fail(`--device must be one of ${SIM_DEVICE_KINDS.join(', ')}, got "${kind}"`);
if (args['sdk-mode'] && kind !== 'polar') fail(`--sdk-mode is for a polar sensor, not a ${kind} one`);
const polarRates: readonly number[] = args['sdk-mode'] ? VERITY_SDK_MODE_RATES_HZ : VERITY_RATES_HZ;
const rates: readonly number[] =
  kind === 'witmotion' ? WITMOTION_RATES.map(([, hz]) => hz) : kind === 'dot' ? DOT_STREAMING_RATES_HZ : kind === 'polar' ? polarRates : SAMPLE_RATES_HZ;
const defaultRate =
  kind === 'witmotion' ? WITMOTION_DEFAULT_RATE_HZ : kind === 'dot' ? DOT_DEFAULT_RATE_HZ : kind === 'polar' ? VERITY_RATES_HZ[0] : DEFAULT_SENSOR_CONFIG.rateHz;
const rate = option(args.rate, 'rate', 0.2, 800, defaultRate);
if (!rates.includes(rate)) fail(`--rate must be one of ${rates.join(', ')} for a ${kind} sensor, got ${rate}`);

const exercise = args.exercise ?? 'seated-hip-ir';
if (!isExerciseId(exercise)) fail(`--exercise must be one of ${EXERCISE_IDS.join(', ')}, got "${exercise}"`);
const side = args.side ?? 'left';
if (side !== 'left' && side !== 'right') fail(`--side must be left or right, got "${side}"`);
const shin = args.shin;
if (shin !== undefined && shin !== 'left' && shin !== 'right') fail(`--shin must be left or right, got "${shin}"`);
const mountingArg = args.mounting ?? '0';
const mounting = mountingArg === 'random' ? 'random' : option(mountingArg, 'mounting', 0, 23, 0);
if (mounting !== 'random' && !Number.isInteger(mounting)) fail(`--mounting must be an integer 0..23 or "random", got "${mountingArg}"`);
const seed = option(args.seed, 'seed', 0, 2 ** 32 - 1, 1);
const person = option(args.person, 'person', 0, 2 ** 32 - 1, seed);

const common: Omit<DeviceOptions, 'config' | 'mtu'> = {
  address: args.address!,
  seed,
  exercise,
  person,
  side,
  ...(shin ? { shin } : {}),
  mounting,
  speed: option(args.speed, 'speed', 0.1, 20, 1),
  faults: {
    packetLoss: option(args.loss, 'loss', 0, 1, 0),
    burstLength: option(args.burst, 'burst', 1, 1000, 3),
    latencyMs: option(args.latency, 'latency', 0, 10_000, 0),
  },
};
const mtu = option(args.mtu, 'mtu', 23, 517, 247);
const device: SimulatedDevice =
  kind === 'witmotion'
    ? new WitmotionDevice({ ...common, rateHz: rate })
    : kind === 'dot'
      ? new DotDevice({ ...common, mtu, rateHz: rate })
      : kind === 'polar'
        ? new PolarDevice({ ...common, mtu, sdkMode: args['sdk-mode'] ?? false })
        : new SwivelDevice({ ...common, mtu, config: { ...DEFAULT_SENSOR_CONFIG, rateHz: rate as SampleRateHz } });
const linkLossEvery = option(args['link-loss-every'], 'link-loss-every', 1, 86_400, 0);
const linkLossFor = option(args['link-loss-for'], 'link-loss-for', 0, 600_000, 3000);
if (linkLossEvery > 0) setInterval(() => device.loseLink(linkLossFor), linkLossEvery * 1000);
const radioDir = args.radio ?? defaultRadioDir();
const server = new RadioServer(device, radioDir, (line) => process.stderr.write(`swivel-sim: ${line}\n`));
const port = await server.start();
const say = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
say({ event: 'ready', device: kind, name: device.name, address: device.address, port, radioDir, rateHz: rate, exercise, mounting: device.sensor.mounting.placement });

/** Each standard-input command that takes a value: its range, and whether it must be whole. */
const COMMAND_VALUES: Record<string, { lo: number; hi: number; whole: boolean; what: string }> = {
  drop: { lo: 0, hi: 100_000, whole: true, what: 'a whole number of notifications' },
  corrupt: { lo: 0, hi: 100_000, whole: true, what: 'a whole number of notifications' },
  'lose-link': { lo: 0, hi: 600_000, whole: false, what: 'milliseconds' },
  loss: { lo: 0, hi: 1, whole: false, what: 'a fraction' },
  latency: { lo: 0, hi: 10_000, whole: false, what: 'milliseconds' },
};

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, value, ...extra] = line.trim().split(/\s+/);
  const n = Number(value);
  const range = command === undefined ? undefined : COMMAND_VALUES[command];
  if (range && (value === undefined || extra.length > 0 || !Number.isFinite(n) || n < range.lo || n > range.hi || (range.whole && !Number.isInteger(n)))) {
    // Checked as the command-line options are: a typo must not be answered "ok" and do nothing.
    const message = `${command} needs ${range.what} from ${range.lo} to ${range.hi}, got "${[value, ...extra].filter((v) => v !== undefined).join(' ')}"`;
    process.stderr.write(`swivel-sim: ${message}\n`);
    say({ event: 'error', command: line.trim(), message });
    return;
  }
  switch (command) {
    case '':
    case undefined:
      return;
    case 'drop':
      device.dropNext(n);
      break;
    case 'corrupt':
      device.corruptNext(n);
      break;
    case 'lose-link':
      device.loseLink(n);
      break;
    case 'loss':
      device.faults.packetLoss = n;
      break;
    case 'latency':
      device.faults.latencyMs = n;
      break;
    case 'stats':
      say({ event: 'stats', connected: device.connected, ...device.stats });
      return;
    case 'truth':
      say({ event: 'truth', reps: device.truth() });
      return;
    default: {
      const message = `unknown command "${line.trim()}" (drop, corrupt, lose-link, loss, latency, stats, truth)`;
      process.stderr.write(`swivel-sim: ${message}\n`);
      say({ event: 'error', command: line.trim(), message });
      return;
    }
  }
  say({ event: 'ok', command: line.trim() });
});
// Standard input closing (e.g. started by a script) is not a reason to stop.
commands.on('close', () => {});

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  device.close();
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

// Started by a hub (--parent PID): it goes when the hub goes, even one killed with SIGKILL, so no
// orphan is left on the air for the next hub to find playing something else. The hub gives its pid
// rather than the simulator reading its parent's at start: the hub may already be gone by then.
if (args.parent !== undefined) {
  const parent = Number(args.parent);
  const check = () => {
    if (process.ppid !== parent) {
      process.stderr.write('swivel-sim: the hub that started this simulator is gone; stopping\n');
      void shutdown();
    }
  };
  check();
  setInterval(check, 500).unref();
}
