/**
 * The history screen in a real headless Chromium against a real hub recording into a temporary data
 * directory. Sessions come from simulated recordings imported through the API (range-of-motion checks
 * on both sides, a hold, reps), so the screen has figures and ROM points without waiting in real
 * time. Screenshots go to test-output/screenshots/history-*.png for a person to look at.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserSuite, screenshotsAt, smallTargets, testid } from '../support/browser.ts';
import { describe, expect, it } from 'vitest';
import { startHub } from '../../hub/main.ts';
import type { ExerciseId } from '../../hub/protocol/exercises.ts';
import { record } from '../../firmware-sim/record.ts';
import { untilTestTimeout } from '../support/wait.ts';
import { expectAccessible, unreachableByTab } from './axe.ts';


type Hub = Awaited<ReturnType<typeof startHub>>;

const suite = browserSuite();
const tempDir = (prefix: string) => suite.tempDir(prefix);

/** A hub with no sensor on the air; it records into `dataDir` (none: not recording, so 503). */
async function hub(dataDir: string | null): Promise<Hub> {
  const h = await startHub({
    port: 0,
    host: '127.0.0.1',
    sensor: 'sim',
    spawnSimulator: false,
    radioDir: await tempDir('swivel-radio-'),
    webRoot: suite.webRoot,
    dataDir,
    log: () => {},
  });
  suite.closeAfter(() => h.close());
  return h;
}

const api = (h: Hub, path: string) => `${h.url.replace(/\/$/, '')}${path}`;

