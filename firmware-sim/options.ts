/** Command-line option checks shared by the simulator's commands. */
export class UsageError extends Error {}

export function numberOption(value: string | undefined, name: string, lo: number, hi: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) throw new UsageError(`--${name} must be a number from ${lo} to ${hi}, got "${value}"`);
  return n;
}
