import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { SAMPLE_RATES_HZ, DEFAULT_SENSOR_CONFIG, type SampleRateHz } from '../hub/protocol/gatt.ts';
import { defaultRadioDir } from '../hub/protocol/radio.ts';
import { SwivelDevice } from './device.ts';
import { RadioServer } from './radio-server.ts';

const HELP = `swivel-sim: a virtual Swivel shin sensor on the simulated radio

Usage: npm run sim -- [options]

  --address A      BLE address (default 5e:1f:00:00:00:01; the name is Swivel- + its last 4 digits)
  --seed N         seed for the person's movement and the sensor noise (default 1)
  --rate HZ        sample rate: ${SAMPLE_RATES_HZ.join(', ')} (default ${DEFAULT_SENSOR_CONFIG.rateHz})
  --mtu N          largest ATT MTU the sensor accepts, 23..517 (default 247)
  --loss P         probability that a notification is lost, 0..1 (default 0)
  --latency MS     extra delay on every notification (default 0)
  --link-loss-every S   cut the link every S seconds, like walking out of range (default never)
  --link-loss-for MS    how long each of those losses lasts (default 3000)
  --radio DIR      radio directory shared with the hub (default ${defaultRadioDir()})
  -h, --help       this text

While it runs, type commands on standard input (one per line):
  drop N           lose the next N notifications        corrupt N   send N malformed notifications
  lose-link MS     cut the link, stay out of range MS   loss P      set packet-loss probability
  latency MS       set notification delay               stats       print counters as JSON
`;

function fail(message: string): never {
  process.stderr.write(`swivel-sim: ${message}\nTry --help.\n`);
  process.exit(2);
}

function numberOption(value: string | undefined, name: string, lo: number, hi: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < lo || n > hi) fail(`--${name} must be a number from ${lo} to ${hi}, got "${value}"`);
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      address: { type: 'string', default: '5e:1f:00:00:00:01' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      mtu: { type: 'string' },
      loss: { type: 'string' },
      latency: { type: 'string' },
      'link-loss-every': { type: 'string' },
      'link-loss-for': { type: 'string' },
      radio: { type: 'string' },
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
const rate = numberOption(args.rate, 'rate', 1, 800, DEFAULT_SENSOR_CONFIG.rateHz);
if (!SAMPLE_RATES_HZ.includes(rate as SampleRateHz)) fail(`--rate must be one of ${SAMPLE_RATES_HZ.join(', ')}, got ${rate}`);

const device = new SwivelDevice({
  address: args.address!,
  seed: numberOption(args.seed, 'seed', 0, 2 ** 32 - 1, 1),
  mtu: numberOption(args.mtu, 'mtu', 23, 517, 247),
  config: { ...DEFAULT_SENSOR_CONFIG, rateHz: rate as SampleRateHz },
  faults: { packetLoss: numberOption(args.loss, 'loss', 0, 1, 0), latencyMs: numberOption(args.latency, 'latency', 0, 10_000, 0) },
});
const linkLossEvery = numberOption(args['link-loss-every'], 'link-loss-every', 1, 86_400, 0);
const linkLossFor = numberOption(args['link-loss-for'], 'link-loss-for', 0, 600_000, 3000);
if (linkLossEvery > 0) setInterval(() => device.loseLink(linkLossFor), linkLossEvery * 1000);
const radioDir = args.radio ?? defaultRadioDir();
const server = new RadioServer(device, radioDir, (line) => process.stderr.write(`swivel-sim: ${line}\n`));
const port = await server.start();
const say = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
say({ event: 'ready', name: device.name, address: device.address, port, radioDir, rateHz: rate });

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, value] = line.trim().split(/\s+/);
  const n = Number(value);
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
    default:
      process.stderr.write(`swivel-sim: unknown command "${line.trim()}" (drop, corrupt, lose-link, loss, latency, stats)\n`);
      return;
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
