/**
 * Runs the test suite N times in a row and prints, per test, how often it failed and its slowest
 * time against its timeout: the tool for anyone who suspects a test fails by chance.
 *
 *   npm run test:repeat -- 10                      ten runs of the whole suite
 *   npm run test:repeat -- 5 --busy                each run with one core kept busy by another process
 *   npm run test:repeat -- 5 --shuffle test/browser   shuffled order, only the browser tests
 *
 * It builds the dashboard once, then runs `vitest run` (no retries: a retry would hide the defect
 * this is looking for). Tests that ever failed, or took more than a third of their timeout, are
 * listed first; the whole table goes to test-output/repeat.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestOutcome } from './support/summary-reporter.ts';

interface Options {
  runs: number;
  busy: boolean;
  shuffle: boolean;
  vitestArgs: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 10, busy: false, shuffle: false, vitestArgs: [] };
  for (const arg of argv) {
    if (arg === '--busy') options.busy = true;
    else if (arg === '--shuffle') options.shuffle = true;
    else if (/^\d+$/.test(arg)) options.runs = Number(arg);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run test:repeat -- [N] [--busy] [--shuffle] [vitest filters or options…]\n');
      process.exit(0);
    } else options.vitestArgs.push(arg);
  }
  if (options.runs < 1) throw new Error('the number of runs must be at least 1');
  return options;
}

interface Row {
  file: string;
  name: string;
  runs: number;
  failed: number;
  slowestMs: number;
  timeoutMs: number | null;
  errors: string[];
}

/** One core kept busy by a spinning process, standing in for whatever else a CI machine runs. */
function startBusyCore(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const outDir = join(process.cwd(), 'test-output');
  mkdirSync(outDir, { recursive: true });
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the dashboard did not build; run `npm test` to see why');
  const commands = spawnSync(process.execPath, ['bin/launch.mjs', '--build'], { stdio: 'inherit' });
  if (commands.status !== 0) throw new Error('the commands did not build; run `npm test` to see why');

  const rows = new Map<string, Row>();
  const runSummaries: string[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const outcomesFile = join(outDir, `repeat-run-${run}.json`);
    const args = ['vitest', 'run', '--reporter=dot', '--reporter=./test/support/summary-reporter.ts', ...options.vitestArgs];
    if (options.shuffle) args.push('--sequence.shuffle', `--sequence.seed=${Date.now() % 100_000}`);
    const busy = options.busy ? startBusyCore() : null;
    const started = Date.now();
    const result = spawnSync('npx', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SWIVEL_TEST_OUTCOMES: outcomesFile },
      maxBuffer: 64 * 1024 * 1024,
    });
    busy?.kill();
    const seconds = (Date.now() - started) / 1000;
    let outcomes: TestOutcome[] = [];
    try {
      outcomes = (JSON.parse(readFileSync(outcomesFile, 'utf8')) as { outcomes: TestOutcome[] }).outcomes;
    } catch {
      process.stdout.write(result.stdout.toString().slice(-4000) + result.stderr.toString().slice(-4000));
      throw new Error(`run ${run} wrote no outcomes (vitest exited with ${result.status})`);
    }
    const failed = outcomes.filter((o) => o.state === 'failed').length;
    const summary = `run ${run}/${options.runs}${options.busy ? ' (one core busy)' : ''}: ${outcomes.length - failed} passed, ${failed} failed, ${seconds.toFixed(0)} s`;
    runSummaries.push(summary);
    process.stdout.write(`${summary}\n`);
    for (const outcome of outcomes) {
      const key = `${outcome.file} > ${outcome.name}`;
      const row = rows.get(key) ?? { file: outcome.file, name: outcome.name, runs: 0, failed: 0, slowestMs: 0, timeoutMs: outcome.timeoutMs, errors: [] };
      row.runs++;
      row.slowestMs = Math.max(row.slowestMs, outcome.durationMs);
      if (outcome.state === 'failed') {
        row.failed++;
        if (outcome.error) row.errors.push(outcome.error);
      }
      rows.set(key, row);
    }
  }

  const all = [...rows.values()].sort((a, b) => b.failed - a.failed || share(b) - share(a));
  writeFileSync(join(outDir, 'repeat.json'), JSON.stringify({ runs: runSummaries, tests: all }, null, 1));
  const flagged = all.filter((row) => row.failed > 0 || share(row) > 1 / 3);
  const shown = flagged.length > 0 ? flagged : all.slice(0, 10);
  process.stdout.write(`\n${flagged.length > 0 ? 'tests that failed or took over a third of their timeout' : 'no test failed or took over a third of its timeout; the ten slowest'}:\n`);
  process.stdout.write('failed/runs  slowest    timeout  share  test\n');
  for (const row of shown) {
    const timeout = row.timeoutMs === null ? '      ?' : `${(row.timeoutMs / 1000).toFixed(0).padStart(5)} s`;
    process.stdout.write(
      `${`${row.failed}/${row.runs}`.padStart(11)}  ${(row.slowestMs / 1000).toFixed(1).padStart(6)} s  ${timeout}  ${(share(row) * 100).toFixed(0).padStart(4)}%  ${row.file} > ${row.name}\n`,
    );
    for (const error of new Set(row.errors)) process.stdout.write(`             ${error}\n`);
  }
  const failedRuns = runSummaries.filter((s) => !s.includes(' 0 failed')).length;
  process.stdout.write(`\n${options.runs - failedRuns} of ${options.runs} runs green; ${all.length} tests; table in test-output/repeat.json\n`);
  process.exitCode = failedRuns > 0 ? 1 : 0;
}

function share(row: Row): number {
  return row.timeoutMs ? row.slowestMs / row.timeoutMs : 0;
}

main();
