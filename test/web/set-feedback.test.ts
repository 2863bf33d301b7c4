import { describe, expect, it } from 'vitest';
import { FLASH_MS, NO_FEEDBACK, followEvent, followView, setKeyOf, shownFlash } from '../../web/src/view-model/set-feedback.ts';
import { aSession, aSet } from './fixtures.ts';

const rep = (peakAngle: number, holdMet: boolean | null = true) => ({ start: 0, end: 1, peakAngle, hold: 3, holdMet });
const set = aSet({ repTarget: 20 });
const inSet = followView(NO_FEEDBACK, aSession({ status: 'active', current: set }));

describe('what the dashboard remembers of a set', () => {
  it('keeps the peaks of the last five reps and partials, for the target band', () => {
    let feedback = inSet;
    for (const [i, peak] of [10, 20, 30, 40, 50, 60].entries()) feedback = followEvent(feedback, { kind: 'rep', count: i + 1, rep: rep(peak) }, 0, set);
    feedback = followEvent(feedback, { kind: 'partial', rep: rep(5) }, 0, set);
    expect(feedback.peaks).toEqual([30, 40, 50, 60, 5]);
  });

  it('forgets them, and the cue word, when a new set starts; the same set keeps them', () => {
    const feedback = followEvent(inSet, { kind: 'partial', rep: rep(5) }, 0, set);
    expect(followView(feedback, aSession({ status: 'active', current: set }))).toBe(feedback);
    const next = followView(feedback, aSession({ status: 'active', current: { ...set, set: 2 } }));
    expect(next).toMatchObject({ peaks: [], flash: null });
    expect(setKeyOf(aSession())).toBe('');
  });

  it('shows a cue word for partials, short end holds, slips and targets, for a few seconds', () => {
    const partial = followEvent(inSet, { kind: 'partial', rep: rep(5) }, 1_000, set);
    expect(partial.flash).toEqual({ text: 'Partial \u2014 not counted: go further', tone: 'warn', until: 1_000 + FLASH_MS });
    expect(shownFlash(partial, 1_000 + FLASH_MS - 1)).not.toBeNull();
    expect(shownFlash(partial, 1_000 + FLASH_MS)).toBeNull();
    expect(followEvent(inSet, { kind: 'rep', count: 1, rep: rep(30, false) }, 0, set).flash?.text).toBe('Counted \u2014 but hold longer at the end');
    expect(followEvent(inSet, { kind: 'rep', count: 1, rep: rep(30) }, 0, set).flash).toBeNull();
    expect(followEvent(inSet, { kind: 'hold-paused', t: 1, reason: 'slipped' }, 0, set).flash?.tone).toBe('warn');
    expect(followEvent(inSet, { kind: 'hold-paused', t: 1, reason: 'gap' }, 0, set)).toBe(inSet);
    expect(followEvent(inSet, { kind: 'hold-target-reached', t: 1 }, 0, set).flash).toMatchObject({ text: 'Target reached \u2713', tone: 'ok' });
  });

  it('announces each rep against the target, taps, partials and holds for a screen reader, each as a new announcement', () => {
    const one = followEvent(inSet, { kind: 'rep', count: 1, rep: rep(30) }, 0, set);
    expect(one.announcement).toEqual({ id: 1, text: 'Rep 1 of 20 counted' });
    const two = followEvent(one, { kind: 'rep', count: 2, rep: rep(30, false) }, 0, set);
    expect(two.announcement).toEqual({ id: 2, text: 'Rep 2 of 20 counted, hold longer at the end' });
    const tap = followEvent(inSet, { kind: 'rep', count: 3, rep: rep(0) }, 0, aSet({ kind: 'manual', repTarget: 20 }));
    expect(tap.announcement?.text).toBe('Tap 3 of 20 counted');
    const held = followEvent(two, { kind: 'end-hold-reached', t: 5 }, 0, set);
    const again = followEvent(held, { kind: 'end-hold-reached', t: 9 }, 0, set);
    expect([held.announcement, again.announcement]).toEqual([
      { id: 3, text: 'Hold reached' },
      { id: 4, text: 'Hold reached' },
    ]);
    expect(followEvent(inSet, { kind: 'hold-target-reached', t: 1 }, 0, set).announcement?.text).toBe('Hold target reached');
    expect(followEvent(inSet, { kind: 'set-complete', exerciseId: 'seated-hip-ir', side: 'left', set: 1 }, 0, set).announcement?.text).toBe('Set complete');
    expect(followEvent(inSet, { kind: 'rep-start', t: 1 }, 0, set)).toBe(inSet);
  });
});
