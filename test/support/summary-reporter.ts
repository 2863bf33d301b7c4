import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';

/** One test's outcome, as `npm run test:repeat` collects it over many runs. */
export interface TestOutcome {
  file: string;
  name: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  durationMs: number;
  timeoutMs: number | null;
  error: string | null;
}

/**
 * Ends the run with the story a CI log is read for, from the bottom up: one line per failing test
 * (file, name, the first line of its error), then the plain "N passed, N failed" line.
 *
 * With SWIVEL_TEST_OUTCOMES=FILE it also writes every test's outcome, duration and timeout there as
 * JSON, which `npm run test:repeat` gathers over several runs.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const outcomes: TestOutcome[] = [];
    const failures: string[] = [];
    for (const module of modules) {
      const file = module.relativeModuleId;
      const tests = [...module.children.allTests()];
      for (const test of tests) {
        const outcome = outcomeOf(file, test);
        outcomes.push(outcome);
        if (outcome.state === 'failed') failures.push(`FAIL ${file} > ${outcome.name}: ${outcome.error ?? 'failed'}`);
      }
      // A file or a describe block can fail outside any test: the file does not load, or a
      // beforeAll/afterAll hook throws (its tests are then skipped, not failed).
      for (const suite of [module, ...module.children.allSuites()]) {
        const errors = suite.errors();
        const failedWithoutTests = suite.type === 'module' && module.state() === 'failed' && tests.length === 0;
        if (errors.length === 0 && !failedWithoutTests) continue;
        const name = suite.type === 'suite' ? suite.fullName : null;
        const where = name === null ? file : `${file} > ${name}`;
        const error = firstLine(errors[0]) ?? 'the file failed outside its tests';
        outcomes.push({ file, name: name === null ? '(file)' : `${name} (hooks)`, state: 'failed', durationMs: 0, timeoutMs: null, error });
        failures.push(`FAIL ${where}: ${error}`);
      }
    }
    for (const error of unhandledErrors) failures.push(`ERROR unhandled: ${firstLine(error) ?? 'an error outside any test'}`);

    const outputFile = process.env['SWIVEL_TEST_OUTCOMES'];
    if (outputFile) writeFileSync(outputFile, JSON.stringify({ outcomes, unhandledErrors: unhandledErrors.length }, null, 1));

    const count = (state: TestOutcome['state']): number => outcomes.filter((o) => o.state === state).length;
    const passed = count('passed');
    const failed = count('failed') + unhandledErrors.length;
    const skipped = count('skipped') + count('pending');
    const lines = failures.length ? ['', `${failures.length} failure${failures.length === 1 ? '' : 's'}:`, ...failures] : [];
    lines.push('', `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`, '');
    process.stdout.write(lines.join('\n'));
  }
}

function outcomeOf(file: string, test: TestCase): TestOutcome {
  const result = test.result();
  const diagnostic = test.diagnostic();
  // The runner's own task carries the timeout each test ran with (its own, or the config's).
  const task = (test as unknown as { task?: { timeout?: number } }).task;
  return {
    file,
    name: test.fullName,
    state: result.state,
    durationMs: diagnostic?.duration ?? 0,
    timeoutMs: typeof task?.timeout === 'number' ? task.timeout : null,
    error: result.state === 'failed' ? (firstLine(result.errors?.[0]) ?? 'failed') : null,
  };
}

function firstLine(error: SerializedError | undefined): string | null {
  if (!error) return null;
  const text = `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message ?? String(error)}`;
  return text.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? null;
}
