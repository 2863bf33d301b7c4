import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImuCsv, sampleTiming, type ImuCsvErrorKind, type ImuCsvUnits } from '../../hub/analyze/imu-csv.ts';

const HEADER_HELP = 'line 1: expected the header "t,ax,ay,az,gx,gy,gz" (any order; "," ";" or tab between; units may follow a name, as in "ax (m/s^2)"): ';
const HEADER = 't,ax,ay,az,gx,gy,gz';

/** `count` still rows at `rateHz`, from `start` seconds. */
function rows(count: number, rateHz = 100, start = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${start + i / rateHz},0,0,-1,0,0,0`);
}

let dir = '';
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swivel-imu-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(content: string): Promise<string> {
  const path = join(dir, `f${files++}.csv`);
  await writeFile(path, content);
  return path;
}

async function read(content: string, units?: ImuCsvUnits) {
  return readImuCsv(await fixture(content), units);
}

interface BadCase {
  name: string;
  content: string;
  kind: ImuCsvErrorKind;
  line: number | null;
  message: string;
}

const bad: BadCase[] = [
  {
    name: 'an empty file',
    content: '',
    kind: 'empty',
    line: null,
    message: 'the file is empty: expected the header "t,ax,ay,az,gx,gy,gz" and at least 2 rows',
  },
  {
    name: 'a file of blank lines',
    content: '\n  \r\n\n',
    kind: 'empty',
    line: null,
    message: 'the file is empty: expected the header "t,ax,ay,az,gx,gy,gz" and at least 2 rows',
  },
  {
    name: 'a wrong header',
    content: ['tick,ax,ay,az,gx,gy,gz', ...rows(3)].join('\n'),
    kind: 'bad-header',
    line: 1,
    message: `${HEADER_HELP}"tick" is not one of t, ax, ay, az, gx, gy, gz`,
  },
  {
    name: 'a unit it does not know',
    content: ['t,ax (furlongs),ay,az,gx,gy,gz', ...rows(3)].join('\n'),
    kind: 'bad-header',
    line: 1,
    message: `${HEADER_HELP}"ax (furlongs)": the unit "furlongs" is not one of g, m/s^2, m/s2, m/s², mps2, m s^-2`,
  },
  {
    name: 'a header with a column missing',
    content: ['t,ax,ay,az,gx,gy', ...rows(3)].join('\n'),
    kind: 'bad-header',
    line: 1,
    message: `${HEADER_HELP}gz is missing`,
  },
  {
    name: 'no header at all',
    content: rows(3).join('\n'),
    kind: 'bad-header',
    line: 1,
    message: 'line 1: missing header: expected "t,ax,ay,az,gx,gy,gz" as the first line, found a row of numbers',
  },
  {
    name: 'a blank line before the header',
    content: ['', HEADER, ...rows(3)].join('\n'),
    kind: 'bad-header',
    line: 1,
    message: 'line 1: expected the header "t,ax,ay,az,gx,gy,gz", found a blank line',
  },
  {
    name: 'too few values on a row',
    content: [HEADER, '0,0,0,-1,0,0,0', '0.01,0,0,-1,0,0', '0.02,0,0,-1,0,0,0'].join('\n'),
    kind: 'column-count',
    line: 3,
    message: 'line 3: expected 7 values (t,ax,ay,az,gx,gy,gz), found 6',
  },
  {
    name: 'a trailing comma',
    content: [HEADER, '0,0,0,-1,0,0,0', '0.01,0,0,-1,0,0,0,'].join('\n'),
    kind: 'column-count',
    line: 3,
    message: 'line 3: expected 7 values (t,ax,ay,az,gx,gy,gz), found 8',
  },
  {
    name: 'a word where a number should be',
    content: [HEADER, '0,0,0,-1,0,0,0', '0.01,0,0,-1,0,0,0', '0.02,0,0,abc,0,0,0'].join('\n'),
    kind: 'not-a-number',
    line: 4,
    message: 'line 4: az is not a number: "abc"',
  },
  {
    name: 'a hexadecimal number',
    content: [HEADER, '0,0,0,-1,0x10,0,0'].join('\n'),
    kind: 'not-a-number',
    line: 2,
    message: 'line 2: gx is not a number: "0x10"',
  },
  {
    name: 'an empty value',
    content: [HEADER, '0,0,0,-1,0,,0'].join('\n'),
    kind: 'not-a-number',
    line: 2,
    message: 'line 2: gy is empty',
  },
  {
    name: 'NaN',
    content: [HEADER, '0,0,0,-1,0,0,0', '0.01,0,0,-1,NaN,0,0'].join('\n'),
    kind: 'not-finite',
    line: 3,
    message: 'line 3: gx is not finite: "NaN"',
  },
  {
    name: 'Infinity',
    content: [HEADER, '0,-Infinity,0,-1,0,0,0'].join('\n'),
    kind: 'not-finite',
    line: 2,
    message: 'line 2: ax is not finite: "-Infinity"',
  },
  {
    name: 'a number too large for a double',
    content: [HEADER, '0,0,0,-1,0,0,0', '1e999,0,0,-1,0,0,0'].join('\n'),
    kind: 'not-finite',
    line: 3,
    message: 'line 3: t is not finite: "1e999" is out of range',
  },
  {
    name: 'a repeated t',
    content: [HEADER, '0,0,0,-1,0,0,0', '0.01,0,0,-1,0,0,0', '0.01,0,0,-1,0,0,0'].join('\n'),
    kind: 't-not-increasing',
    line: 4,
    message: 'line 4: t does not increase: 0.01 comes after 0.01 on line 3',
  },
  {
    name: 't going backwards',
    content: [HEADER, '0,0,0,-1,0,0,0', '0.01,0,0,-1,0,0,0', '0.005,0,0,-1,0,0,0'].join('\n'),
    kind: 't-not-increasing',
    line: 4,
    message: 'line 4: t does not increase: 0.005 comes after 0.01 on line 3',
  },
  {
    name: 'a blank line inside the data',
    content: [HEADER, '0,0,0,-1,0,0,0', '', '0.01,0,0,-1,0,0,0'].join('\n'),
    kind: 'blank-line',
    line: 3,
    message: 'line 3: blank line inside the data (only trailing blank lines are allowed)',
  },
  {
    name: 'a header and no data',
    content: `${HEADER}\n\n`,
    kind: 'too-few-samples',
    line: null,
    message: 'found 0 samples after the header; need at least 2',
  },
  {
    name: 'a single sample',
    content: [HEADER, '0,0,0,-1,0,0,0', ''].join('\n'),
    kind: 'too-few-samples',
    line: null,
    message: 'found 1 sample after the header; need at least 2',
  },
  {
    name: 'a rate below 25 Hz',
    content: [HEADER, ...rows(20, 10)].join('\n'),
    kind: 'rate-out-of-range',
    line: null,
    message: 'the sample rate is about 10 Hz (median interval 100 ms); expected 25 to 400 Hz',
  },
  {
    name: 'a rate just below 25 Hz',
    content: [HEADER, ...rows(20, 24)].join('\n'),
    kind: 'rate-out-of-range',
    line: null,
    message: 'the sample rate is about 24 Hz (median interval 41.7 ms); expected 25 to 400 Hz',
  },
  {
    name: 'a rate above 400 Hz',
    content: [HEADER, ...rows(20, 1000)].join('\n'),
    kind: 'rate-out-of-range',
    line: null,
    message: 'the sample rate is about 1000 Hz (median interval 1 ms); expected 25 to 400 Hz',
  },
  {
    name: 't in milliseconds',
    content: [HEADER, ...rows(20, 0.1)].join('\n'),
    kind: 'rate-out-of-range',
    line: null,
    message: 'the sample rate is about 0.1 Hz (median interval 10000 ms); expected 25 to 400 Hz; is t in milliseconds? It must be in seconds',
  },
  {
    name: 'CRLF line endings (the line number still counts lines)',
    content: [HEADER, '0,0,0,-1,0,0,0', '0.01,0,0,-1,0,0,0', '0.02,0,0,-1,0,0'].join('\r\n'),
    kind: 'column-count',
    line: 4,
    message: 'line 4: expected 7 values (t,ax,ay,az,gx,gy,gz), found 6',
  },
];

describe('readImuCsv rejects a malformed file with the line and the problem', () => {
  it.each(bad)('$name', async ({ content, kind, line, message }) => {
    const result = await read(content);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual({ kind, line, message });
  });

  it('a missing file', async () => {
    expect(await readImuCsv(join(dir, 'does-not-exist.csv'))).toEqual({
      ok: false,
      error: { kind: 'missing', line: null, message: 'cannot read the file: no such file' },
    });
  });

  it('a directory', async () => {
    const sub = join(dir, 'a-directory.csv');
    await mkdir(sub);
    expect(await readImuCsv(sub)).toEqual({
      ok: false,
      error: { kind: 'unreadable', line: null, message: 'cannot read the file: is a directory, not a CSV file' },
    });
  });

  it('reports the first problem only', async () => {
    const result = await read([HEADER, '0,0,0,-1,0,0', 'x,0,0,-1,0,0,0'].join('\n'));
    expect(!result.ok && result.error.message).toBe('line 2: expected 7 values (t,ax,ay,az,gx,gy,gz), found 6');
  });
});

describe('readImuCsv accepts', () => {
  it('CRLF, spaces around values, a byte-order mark, a capitalised header and trailing blank lines', async () => {
    const content = `\uFEFF T , AX, ay ,az,gx,gy,GZ \r\n  0.5 , 0.1,0.2, -0.98 ,1,2,3\r\n0.51,0.1,0.2,-0.98,1,2,3  \r\n\r\n   \r\n`;
    const result = await read(content);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.samples.length).toBe(2);
    expect(Array.from(result.samples.t)).toEqual([0.5, 0.51]);
    expect(Array.from(result.samples.az)).toEqual([-0.98, -0.98]);
    expect(Array.from(result.samples.gz)).toEqual([3, 3]);
  });

  it.each([25, 50, 104, 400])('a steady %d Hz', async (rateHz) => {
    const result = await read([HEADER, ...rows(50, rateHz, 1234.5)].join('\n'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.timing.rateHz).toBeCloseTo(rateHz, 6);
    expect(result.timing).toMatchObject({ gapCount: 0, gapSeconds: 0 });
  });

  it('a negative and exponent-notation t, keeping full precision', async () => {
    const result = await read([HEADER, '-1.5e-2,0,0,-1,0,0,0', '-5e-3,0,0,-1,0,0,0', '5.000000000000001e-3,0,0,-1,0,0,0'].join('\n'));
    expect(result.ok && Array.from(result.samples.t)).toEqual([-0.015, -0.005, 0.005000000000000001]);
  });

  it('converts m/s² to g and rad/s to deg/s', async () => {
    const result = await read([HEADER, `0,0,${9.80665 / 2},-9.80665,${Math.PI},0,-${Math.PI / 2}`, '0.01,0,0,0,0,0,0'].join('\n'), { acc: 'mps2', gyro: 'rads' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.samples.ay[0]).toBeCloseTo(0.5, 12);
    expect(result.samples.az[0]).toBeCloseTo(-1, 12);
    expect(result.samples.gx[0]).toBeCloseTo(180, 10);
    expect(result.samples.gz[0]).toBeCloseTo(-90, 10);
    expect(result.samples.t[0]).toBe(0); // t is never scaled
  });

  it("what loggers and spreadsheets write: any column order, units in the header, ';' with decimal commas, tabs", async () => {
    const expected = { t: [0.5, 0.51], ax: [0.5, 0.5], az: [-1, -1], gx: [180, 180], gz: [3, 3] };
    const files = [
      // A phone logger: time in ms, m/s² and rad/s named in the header, gyroscope first.
      `time_ms,gx [rad/s],gy [rad/s],gz [rad/s],ax (m/s^2),ay (m/s^2),az (m/s^2)\n500,${Math.PI},0,${(3 * Math.PI) / 180},${9.80665 / 2},0,-9.80665\n510,${Math.PI},0,${(3 * Math.PI) / 180},${9.80665 / 2},0,-9.80665\n`,
      // A spreadsheet in a European locale.
      't;ax;ay;az;gx;gy;gz\n0,5;0,5;0;-1;180;0;3\n0,51;0,5;0;-1;180;0;3\n',
      // Tabs, quoted names, units that say what the defaults are anyway.
      '"t (s)"\t"ax (g)"\tay\taz\t"gx (deg/s)"\tgy\tgz\n0.5\t0.5\t0\t-1\t180\t0\t3\n0.51\t0.5\t0\t-1\t180\t0\t3\n',
    ];
    for (const content of files) {
      const result = await read(content);
      expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
      if (!result.ok) continue;
      for (const [column, values] of Object.entries(expected)) {
        Array.from(result.samples[column as keyof typeof expected]).forEach((v, i) => expect(v, `${column}[${i}] of ${content.split('\n')[0]}`).toBeCloseTo(values[i]!, 9));
      }
    }
  });
});

describe('gaps', () => {
  it('counts an interval over 1.5 × the median as a gap of (interval − median)', async () => {
    // 100 Hz, then 0.5 s missing, then 100 Hz again, then one interval of 1.4 × (not a gap).
    const before = rows(100, 100, 0);
    const after = rows(100, 100, 1.5);
    const late = ['2.504,0,0,-1,0,0,0'];
    const result = await read([HEADER, ...before, ...after, ...late].join('\n'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.timing.medianInterval).toBeCloseTo(0.01, 12);
    expect(result.timing.gapCount).toBe(1);
    expect(result.timing.gapSeconds).toBeCloseTo(1.5 - 0.99 - 0.01, 9);
    expect(result.timing.duration).toBeCloseTo(2.504, 12);
  });

  it('takes the median of an even number of intervals as the mean of the middle two', () => {
    expect(sampleTiming([0, 0.01, 0.03]).medianInterval).toBeCloseTo(0.015, 12);
    expect(sampleTiming([0, 0.01, 0.02, 0.05]).medianInterval).toBeCloseTo(0.01, 12);
  });
});
