/**
 * bench/browser-fps: how smoothly the dashboard draws during a set. A real hub with the simulator at
 * 100 Hz, the dashboard in headless Chromium at 1280×800, a seated-hip-ir set under way; for each run
 * the page counts animation frames and records long tasks (PerformanceObserver) for 20 s.
 *
 *   npm run bench:browser-fps            # 3 runs; needs /usr/bin/chromium and a built dashboard
 *
 * Headless Chromium with --disable-gpu draws in software and its frame clock is not a display's, so
 * frames per second here are a floor for a tablet, not its figure. Long tasks (over 50 ms) are what
 * a person would see as a stutter.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEFAULT_WEB_ROOT, startHub } from '../hub/main.ts';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const SECONDS = 20;

interface RunResult {
  fps: number;
  longTasks: number;
  longestTaskMs: number;
  /** Frames further apart than 50 ms (a visible hitch). */
  slowFrames: number;
}

/** Counts animation frames and long tasks in the page for SECONDS. */
const IN_PAGE = `(async () => {
  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push(entry.duration); });
  observer.observe({ type: 'longtask', buffered: false });
  let frames = 0, slowFrames = 0, last = performance.now();
  const start = last;
  await new Promise((resolve) => {
    const tick = (now) => {
      frames++;
      if (now - last > 50) slowFrames++;
      last = now;
      if (now - start < SECONDS * 1000) requestAnimationFrame(tick); else resolve();
    };
    requestAnimationFrame(tick);
  });
  observer.disconnect();
  return { fps: frames / ((performance.now() - start) / 1000), longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks), slowFrames };
})()`;

async function run(): Promise<RunResult> {
  const radioDir = await mkdtemp(join(tmpdir(), 'swivel-bench-radio-'));
  const hub = await startHub({ port: 0, host: '127.0.0.1', sensor: 'sim', radioDir, simulatorExercise: 'seated-hip-ir', sensorRateHz: 100, webRoot: DEFAULT_WEB_ROOT, log: () => {} });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(hub.url);
    await page.locator('[data-testid="link-state"][data-state="connected"]').first().waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="start-seated-hip-ir"]').click();
    await page.locator('[data-status="active"]').first().waitFor({ timeout: 30_000 });
    // Plain JavaScript text: tsx would wrap a function passed here in helpers the page does not have.
    return (await page.evaluate(IN_PAGE.replace('SECONDS', String(SECONDS)))) as RunResult;
  } finally {
    await browser.close();
    await hub.close();
    await rm(radioDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: RunResult[] = [];
for (let i = 0; i < RUNS; i++) {
  const result = await run();
  results.push(result);
  console.log(`  run ${i + 1}: ${result.fps.toFixed(1)} fps, ${result.slowFrames} frames over 50 ms apart, ${result.longTasks} long tasks (longest ${result.longestTaskMs.toFixed(0)} ms)`);
}
console.log(`\nSwivel dashboard during a 100 Hz set, 1280×800, ${SECONDS} s × ${RUNS} runs (headless Chromium, software drawing)`);
console.log(`  median ${median(results.map((r) => r.fps)).toFixed(1)} fps; median ${median(results.map((r) => r.slowFrames))} frames over 50 ms apart`);
console.log(`  long tasks: median ${median(results.map((r) => r.longTasks))} per run, longest ${Math.max(...results.map((r) => r.longestTaskMs)).toFixed(0)} ms`);
