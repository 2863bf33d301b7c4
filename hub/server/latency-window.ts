/** The last `size` durations (ms), for percentiles on demand; recording is O(1) and allocation-free. */
export class LatencyWindow {
  private readonly values: Float64Array;
  private next = 0;
  private count = 0;

  constructor(size: number) {
    this.values = new Float64Array(size);
  }

  record(ms: number): void {
    this.values[this.next] = ms;
    this.next = (this.next + 1) % this.values.length;
    this.count = Math.min(this.count + 1, this.values.length);
  }

  summary(): { frames: number; p50: number | null; p99: number | null } {
    if (this.count === 0) return { frames: 0, p50: null, p99: null };
    const sorted = this.values.slice(0, this.count).sort();
    const at = (p: number) => sorted[Math.min(this.count - 1, Math.floor(p * this.count))]!;
    return { frames: this.count, p50: at(0.5), p99: at(0.99) };
  }
}
