/**
 * Reading a long CSV on a second thread: the worker parses the file (readImuCsv, unchanged) and hands
 * over the samples piece by piece, so that `swivel analyze` runs the pipeline on the samples read so
 * far while the rest is still being parsed, on both cores. The worker is this very module, started
 * again with a marker in its workerData; it loads nothing but the CSV reader.
 *
 * Only the built command uses it: a worker cannot load TypeScript sources (tests, or the tsx fallback),
 * and there the caller reads in its own thread, as it does for standard input and short files.
 */
import { stat } from 'node:fs/promises';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readImuCsv, type ImuCsvResult, type ImuCsvUnits, type ImuSamples } from './imu-csv.ts';

const ROLE = 'swivel-imu-csv-reader';

type ReaderMessage =
  | { kind: 'bytes'; read: number; total: number | null }
  | { kind: 'samples'; samples: ImuSamples }
  | { kind: 'done'; result: ImuCsvResult };

const COLUMNS = ['t', 'ax', 'ay', 'az', 'gx', 'gy', 'gz'] as const;

/** A copy of the samples that owns its memory, so that it can be handed over without copying again. */
function ownCopy(samples: ImuSamples): ImuSamples {
  const copy = { length: samples.length } as { -readonly [K in keyof ImuSamples]: ImuSamples[K] };
  for (const column of COLUMNS) copy[column] = samples[column].slice();
  return copy;
}

const buffersOf = (samples: ImuSamples) => [...new Set(COLUMNS.map((column) => samples[column].buffer as ArrayBuffer))];

/** The worker's side: read, post the pieces and the result. */
async function serveReader(port: NonNullable<typeof parentPort>, path: string, units: ImuCsvUnits): Promise<void> {
  const post = (message: ReaderMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const result = await readImuCsv(
    path,
    units,
    (read, total) => post({ kind: 'bytes', read, total }),
    (piece) => {
      const samples = ownCopy(piece);
      post({ kind: 'samples', samples }, buffersOf(samples));
    },
  );
  post({ kind: 'done', result }, result.ok ? buffersOf(result.samples) : []);
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  const { path, units } = workerData as { path: string; units: ImuCsvUnits };
  void serveReader(parentPort!, path, units);
}

/** Whether this module runs built (JavaScript a worker can load), not from the TypeScript sources. */
export const canReadInWorker = (): boolean => !import.meta.url.endsWith('.ts');

/**
 * Reads `path` on a worker thread; `onSamples` gets each piece as it is parsed (on this thread, in
 * order), `onBytes` the progress. Resolves with readImuCsv's result, or null when the worker could
 * not do it (it could not start, or died): the caller then reads the file itself, from the start.
 */
export function readImuCsvInWorker(
  path: string,
  units: ImuCsvUnits,
  handlers: { onBytes?: (read: number, total: number | null) => void; onSamples: (samples: ImuSamples) => void },
): Promise<ImuCsvResult | null> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: ImuCsvResult | null) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    let worker: Worker;
    try {
      worker = new Worker(new URL(import.meta.url), { workerData: { role: ROLE, path, units } });
    } catch {
      settle(null);
      return;
    }
    worker.on('message', (message: ReaderMessage) => {
      if (settled) return;
      if (message.kind === 'bytes') handlers.onBytes?.(message.read, message.total);
      else if (message.kind === 'samples') handlers.onSamples(message.samples);
      else {
        settle(message.result);
        void worker.terminate();
      }
    });
    worker.once('error', () => {
      settle(null);
      void worker.terminate();
    });
    worker.once('exit', () => settle(null));
  });
}

/** Files at least this large are worth a second thread (a small one is read before a worker has started). */
export const READ_IN_WORKER_BYTES = 4 << 20;

/**
 * A worker read started as early as the file is known (before the pipeline's modules have loaded):
 * its pieces wait here until `take` hands them, and the ones still coming, to the analysis.
 */
export class EarlyRead {
  private readonly waiting: ImuSamples[] = [];
  private sink: ((samples: ImuSamples) => void) | null = null;
  private bytes: ((read: number, total: number | null) => void) | null = null;
  /** readImuCsvInWorker's answer: the result, or null if the worker could not do it. */
  readonly result: Promise<ImuCsvResult | null>;

  constructor(path: string, units: ImuCsvUnits) {
    this.result = readImuCsvInWorker(path, units, {
      onBytes: (read, total) => this.bytes?.(read, total),
      onSamples: (samples) => (this.sink ? this.sink(samples) : this.waiting.push(samples)),
    });
  }

  /** From now on the pieces go to `onSamples`, those that came already first. */
  take(onSamples: (samples: ImuSamples) => void, onBytes?: (read: number, total: number | null) => void): void {
    this.bytes = onBytes ?? null;
    for (const samples of this.waiting.splice(0)) onSamples(samples);
    this.sink = onSamples;
  }
}

/** Starts reading `path` on a worker if it is long enough and this is the built command; else null. */
export async function startReadInWorker(path: string, units: ImuCsvUnits): Promise<EarlyRead | null> {
  if (path === '-' || !canReadInWorker()) return null;
  try {
    if ((await stat(path)).size < READ_IN_WORKER_BYTES) return null;
  } catch {
    // Whatever is wrong with the file, readImuCsv says it in its own words.
    return null;
  }
  return new EarlyRead(path, units);
}
