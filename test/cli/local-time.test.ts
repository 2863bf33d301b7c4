import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalTime, isoWithOffset, parseLocalTime } from '../../hub/local-time.ts';
import { chooseDataDir, userDataDir } from '../../hub/storage/database.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('local time, read the way it is shown', () => {
  const before = process.env.TZ;
  // Node picks up a changed TZ at once; Paris has an offset and a summer time, unlike UTC.
  beforeAll(() => void (process.env.TZ = 'Europe/Paris'));
  afterAll(() => void (before === undefined ? delete process.env.TZ : (process.env.TZ = before)));

  it('shows local time with its zone, and ISO 8601 with the offset', () => {
    const winter = Date.UTC(2026, 10, 18, 8, 30, 5); // 09:30:05 in Paris
    expect(formatLocalTime(winter)).toMatch(/^2026-11-18 09:30:05 (CET|GMT\+1)$/);
    expect(isoWithOffset(winter)).toBe('2026-11-18T09:30:05.000+01:00');
    const summer = Date.UTC(2026, 6, 1, 22, 0, 0); // past midnight in Paris: the date changes too
    expect(isoWithOffset(summer)).toBe('2026-07-02T00:00:00.000+02:00');
    expect(Date.parse(isoWithOffset(summer))).toBe(summer);
  });

  it('reads local times, offsets and what it prints', () => {
    const winter = Date.UTC(2026, 10, 18, 8, 30);
    expect(parseLocalTime('2026-11-18 09:30')).toBe(winter);
    expect(parseLocalTime('2026-11-18T09:30')).toBe(winter);
    expect(parseLocalTime('2026-11-18T09:30:00.000+01:00')).toBe(winter);
    expect(parseLocalTime('2026-11-18T08:30Z')).toBe(winter);
    expect(parseLocalTime('2026-11-18')).toBe(Date.UTC(2026, 10, 17, 23, 0)); // local midnight, not UTC's
    expect(parseLocalTime(isoWithOffset(winter + 1234))).toBe(winter + 1234);
    for (const bad of ['', 'yesterday', '2026-02-31 10:00', '2026-11-18 25:00', '18/11/2026', '2026-11-18T09:30+1']) expect(parseLocalTime(bad), bad).toBeNull();
  });
});

describe("the user's data folder", () => {
  it('follows each platform', () => {
    expect(userDataDir({ XDG_DATA_HOME: '/x/share' }, 'linux', '/home/ana')).toBe('/x/share/swivel');
    expect(userDataDir({}, 'linux', '/home/ana')).toBe('/home/ana/.local/share/swivel');
    expect(userDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/ana')).toBe('/home/ana/.local/share/swivel');
    expect(userDataDir({}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Application Support/swivel');
  });

  it('is --data, else SWIVEL_DATA, else the user folder; an earlier ./data with sessions is kept in use and named', () => {
    const root = mkdtempSync(join(tmpdir(), 'swivel-datadir-'));
    try {
      const env = { XDG_DATA_HOME: join(root, 'share') };
      expect(chooseDataDir('mine', env, root)).toEqual({ dir: join(root, 'mine'), notice: null });
      expect(chooseDataDir(undefined, { ...env, SWIVEL_DATA: '/srv/swivel' }, root)).toEqual({ dir: '/srv/swivel', notice: null });
      expect(chooseDataDir(undefined, env, root)).toEqual({ dir: join(root, 'share', 'swivel'), notice: null });

      mkdirSync(join(root, 'data'));
      expect(chooseDataDir(undefined, env, root).dir).toBe(join(root, 'share', 'swivel')); // an empty ./data is not a store
      writeFileSync(join(root, 'data', 'swivel.db'), '');
      const legacy = chooseDataDir(undefined, env, root);
      expect(legacy.dir).toBe(join(root, 'data'));
      expect(legacy.notice).toContain(`mv "${join(root, 'data')}" "${join(root, 'share', 'swivel')}"`);

      // Once the user folder has sessions of its own, it wins.
      mkdirSync(join(root, 'share', 'swivel'), { recursive: true });
      writeFileSync(join(root, 'share', 'swivel', 'swivel.db'), '');
      expect(chooseDataDir(undefined, env, root)).toEqual({ dir: join(root, 'share', 'swivel'), notice: null });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
