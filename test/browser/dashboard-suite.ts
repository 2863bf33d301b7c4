/**
 * What the dashboard's browser tests share: hubs with and without a simulated sensor, pages at
 * tablet size, and page probes. The tests are split over two files so the two cores run them at once.
 */
import type { Page } from 'playwright-core';
import { startHub } from '../../hub/main.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import { browserSuite, testid } from '../support/browser.ts';
import { startSimulator, type SimulatorProcess } from '../support/simulator-process.ts';

export type Hub = Awaited<ReturnType<typeof startHub>>;

/** A browser suite for a dashboard test file, with hubs and simulators closed after each test. */
export function dashboardSuite() {
  const suite = browserSuite();
  const hubLog: string[] = [];
  const tempDir = (prefix: string) => suite.tempDir(prefix);

  /** A hub with its own simulator process (its person doing `exercise`) on a fresh radio directory. */
  async function hubWithSimulator(port = 0, exercise?: ExerciseId): Promise<Hub> {
    const hub = await startHub({
      port,
      host: '127.0.0.1',
      sensor: 'sim',
      spawnSimulator: true,
      simulatorExercise: exercise,
      radioDir: await tempDir('swivel-radio-'),
      webRoot: suite.webRoot,
      log: (line) => hubLog.push(line),
    });
    suite.closeAfter(() => hub.close());
    return hub;
  }

  /** A hub looking for a simulated sensor that is not on the air yet (the test starts one when it wants). */
  async function hubWithoutSensor(): Promise<{ hub: Hub; radioDir: string }> {
    const radioDir = await tempDir('swivel-radio-');
    const hub = await startHub({ port: 0, host: '127.0.0.1', sensor: 'sim', spawnSimulator: false, radioDir, webRoot: suite.webRoot, log: (line) => hubLog.push(line) });
    suite.closeAfter(() => hub.close());
    return { hub, radioDir };
  }

  async function simulator(radioDir: string, args: string[]): Promise<SimulatorProcess> {
    const sim = await startSimulator(radioDir, args);
    suite.closeAfter(() => sim.kill());
    return sim;
  }

  async function openDashboard(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await suite.newPage({ viewport });
    await page.goto(url);
    return page;
  }

  return { suite, hubWithSimulator, hubWithoutSensor, simulator, openDashboard };
}

export const angleText = (page: Page) => page.locator('[data-testid=angle-value]').textContent();
export const screen = (page: Page) => testid(page, 'screen');
export const repCount = async (page: Page) => Number((await testid(page, 'rep-count').textContent()) ?? NaN);


/** Records every value the screen's `data-status` takes from now on (a calibration can be brief). */
export async function recordStatuses(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const main = document.querySelector('swivel-app')!.shadowRoot!.querySelector('main')!;
    const seen: string[] = [main.dataset.status ?? ''];
    (window as unknown as { statuses: string[] }).statuses = seen;
    new MutationObserver(() => {
      const status = main.dataset.status ?? '';
      if (seen[seen.length - 1] !== status) seen.push(status);
    }).observe(main, { attributes: true, attributeFilter: ['data-status'] });
  });
  return () => page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
}

export const linkState = (page: Page, state: string) => page.locator(`[data-testid=link-state][data-state=${state}]`);

/**
 * From now on, on every animation frame, the page keeps the largest fill it has drawn of the
 * calibration ring and of the end-hold bar: moments a poll from outside could miss.
 */
export async function recordLargestDrawn(page: Page): Promise<void> {
  await page.evaluate(() => {
    const largest = { calibration: 0, 'end-hold': 0 };
    (window as unknown as { largestDrawn: typeof largest }).largestDrawn = largest;
    const tick = () => {
      const root = document.querySelector('swivel-app')?.shadowRoot;
      const ring = root?.querySelector('[data-testid=calibration] swivel-progress-ring') as unknown as { fraction: number } | null;
      if (ring && ring.fraction > largest.calibration) largest.calibration = ring.fraction;
      const bar = Number(root?.querySelector('[data-testid=end-hold]')?.getAttribute('data-fraction') ?? 0);
      if (bar > largest['end-hold']) largest['end-hold'] = bar;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

export const largestDrawn = (page: Page, what: 'calibration' | 'end-hold') =>
  page.evaluate((key) => (window as unknown as { largestDrawn: Record<string, number> }).largestDrawn[key] ?? 0, what);
export const hubBanner = (page: Page) => page.locator('[data-testid=hub-banner]');
