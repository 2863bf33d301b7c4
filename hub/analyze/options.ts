/**
 * What `swivel analyze` accepts, and its help: light on purpose, so the command line answers a help
 * request or a mistyped option without loading the pipeline.
 */
import { EXERCISE_IDS } from '../protocol/exercises.ts';
import { ACC_UNITS, GYRO_UNITS, IMU_CSV_HEADER, MAX_RATE_HZ, MIN_RATE_HZ, type AccUnit, type GyroUnit } from './imu-csv.ts';

export const SIDES = ['left', 'right'] as const;
export type Side = (typeof SIDES)[number];

// What the command line checks options against, in one module for cli.ts to load.
export const isSide = (value: string): value is Side => (SIDES as readonly string[]).includes(value);
export const isAccUnit = (value: string): value is AccUnit => (ACC_UNITS as readonly string[]).includes(value);
export const isGyroUnit = (value: string): value is GyroUnit => (GYRO_UNITS as readonly string[]).includes(value);

/** Exercise ids wrapped to fit the help text. */
function wrappedIds(indent: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const id of EXERCISE_IDS) {
    const next = line ? `${line}, ${id}` : id;
    if (indent.length + next.length + 1 > width && line) {
      lines.push(`${line},`);
      line = id;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

export const ANALYZE_HELP = `Usage: swivel analyze FILE.csv --exercise ID [options]
       swivel analyze FILE.csv --orientation OUT.csv

Runs a recorded IMU file through the same angle pipeline as the live hub, and summarises it.

FILE.csv has the header "${IMU_CSV_HEADER}" and one sample per row: t in seconds (any origin,
increasing), acceleration in g and rotation in deg/s unless told otherwise, at a steady ${MIN_RATE_HZ} to ${MAX_RATE_HZ} Hz
(gaps allowed). CRLF line endings, spaces around values and trailing blank lines are fine.

  --exercise ID            the exercise recorded (required unless only --orientation is asked for):
${wrappedIds('                             ')}
  --side left|right        the side exercised (default: not given; null in --json)
  --json                   print one JSON object: exercise, side, samples, gapSeconds, repCount,
                           reps [{start, end, peakAngle, hold, holdMet}], partialCount, partials
                           [{start, end, peak}] (reps short of half the set's range), holds [{start, end}],
                           holdTotal, maxAngle (times in seconds on the file's clock); reps and holds
                           are judged with the programme's targets for the exercise, as in a live set
  --angles OUT.csv         write "t,angle" for every sample (t on the file's clock, angle in degrees)
  --orientation OUT.csv    write "t,qw,qx,qy,qz" for every sample: the fused orientation of the sensor
                           in an earth frame with z up (heading arbitrary); with this alone,
                           --exercise may be left out
  --acc-unit g|mps2        unit of ax, ay, az (default g)
  --gyro-unit dps|rads     unit of gx, gy, gz (default dps)
  -h, --help               this text

A malformed file is reported with its line number and exit code 2.
`;

