/**
 * A fixed-size ring of the most recent angle samples (degrees). NaN marks a gap (link or hub lost),
 * which the sparkline draws as a break rather than a line across the outage.
 */
export class TraceBuffer {
  private readonly data: Float32Array;
  private next = 0;
  private filled = 0;
  /** Bumped on every write, so a view can tell cheaply whether to copy a new window. */
  revision = 0;

  constructor(readonly capacity = 4096) {
    this.data = new Float32Array(capacity).fill(Number.NaN);
  }

  get length(): number {
    return this.filled;
  }

  push(value: number): void {
    this.data[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
    this.revision++;
  }

  pushAll(values: readonly number[]): void {
    for (const v of values) this.push(v);
  }

  /** Adds one gap marker, unless the newest sample already is one. */
  gap(): void {
    if (this.filled === 0) return;
    const last = this.data[(this.next + this.capacity - 1) % this.capacity]!;
    if (!Number.isNaN(last)) this.push(Number.NaN);
  }

  /** A copy of the newest `count` samples, oldest first (fewer if the buffer holds fewer). */
  latest(count: number): Float32Array {
    const n = Math.max(0, Math.min(Math.floor(count), this.filled));
    const out = new Float32Array(n);
    const start = (this.next - n + this.capacity) % this.capacity;
    const firstPart = Math.min(n, this.capacity - start);
    out.set(this.data.subarray(start, start + firstPart), 0);
    if (firstPart < n) out.set(this.data.subarray(0, n - firstPart), firstPart);
    return out;
  }
}
