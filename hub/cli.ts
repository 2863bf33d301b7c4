import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { SensorMode } from './ble/choose-bindings.ts';
import { DEFAULT_WEB_ROOT, PROJECT_ROOT, VERSION } from './project.ts';
import { defaultRadioDir, isSimDeviceKind, SIM_DEVICE_KINDS } from './protocol/radio.ts';
import { SAMPLE_RATES_HZ, type SampleRateHz } from './protocol/gatt.ts';
import { EXERCISE_IDS, isExerciseId } from './protocol/exercises.ts';
import type { Programme } from './protocol/programme.ts';
import { chooseDataDir, userDataDir } from './storage/database.ts';
import { EXIT_CODES, NotFoundError } from './exit-codes.ts';
import { formatLocalTime, parseLocalTime } from './local-time.ts';
import { resolve } from 'node:path';

// Each command loads what it needs when it runs (the hub, the programme's schema, storage): a help
// text or a mistyped option is answered at once, before anything heavy loads.

/** The programme FILE, or the shipped one, checked before anything starts. */
async function loadProgrammeOption(file: string | undefined): Promise<Programme> {
  const { DEFAULT_PROGRAMME_PATH, loadProgramme } = await import('./programme/load-programme.ts');
  return loadProgramme(file ?? DEFAULT_PROGRAMME_PATH);
}

const MAIN_HELP = `swivel ${VERSION}: wearable timer and rep counter for hip mobility work

Usage: swivel <command> [options]      (from a clone: npm run --silent swivel -- <command> …)

Commands:
  serve      run the hub: sensor link, live pipeline and the dashboard
  analyze    run a recorded IMU file (CSV) through the same pipeline and summarise it
  programme  check a programme file (docs/programme.md): "swivel programme check FILE"
  record     record one exercise without the dashboard, printing the counts
  sessions   recorded sessions: list, show, export, import, replay, rename, delete
  pairings   devices paired with the hub: list, revoke (docs/security.md)
  backup     a consistent copy of every session, safe while the hub runs: "swivel backup FILE"

Run "swivel <command> --help" for a command's options.
`;

const SERVE_HELP = `Usage: swivel serve [options]

Runs the hub: connects to a Swivel sensor, turns its samples into the shin angle, and serves the
dashboard and its live WebSocket.

  --port N                 port to listen on (default 8080; 0 picks a free one)
  --host H                 address to listen on (default 0.0.0.0: reachable from a tablet on the LAN,
                           which must be paired; 127.0.0.1: this machine only, nothing to pair)
  --https                  serve HTTPS with a self-signed certificate made on first run and kept in
                           the data directory (a tablet needs it for the screen wake lock; see
                           docs/security.md for how to trust it)
  --sensor auto|sim|ble    auto (default): a Bluetooth adapter if one works, else the simulator;
                           sim: always the simulator; ble: the adapter or fail with the reason
  --radio DIR              radio directory of simulated sensors (default ${defaultRadioDir()})
  --no-spawn-sim           do not start a simulator; wait for one started with "npm run sim"
  --sim-exercise ID        what the simulator the hub starts does (default seated-hip-ir); see
                           "swivel analyze --help" for the exercise ids
  --sim-person N           which simulated person does it (a seed; default 1)
  --sim-device KIND        which sensor the simulator the hub starts is: ${SIM_DEVICE_KINDS.join(', ')}
                           (default swivel); the hub finds either kind (docs/sensors.md)
  --sensors N              Bluetooth sensors to connect at once: 1 (default) or 2, one on each shin;
                           each set then scores the sensor on its side, chosen on the sensor panel
                           and remembered (with the simulator: one simulated sensor per shin)
  --rate HZ                sample rate to set on the sensor: ${SAMPLE_RATES_HZ.join(', ')} (default: the sensor's own)
  --programme FILE         the programme sessions follow (default: the shipped hip internal-rotation
                           programme); docs/programme.md describes the format
  --build-if-needed        build the dashboard first if it is missing or older than its sources
  --data DIR               where sessions are recorded (default $SWIVEL_DATA, else ${userDataDir()}); one that
                           cannot be written is reported, and the hub runs without recording
  -h, --help               this text
`;

