/**
 * What the dashboard says and sounds during a hold and a rest, in a real headless Chromium against
 * the real hub and a simulated sensor process. The page's Web Speech and Web Audio calls are watched,
 * not replaced: an init script records each utterance's text and each tone's pitch and timing, then
 * calls the browser's own method. The programme is the shipped figure-4 stretch with a 6 s hold and
 * 5 s rests, so a hold and a rest each count down within seconds.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, testid } from '../support/browser.ts';
import { startSimulator } from '../support/simulator-process.ts';
import { startHub } from '../../hub/main.ts';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import type { Programme } from '../../hub/protocol/programme.ts';
import { untilTestTimeout } from '../support/wait.ts';

const suite = browserSuite();

/** What the page asked the browser to say or sound, page clock in ms (a tone: from when it was scheduled to play until it stops). */
type Cue = { kind: 'say'; text: string; at: number } | { kind: 'tone'; frequency: number; at: number; end: number };

/**
 * Runs before the dashboard's own scripts: records every utterance passed to speechSynthesis.speak
 * and every oscillator started, and still calls the browser's methods, so nothing of ours is stubbed.
 */
function watchCues(): void {
  const cues: unknown[] = [];
  (window as unknown as { cues: unknown[] }).cues = cues;
  const synth = window.speechSynthesis;
  const speak = synth.speak.bind(synth);
  synth.speak = (utterance: SpeechSynthesisUtterance) => {
    cues.push({ kind: 'say', text: utterance.text, at: performance.now() });
    speak(utterance);
  };
  const start = OscillatorNode.prototype.start;
  const stop = OscillatorNode.prototype.stop;
  const pageTime = (node: OscillatorNode, when: number) => performance.now() + (when - node.context.currentTime) * 1000;
  OscillatorNode.prototype.start = function (this: OscillatorNode, when = 0) {
    cues.push({ kind: 'tone', frequency: this.frequency.value, at: pageTime(this, when), end: Number.NaN, node: this });
    start.call(this, when);
  };
  OscillatorNode.prototype.stop = function (this: OscillatorNode, when = 0) {
    const cue = cues.find((c) => (c as { node?: unknown }).node === this) as { end: number } | undefined;
    if (cue) cue.end = pageTime(this, when);
    stop.call(this, when);
  };
}

const cuesSoFar = (page: Page): Promise<Cue[]> =>
  page.evaluate(() => (window as unknown as { cues: Record<string, unknown>[] }).cues.map(({ node: _node, ...cue }) => cue as unknown as Cue));
const played = (page: Page) =>
  page.evaluate(() => ({ ...(document.querySelector('swivel-app') as unknown as { cues: { played: { countdown: number; target: number; set: number } } }).cues.played }));
const status = (page: Page) => testid(page, 'screen').getAttribute('data-status');

const TARGET_TONE = [660, 990];
const SET_TONE = [523, 659, 784];

