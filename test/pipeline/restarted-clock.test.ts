import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { toAngleFrames } from '../../hub/pipeline/operators.ts';
import type { SampleBatch } from '../../hub/pipeline/samples.ts';

/** A still sensor lying level (1 g on z, no rotation): `seconds` of 100 Hz batches of 10 from `t0`. */
function still(t0: number, seconds: number, seqFrom = 0): SampleBatch[] {
  const batches: SampleBatch[] = [];
  for (let k = 0; k < seconds * 10; k++) {
    const imu = new Float64Array(60);
    for (let i = 0; i < 10; i++) imu[i * 6 + 2] = 1;
    batches.push({ sensorId: 's', seq: (seqFrom + k * 10) & 0xffff, t0: t0 + k * 0.1, dt: 0.01, count: 10, imu, receivedAt: 0 });
  }
  return batches;
}

describe('a sensor whose clock starts again (it restarted mid-set)', () => {
  it('keeps the frames’ time moving forward, and the stillness timer counting again after the restart', async () => {
    // 130 s of sensor time, then the sensor reboots and its clock starts from 0.
    const frames = await lastValueFrom(from([...still(0, 130), ...still(0, 5)]).pipe(toAngleFrames(), toArray()));
    const times = frames.map((f) => f.t);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    const before = frames[1299]!;
    const after = frames.at(-1)!;
    // A gap between the two, then the restarted clock's 5 s.
    expect(after.t - before.t).toBeGreaterThan(5);
    expect(after.t - before.t).toBeLessThan(8);
    // Still for most of the 5 s since the restart: the start posture could be taken (it was stuck at 0 while the
    // new clock was behind the old one).
    expect(after.stillSeconds).toBeGreaterThan(2);
  });

  it('gives the same times to the same samples every time (a replay matches the live run)', async () => {
    const batches = [...still(0, 20), ...still(3, 5), ...still(0, 5)];
    const run = async () => (await lastValueFrom(from(batches).pipe(toAngleFrames(), toArray()))).map((f) => [f.t, f.angle]);
    expect(await run()).toEqual(await run());
  });
});