class UsageError extends Error {}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function serve(args: string[]): Promise<void> {
  const values = parse(args, {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '0.0.0.0' },
    sensor: { type: 'string', default: 'auto' },
    radio: { type: 'string' },
    'no-spawn-sim': { type: 'boolean', default: false },
    'sim-exercise': { type: 'string' },
    'sim-person': { type: 'string' },
    'sim-device': { type: 'string' },
    sensors: { type: 'string', default: '1' },
    rate: { type: 'string' },
    programme: { type: 'string' },
    'build-if-needed': { type: 'boolean', default: false },
    data: { type: 'string' },
    https: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
  const sensor = values.sensor as SensorMode;
  if (!['auto', 'sim', 'ble'].includes(sensor)) throw new UsageError(`--sensor must be auto, sim or ble, got "${values.sensor}"`);
  const rate = values.rate === undefined ? undefined : (Number(values.rate) as SampleRateHz);
  if (rate !== undefined && !SAMPLE_RATES_HZ.includes(rate)) throw new UsageError(`--rate must be one of ${SAMPLE_RATES_HZ.join(', ')}, got "${values.rate}"`);
  const simulatorExercise = values['sim-exercise'];
  if (simulatorExercise !== undefined && !isExerciseId(simulatorExercise)) {
    throw new UsageError(`--sim-exercise must be one of ${EXERCISE_IDS.join(', ')}, got "${simulatorExercise}"`);
  }
  const simulatorPerson = values['sim-person'] === undefined ? undefined : Number(values['sim-person']);
  if (simulatorPerson !== undefined && !(Number.isInteger(simulatorPerson) && simulatorPerson >= 0)) {
    throw new UsageError(`--sim-person must be a whole number, got "${values['sim-person']}"`);
  }
  const simulatorDevice = values['sim-device'];
  if (simulatorDevice !== undefined && !isSimDeviceKind(simulatorDevice)) {
    throw new UsageError(`--sim-device must be one of ${SIM_DEVICE_KINDS.join(', ')}, got "${simulatorDevice}"`);
  }
  if (values.sensors !== '1' && values.sensors !== '2') throw new UsageError(`--sensors must be 1 or 2 (one on each shin), got "${values.sensors}"`);
  const bleSensors = values.sensors === '2' ? 2 : 1;
  // Checked before anything starts: a broken programme file is a usage problem, not a crash later.
  const programme = await loadProgrammeOption(values.programme);
  if (values['build-if-needed']) await buildDashboardIfNeeded();

  // Registered before noble loads: the HCI bindings exit the process on SIGINT if nobody else listens.
  let stop: (() => Promise<void>) | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nswivel: ${signal}: disconnecting the sensor and closing viewers…\n`);
    await stop?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const { startHub } = await import('./main.ts');
  const running = await startHub({
    port,
    host: values.host!,
    sensor,
    radioDir: values.radio,
    spawnSimulator: !values['no-spawn-sim'],
    simulatorExercise,
    simulatorPerson,
    ...(simulatorDevice ? { simulatorDevice } : {}),
    sensorRateHz: rate,
    bleSensors,
    programme,
    dataDir: dataDirOption(values.data),
    https: values.https,
  });
  stop = running.close;
  if (stopping) await stop();
  process.stdout.write(`\nSwivel dashboard: ${running.url}\n`);
  for (const url of running.urls.slice(1)) process.stdout.write(`  on a tablet on the same network: ${url}\n`);
  if (running.pairing) {
    const minutes = Math.round((running.pairing.expiresAt - Date.now()) / 60_000);
    process.stdout.write(`\nOther devices must be paired. Pairing code ${running.pairing.code} (for one coach device, valid ${minutes} minutes):\n`);
    for (const link of running.pairing.links) process.stdout.write(`  ${link}\n`);
    process.stdout.write(`The dashboard on this machine makes new codes, with a QR code (Pair a device). "swivel pairings list" shows the paired devices.\n`);
  }
  process.stdout.write(`Press Ctrl+C to stop.\n`);
}

/** Builds the dashboard when dist/web is missing or older than any file it is built from. */
async function buildDashboardIfNeeded(): Promise<void> {
  const newest = (path: string): number => {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
  };
  let builtAt = 0;
  try {
    builtAt = statSync(join(DEFAULT_WEB_ROOT, 'index.html')).mtimeMs;
  } catch {
    // not built
  }
  const sources = [join(PROJECT_ROOT, 'web'), join(PROJECT_ROOT, 'hub', 'protocol'), join(PROJECT_ROOT, 'vite.config.ts')];
  if (builtAt > 0 && Math.max(...sources.map(newest)) <= builtAt) return;
  process.stdout.write('swivel: building the dashboard (once)…\n');
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT_ROOT, 'vite.config.ts'), root: join(PROJECT_ROOT, 'web'), logLevel: 'warn' });
}

async function analyze(args: string[]): Promise<void> {
  // Loaded only when this command runs. parse() takes no positionals, so the FILE needs parseArgs here.
  const { ANALYZE_HELP, isAccUnit, isGyroUnit, isSide } = await import('./analyze/options.ts');
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        exercise: { type: 'string' },
        side: { type: 'string' },
        json: { type: 'boolean', default: false },
        angles: { type: 'string' },
        orientation: { type: 'string' },
        'acc-unit': { type: 'string', default: 'g' },
        'gyro-unit': { type: 'string', default: 'dps' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(ANALYZE_HELP);
    return;
  }
  if (positionals.length === 0) throw new UsageError('analyze needs the FILE.csv to read: swivel analyze FILE.csv --exercise ID');
  if (positionals.length > 1) throw new UsageError(`analyze reads one file, got ${positionals.length}: ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  const exercise = values.exercise ?? null;
  const orientationOnly = exercise === null && values.orientation !== undefined && !values.json && values.angles === undefined;
  if (exercise === null && !orientationOnly) throw new UsageError(`--exercise is required (unless only --orientation is asked for): one of ${EXERCISE_IDS.join(', ')}`);
  if (exercise !== null && !isExerciseId(exercise)) throw new UsageError(`--exercise must be one of ${EXERCISE_IDS.join(', ')}, got "${exercise}"`);
  const side = values.side ?? null;
  if (side !== null && !isSide(side)) throw new UsageError(`--side must be left or right, got "${side}"`);
  const acc = values['acc-unit']!;
  if (!isAccUnit(acc)) throw new UsageError(`--acc-unit must be g or mps2, got "${acc}"`);
  const gyro = values['gyro-unit']!;
  if (!isGyroUnit(gyro)) throw new UsageError(`--gyro-unit must be dps or rads, got "${gyro}"`);
  // A long file starts being read on a second thread now, while the pipeline's modules load.
  const early = await (await import('./analyze/read-in-worker.ts')).startReadInWorker(positionals[0]!, { acc, gyro });
  const { runAnalyze } = await import('./analyze/command.ts');
  await runAnalyze(
    {
      file: positionals[0]!,
      exercise,
      side,
      json: values.json!,
      anglesPath: values.angles ?? null,
      orientationPath: values.orientation ?? null,
      units: { acc, gyro },
    },
    process.stdout,
    early,
  );
}

const PROGRAMME_HELP = `Usage: swivel programme check FILE [--json]

Checks a programme file (the format is in docs/programme.md) and says what is wrong with it, one
line per problem, or how many exercises it has.
`;

async function programme(args: string[]): Promise<void> {
  const [action, ...files] = args;
  if (action === '--help' || action === '-h') {
    process.stdout.write(PROGRAMME_HELP);
    return;
  }
  if (files.includes('--help') || files.includes('-h')) {
    process.stdout.write(PROGRAMME_HELP);
    return;
  }
  const json = files.includes('--json');
  const paths = files.filter((f) => f !== '--json');
  if (action !== 'check' || paths.length !== 1) throw new UsageError('usage: swivel programme check FILE [--json]');
  const checked = await loadProgrammeOption(paths[0]!);
  if (json) return void process.stdout.write(`${JSON.stringify({ file: paths[0], ok: true, id: checked.id, title: checked.title, exercises: checked.exercises.length, stages: checked.stages.length })}\n`);
  process.stdout.write(`${paths[0]}: ok, "${checked.title}": ${checked.exercises.length} exercises in ${checked.stages.length} stages\n`);
}

/** --data DIR, else SWIVEL_DATA, else the user's data folder (or an earlier version's ./data, with a notice). */
function dataDirOption(value: string | undefined): string {
  if (value === '') throw new UsageError('--data needs a directory');
  const choice = chooseDataDir(value);
  if (choice.notice) process.stderr.write(`swivel: ${choice.notice}\n`);
  return choice.dir;
}

function sessionId(value: string | undefined, action: string): number {
  if (value === undefined) throw new UsageError(`sessions ${action} needs the session's ID (see "swivel sessions list")`);
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`a session ID is a whole number from 1, got "${value}"`);
  return id;
}