describe('spoken countdowns and tones', () => {
  it('counts down the last seconds of a hold and of a rest aloud, in order, sounds the hold target before the set, and is silent when muted', async () => {
    const shipped = await loadDefaultProgramme();
    const stretch = shipped.exercises.find((e) => e.id === 'figure4-sitting')!;
    if (stretch.kind !== 'hold') throw new Error('figure4-sitting is a hold');
    const programme: Programme = { ...shipped, restSeconds: 5, exercises: [{ ...stretch, sides: ['left', 'right'], targets: { holdSeconds: { min: 6, max: 6 } } }] };
    const radioDir = await suite.tempDir('swivel-radio-');
    const hub = await startHub({ port: 0, host: '127.0.0.1', sensor: 'sim', spawnSimulator: false, radioDir, webRoot: suite.webRoot, programme, log: () => {} });
    suite.closeAfter(() => hub.close());
    // The person (and the sensor's clock, which the hold timer runs on) at twice real speed; rests run on the hub's clock.
    const sim = await startSimulator(radioDir, ['--exercise', 'figure4-sitting', '--speed', '2']);
    suite.closeAfter(() => sim.kill());

    const page = await suite.newPage();
    await page.addInitScript(watchCues);
    await page.goto(hub.url);
    await page.locator('[data-testid=link-state][data-state=connected]').waitFor({ timeout: untilTestTimeout(20_000) });
    expect(await page.evaluate(() => 'speechSynthesis' in window)).toBe(true);

    // The tap on Start is the gesture that lets the page make sound.
    await testid(page, 'start-figure4-sitting').click();
    await expect.poll(() => status(page), { timeout: untilTestTimeout(30_000), interval: 100 }).toBe('rest');
    await expect.poll(async () => (await testid(page, 'exercise-side').textContent().catch(() => null)) ?? '', { timeout: untilTestTimeout(15_000), interval: 100 }).toBe('Right side');
    const unmuted = await cuesSoFar(page);

    // The hold: its last three seconds said in order, then the target tone (two rising notes).
    const said = (cues: Cue[]) => cues.filter((c): c is Extract<Cue, { kind: 'say' }> => c.kind === 'say');
    const tones = (cues: Cue[], frequencies: number[]) => {
      const found = cues.filter((c): c is Extract<Cue, { kind: 'tone' }> => c.kind === 'tone' && frequencies.includes(c.frequency));
      expect(found.map((t) => t.frequency), `tones ${frequencies.join(', ')}`).toEqual(frequencies);
      return { start: Math.min(...found.map((t) => t.at)), end: Math.max(...found.map((t) => t.end)) };
    };
    const target = tones(unmuted, TARGET_TONE);
    const set = tones(unmuted, SET_TONE);
    const holdCount = said(unmuted).filter((c) => c.at < target.start);
    expect(holdCount.map((c) => c.text).slice(-3), JSON.stringify(unmuted)).toEqual(['3', '2', '1']);
    // A second of the hold is half a second here (the sensor's clock runs at twice real speed).
    const holdGaps = holdCount.slice(-3).map((c, i, all) => (i === 0 ? null : c.at - all[i - 1]!.at)).filter((g): g is number => g !== null);
    // Timed where the page speaks them, so a busy machine can bunch two by a few hundred ms: each
    // gap is clearly apart, and the two together span about two (half-)seconds.
    for (const gap of holdGaps) expect(gap, `hold countdown gaps ${holdGaps.join(', ')} ms`).toBeGreaterThan(100);
    for (const gap of holdGaps) expect(gap, `hold countdown gaps ${holdGaps.join(', ')} ms`).toBeLessThan(1200);
    expect(holdGaps[0]! + holdGaps[1]!, `hold countdown gaps ${holdGaps.join(', ')} ms`).toBeGreaterThan(600);
    expect(holdGaps[0]! + holdGaps[1]!, `hold countdown gaps ${holdGaps.join(', ')} ms`).toBeLessThan(1700);
    // The target tone comes when the hold's last second is over, and the set's tone after it, not on top of it.
    expect(target.start - holdCount.at(-1)!.at).toBeGreaterThan(0);
    expect(target.start - holdCount.at(-1)!.at).toBeLessThan(1500);
    expect(set.start).toBeGreaterThanOrEqual(target.end);

    // The rest: 3, 2, 1 on the hub's clock, a second apart, and nothing else said.
    const restCount = said(unmuted).filter((c) => c.at > set.start);
    expect(restCount.map((c) => c.text)).toEqual(['3', '2', '1']);
    const restGaps = restCount.slice(1).map((c, i) => c.at - restCount[i]!.at);
    for (const gap of restGaps) expect(gap, `rest countdown gaps ${restGaps.join(', ')} ms`).toBeGreaterThan(300);
    for (const gap of restGaps) expect(gap, `rest countdown gaps ${restGaps.join(', ')} ms`).toBeLessThan(1700);
    expect(restGaps[0]! + restGaps[1]!, `rest countdown gaps ${restGaps.join(', ')} ms`).toBeGreaterThan(1500);
    expect(restGaps[0]! + restGaps[1]!, `rest countdown gaps ${restGaps.join(', ')} ms`).toBeLessThan(2500);

    // Muted for the second side: the countdown and the tones still happen (the cue logic counts
    // them), but nothing is said or sounded.
    const before = await played(page);
    await testid(page, 'mute').click();
    await expect.poll(() => testid(page, 'screen').getAttribute('data-screen'), { timeout: untilTestTimeout(30_000), interval: 200 }).toBe('summary');
    const after = await played(page);
    expect(after.countdown - before.countdown).toBeGreaterThanOrEqual(3);
    expect(after.target - before.target).toBe(1);
    expect(after.set - before.set).toBe(1);
    expect((await cuesSoFar(page)).slice(unmuted.length)).toEqual([]);
  }, 90_000);
});