async function importRecording(h: Hub, exercise: ExerciseId, side: 'left' | 'right', seed: number, seconds: number): Promise<void> {
  const { csv } = record({ exercise, side, seed, seconds });
  const response = await fetch(api(h, `/api/sessions/import?exercise=${exercise}&side=${side}`), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
  expect(response.status, await response.clone().text()).toBe(201);
}

async function openDashboard(url: string, colorScheme: 'dark' | 'light' = 'dark'): Promise<Page> {
  const page = await suite.newPage({ colorScheme });
  await page.goto(url);
  return page;
}

/** Screenshots at both tablet sizes, as test-output/screenshots/history-NAME-WxH.png. */
const screenshots = (page: Page, name: string) => screenshotsAt(page, `history-${name}`);

/** The chart's series as handed to it, one per session oldest first, and whether it drew a canvas. */
async function romChart(page: Page, exercise: string) {
  return page.evaluate((id) => {
    const screen = document.querySelector('swivel-app')!.shadowRoot!.querySelector('swivel-history-screen')!;
    const chart = screen.shadowRoot!.querySelector(`[data-testid=history-rom-${id}] swivel-history-rom-chart`) as
      | (HTMLElement & { left: (number | null)[]; right: (number | null)[]; normalMin: number; normalMax: number })
      | null;
    if (!chart) return null;
    const canvas = chart.shadowRoot!.querySelector('canvas');
    return { left: [...chart.left], right: [...chart.right], normal: [chart.normalMin, chart.normalMax], canvas: canvas ? canvas.width * canvas.height : 0 };
  }, exercise);
}

describe('history', () => {
  it('says "No sessions yet" with an empty store, and that recording is unavailable when the hub answers 503', async () => {
    const empty = await hub(await tempDir('swivel-data-'));
    let page = await openDashboard(empty.url);
    const open = testid(page, 'open-history');
    await open.waitFor();
    expect(await open.getAttribute('aria-label')).toMatch(/history/i);
    // Reachable from the keyboard: focus it and press Enter.
    await open.focus();
    await page.keyboard.press('Enter');
    await testid(page, 'history-empty').waitFor({ timeout: untilTestTimeout(5000) });
    expect(await testid(page, 'history-empty').textContent()).toContain('No sessions yet');
    expect(await smallTargets(page)).toEqual([]);
    await screenshots(page, 'empty');
    await expectAccessible(page, 'history (no sessions)');

    // A data directory that cannot be opened (its parent is a file): the hub runs without recording.
    const blocked = join(await tempDir('swivel-data-'), 'file');
    await writeFile(blocked, 'not a directory');
    const notRecording = await hub(join(blocked, 'data'));
    expect((await fetch(api(notRecording, '/api/sessions'))).status).toBe(503);
    page = await openDashboard(notRecording.url, 'light');
    await testid(page, 'open-history').click();
    const unavailable = testid(page, 'history-unavailable');
    await unavailable.waitFor({ timeout: untilTestTimeout(5000) });
    expect(await unavailable.textContent()).toMatch(/unavailable/i);
    expect(await unavailable.getAttribute('role')).toBe('alert');
    await screenshots(page, 'unavailable-light');
    await expectAccessible(page, 'history (unavailable)');

    // Back to the programme.
    await testid(page, 'history-back').click();
    await page.locator('[data-testid=screen][data-screen=programme]').waitFor();
  }, 60_000);

  it('lists sessions newest first with figures per exercise and side, charts ROM per side with the asymmetry, and pages', async () => {
    const h = await hub(await tempDir('swivel-data-'));
    // Oldest first: a hold, reps, then range checks on both sides (different people's days).
    await importRecording(h, 'figure4-sitting', 'left', 5, 70);
    await importRecording(h, 'seated-hip-ir', 'right', 6, 40);
    const seeds = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    for (const [i, seed] of seeds.entries()) await importRecording(h, 'rom-seated', i % 2 === 0 ? 'left' : 'right', seed, 45);

    const page = await openDashboard(h.url);
    await page.locator('[data-testid=start-programme]').waitFor();
    await screenshots(page, 'programme-button');
    await testid(page, 'open-history').click();
    await testid(page, 'history-list').waitFor({ timeout: untilTestTimeout(10_000) });
    await page.locator('[data-testid=screen][data-screen=history]').waitFor();

    // Newest first, a page of ten, then the rest on "load more".
    const sessions = testid(page, 'history-session');
    expect(await sessions.count()).toBe(10);
    expect(await testid(page, 'history-count').textContent()).toBe('12 sessions');
    const ids = await sessions.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-id'))));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const newest = (await sessions.first().textContent()) ?? '';
    expect(newest).toMatch(/Range check sitting\s*Right\s*\d+ trials?, best \d+°/);

    // ROM per side over the sessions, with the normal band from the programme.
    const chart = await romChart(page, 'rom-seated');
    expect(chart).not.toBeNull();
    expect(chart!.normal).toEqual([30, 45]);
    expect(chart!.left.filter((v) => v !== null).length, JSON.stringify(chart)).toBe(5);
    expect(chart!.right.filter((v) => v !== null).length).toBe(5);
    expect(chart!.canvas).toBeGreaterThan(0);
    expect(await testid(page, 'history-asymmetry').textContent()).toMatch(/(Left|Right) turns \d+° less \(\d+ %\)|Left and right the same/);
    expect(await smallTargets(page)).toEqual([]);
    await screenshots(page, 'sessions');
    await expectAccessible(page, 'history');
    expect(await unreachableByTab(page), 'controls the Tab key never reaches').toEqual([]);

    const more = testid(page, 'history-more');
    await more.click();
    await page.waitForFunction(() => {
      const screen = document.querySelector('swivel-app')!.shadowRoot!.querySelector('swivel-history-screen')!;
      return screen.shadowRoot!.querySelectorAll('[data-testid=history-session]').length === 12;
    });
    expect(await more.count()).toBe(0);
    const oldest = (await sessions.last().textContent()) ?? '';
    expect(oldest).toMatch(/Figure/i);
    expect(oldest).toMatch(/held \d/);
    expect((await sessions.nth(10).textContent()) ?? '').toMatch(/\d+ reps?/);

    await page.emulateMedia({ colorScheme: 'light' });
    await screenshots(page, 'sessions-light');

    await testid(page, 'history-back').click();
    await page.locator('[data-testid=screen][data-screen=programme]').waitFor();
  }, 60_000);

  it('imports a recording chosen on the screen, says what came of it, and downloads every set as one CSV', async () => {
    const h = await hub(await tempDir('swivel-data-'));
    await importRecording(h, 'rom-seated', 'left', 3, 40);
    const page = await openDashboard(h.url);
    await testid(page, 'open-history').click();
    await testid(page, 'history-session').first().waitFor({ timeout: untilTestTimeout(10_000) });

    const good = join(await tempDir('swivel-import-'), 'monday-hold.csv');
    await writeFile(good, record({ exercise: 'figure4-sitting', side: 'right', seed: 8, seconds: 30 }).csv);
    await testid(page, 'history-import-open').click();
    const form = testid(page, 'history-import-form');
    await form.locator('input[type=file]').setInputFiles(good);
    await form.locator('select[name=exercise]').selectOption('figure4-sitting');
    await form.locator('select[name=side]').selectOption('right');
    await form.locator('button[type=submit]').click();
    await page.getByText('monday-hold.csv is now session 2').waitFor({ timeout: untilTestTimeout(20_000) });
    await expect.poll(() => testid(page, 'history-session').count(), { timeout: untilTestTimeout(20_000) }).toBe(2);

    // A file that is not a recording is refused with the reason, and nothing is added.
    const bad = join(await tempDir('swivel-import-'), 'notes.csv');
    await writeFile(bad, 'these are my notes\n');
    await testid(page, 'history-import-open').click();
    await form.locator('input[type=file]').setInputFiles(bad);
    await form.locator('button[type=submit]').click();
    await page.getByText(/^Not imported: line 1: expected the header/).waitFor({ timeout: untilTestTimeout(20_000) });
    expect(await testid(page, 'history-session').count()).toBe(2);

    const href = await testid(page, 'history-download-sets').getAttribute('href');
    const sets = await (await fetch(api(h, href!))).text();
    const rows = sets.trim().split('\n').slice(1);
    expect(rows.map((row) => row.split(',').slice(5, 7).join(' '))).toEqual(['rom-seated left', 'figure4-sitting right']);
    await screenshots(page, 'import');
  }, 90_000);
});