async function record(args: string[]): Promise<void> {
  const { RECORD_HELP, runRecord } = await import('./recording/command.ts');
  const values = parse(args, {
    exercise: { type: 'string' },
    side: { type: 'string' },
    sensor: { type: 'string', default: 'auto' },
    duration: { type: 'string' },
    data: { type: 'string' },
    radio: { type: 'string' },
    'no-spawn-sim': { type: 'boolean', default: false },
    'sim-person': { type: 'string' },
    programme: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(RECORD_HELP);
    return;
  }
  const exercise = values.exercise;
  if (exercise === undefined) throw new UsageError(`--exercise is required: one of ${EXERCISE_IDS.join(', ')}`);
  if (!isExerciseId(exercise)) throw new UsageError(`--exercise must be one of ${EXERCISE_IDS.join(', ')}, got "${exercise}"`);
  const side = values.side ?? null;
  if (side !== null && side !== 'left' && side !== 'right') throw new UsageError(`--side must be left or right, got "${side}"`);
  const sensor = values.sensor as SensorMode;
  if (!['auto', 'sim', 'ble'].includes(sensor)) throw new UsageError(`--sensor must be auto, sim or ble, got "${values.sensor}"`);
  const duration = values.duration === undefined ? null : Number(values.duration);
  if (duration !== null && !(Number.isFinite(duration) && duration > 0)) throw new UsageError(`--duration must be a number of seconds above 0, got "${values.duration}"`);
  const simulatorPerson = values['sim-person'] === undefined ? undefined : Number(values['sim-person']);
  if (simulatorPerson !== undefined && !(Number.isInteger(simulatorPerson) && simulatorPerson >= 0)) throw new UsageError(`--sim-person must be a whole number, got "${values['sim-person']}"`);
  const programme = await loadProgrammeOption(values.programme);
  if (!programme.exercises.some((e) => e.id === exercise)) throw new UsageError(`the programme "${programme.id}" has no exercise "${exercise}"`);
  await runRecord({
    exerciseId: exercise,
    side,
    sensor,
    durationSeconds: duration,
    dataDir: dataDirOption(values.data),
    radioDir: values.radio,
    spawnSimulator: !values['no-spawn-sim'],
    simulatorPerson,
    programme,
    json: values.json,
  }, (await import('./main.ts')).startHub);
}

async function sessions(args: string[]): Promise<void> {
  const command = await import('./recording/command.ts');
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    process.stdout.write(command.SESSIONS_HELP);
    if (action === undefined) throw new UsageError('sessions needs an action: list, show, export, import, replay, rename or delete');
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        json: { type: 'boolean', default: false },
        limit: { type: 'string' },
        out: { type: 'string' },
        exercise: { type: 'string' },
        side: { type: 'string' },
        name: { type: 'string' },
        'started-at': { type: 'string' },
        notes: { type: 'string' },
        speed: { type: 'string' },
        programme: { type: 'string' },
        summary: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(command.SESSIONS_HELP);
    return;
  }
  const allowed: Record<string, string[]> = {
    list: ['json', 'limit'],
    show: ['json'],
    export: ['out', 'summary', 'json'],
    import: ['exercise', 'side', 'name', 'started-at', 'json'],
    replay: ['speed', 'json'],
    rename: ['name', 'notes'],
    delete: [],
  };
  const options = allowed[action];
  if (!options) throw new UsageError(`unknown sessions action "${action}" (actions: ${Object.keys(allowed).join(', ')})`);
  for (const key of Object.keys(values)) {
    if (key === 'data' || key === 'programme' || key === 'help' || ((key === 'json' || key === 'summary') && values[key] === false)) continue;
    if (!options.includes(key)) throw new UsageError(`sessions ${action} does not take --${key}`);
  }
  const expected = action === 'list' || values.summary ? 0 : 1;
  if (positionals.length > expected) throw new UsageError(`sessions ${action} takes ${expected === 0 ? 'no arguments' : 'one argument'}, got: ${positionals.join(' ')}`);
  const dataDir = dataDirOption(values.data);
  const programme = await loadProgrammeOption(values.programme);
  const base = { dataDir, programme };
  switch (action) {
    case 'list': {
      const limit = values.limit === undefined ? 1000 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number from 1, got "${values.limit}"`);
      return command.listSessions({ ...base, json: values.json!, limit });
    }
    case 'show':
      return command.showSession({ ...base, id: sessionId(positionals[0], action), json: values.json! });
    case 'export': {
      if (values.summary) return command.exportSummary({ ...base, outFile: values.out ? resolve(values.out) : null });
      const id = sessionId(positionals[0], action);
      if (!values.out) throw new UsageError('sessions export needs --out DIR: where to write the CSV files and events.json');
      return command.exportSession({ ...base, id, outDir: resolve(values.out), json: values.json! });
    }
    case 'import': {
      const file = positionals[0];
      if (file === undefined) throw new UsageError('sessions import needs the FILE.csv to import: swivel sessions import FILE.csv --exercise ID');
      const exercise = values.exercise;
      if (exercise === undefined) throw new UsageError(`--exercise is required: one of ${EXERCISE_IDS.join(', ')}`);
      if (!isExerciseId(exercise)) throw new UsageError(`--exercise must be one of ${EXERCISE_IDS.join(', ')}, got "${exercise}"`);
      const side = values.side ?? null;
      if (side !== null && side !== 'left' && side !== 'right') throw new UsageError(`--side must be left or right, got "${side}"`);
      const startedAt = values['started-at'] === undefined ? undefined : parseLocalTime(values['started-at']);
      if (startedAt === null) throw new UsageError(`--started-at must be a local date and time like 2026-11-18 09:30 (or with an offset: 2026-11-18T09:30+01:00), got "${values['started-at']}"`);
      await command.importSession({ ...base, file, exerciseId: exercise, side, name: values.name ?? null, json: values.json!, ...(startedAt !== undefined ? { startedAt } : {}) });
      return;
    }
    case 'replay': {
      const id = sessionId(positionals[0], action);
      const speedText = values.speed ?? 'max';
      const speed = speedText === 'max' ? 'max' : Number(speedText);
      if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0)) throw new UsageError(`--speed must be a number above 0 (1, 2, 5, 10 …) or max, got "${speedText}"`);
      return command.replayCommand({ ...base, id, speed, json: values.json! });
    }
    case 'rename': {
      const id = sessionId(positionals[0], action);
      if (values.name === undefined && values.notes === undefined) throw new UsageError('sessions rename needs --name TEXT, --notes TEXT or both');
      return command.renameSession({ ...base, id, name: values.name, notes: values.notes });
    }
    default:
      return command.deleteSession({ ...base, id: sessionId(positionals[0], action) });
  }
}

const PAIRINGS_HELP = `Usage: swivel pairings list [--json] [--data DIR]
       swivel pairings revoke ID [--data DIR]

Devices paired with the hub (docs/security.md). A revoked device is refused at once, its open
dashboard closed within seconds. New devices are paired with a code: the hub prints one when it
starts, and the dashboard on the hub machine makes more.
`;

async function pairings(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { data: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (values.help || action === 'help') {
    process.stdout.write(PAIRINGS_HELP);
    return;
  }
  if (action !== 'list' && action !== 'revoke') throw new UsageError(action === undefined ? 'pairings needs an action: list or revoke' : `unknown pairings action "${action}" (actions: list, revoke)`);
  const expected = action === 'list' ? 0 : 1;
  if (rest.length !== expected) throw new UsageError(action === 'list' ? `pairings list takes no arguments, got: ${rest.join(' ')}` : 'pairings revoke needs the ID of one pairing (see "swivel pairings list")');
  const dataDir = dataDirOption(values.data);
  const [{ openDatabase }, { PairingStore }] = await Promise.all([import('./storage/database.ts'), import('./storage/pairing-store.ts')]);
  const db = openDatabase(dataDir);
  try {
    const store = new PairingStore(db);
    if (action === 'list') {
      const list = store.list();
      if (values.json) return void process.stdout.write(`${JSON.stringify({ pairings: list }, null, 2)}\n`);
      if (list.length === 0) return void process.stdout.write(`no devices are paired with the hub in ${dataDir}\n`);
      const when = (at: number | null) => (at === null ? 'never' : formatLocalTime(at));
      for (const p of list) {
        const state = p.revokedAt === null ? `last seen ${when(p.lastSeenAt)}${p.lastAddress ? ` from ${p.lastAddress}` : ''}` : `revoked ${when(p.revokedAt)}`;
        process.stdout.write(`${p.id}  ${p.role.padEnd(6)}  ${p.name}  (paired ${when(p.createdAt)}, ${state})\n`);
      }
      return;
    }
    const id = Number(rest[0]);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`a pairing ID is a whole number from 1, got "${rest[0]}"`);
    try {
      const revoked = store.revoke(id);
      process.stdout.write(`revoked pairing ${revoked.id} (${revoked.name}, ${revoked.role}): it can no longer reach the hub\n`);
    } catch (error) {
      throw error;
    }
  } finally {
    db.close();
  }
}

async function backup(args: string[]): Promise<void> {
  const { BACKUP_HELP, backupDatabase } = await import('./recording/command.ts');
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { data: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) return void process.stdout.write(BACKUP_HELP);
  if (parsed.positionals.length !== 1) throw new UsageError('backup needs the FILE to write the copy to: swivel backup FILE');
  await backupDatabase({ dataDir: dataDirOption(parsed.values.data), file: resolve(parsed.positionals[0]!), json: parsed.values.json });
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { serve, analyze, programme, record, sessions, pairings, backup };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(MAIN_HELP);
    return command ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  // Before or after the command ("swivel sessions list --version"): a script asks the same way everywhere.
  if (argv.includes('--version') || argv.includes('-V')) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT_CODES.ok;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  await run(rest);
  return EXIT_CODES.ok;
}

/** The exit code for an error: see hub/exit-codes.ts. */
function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT_CODES.usage;
  if (error instanceof NotFoundError) return EXIT_CODES.notFound;
  return EXIT_CODES.failed;
}

/** The message for a person, with the next step where there is one. */
async function describeError(error: unknown): Promise<string> {
  if (error instanceof UsageError) return `${error.message}\nTry "swivel --help".`;
  // Only a command that got as far as loading these can have thrown their errors.
  const [{ ProgrammeError }, { NoAdapterError }] = await Promise.all([import('./programme/load-programme.ts'), import('./ble/choose-bindings.ts')]);
  if (error instanceof ProgrammeError) return `the programme file cannot be used:\n${error.message}`;
  if (error instanceof NoAdapterError) return `${error.message}\nUse --sensor sim to run with the simulated sensor.`;
  return (error as Error).message;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(`swivel: ${await describeError(error)}\n`);
    process.exit(exitCodeOf(error));
  },
);
