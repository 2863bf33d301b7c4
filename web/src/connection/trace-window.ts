import type { TraceBuffer } from './trace-buffer.ts';

const DEFAULT_SAMPLE_RATE_HZ = 100;

/**
 * The last seconds of a sensor's angle, for the trace: copied out of the connection's ring buffer
 * only when new samples came in, so an unchanged window keeps its identity (and the chart its draw).
 */
export class TraceWindow {
  samples: Float32Array = new Float32Array(0);
  rateHz = DEFAULT_SAMPLE_RATE_HZ;
  private source: TraceBuffer | null = null;
  private revision = -1;

  constructor(private readonly seconds: number) {}

  /** Follows the shown sensor's buffer (null: none, the window empties). */
  update(trace: TraceBuffer | null, sampleRateHz: number | null): void {
    if (!trace) {
      if (this.samples.length > 0) this.samples = new Float32Array(0);
      this.source = null;
      return;
    }
    this.rateHz = Math.round((sampleRateHz ?? DEFAULT_SAMPLE_RATE_HZ) / 25) * 25 || DEFAULT_SAMPLE_RATE_HZ;
    if (trace !== this.source || trace.revision !== this.revision) {
      this.source = trace;
      this.revision = trace.revision;
      this.samples = trace.latest(Math.min(trace.capacity, this.seconds * this.rateHz));
    }
  }
}
