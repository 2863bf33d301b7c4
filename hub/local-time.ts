/**
 * Wall-clock times as a person reads and types them: in the machine's own time zone, with the zone
 * shown, and read back the same way. JSON gets ISO 8601 with the offset, so a script in another zone
 * still knows the instant. (Storage and the hub's API keep milliseconds since the epoch.)
 */

const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, '0');

/** The zone's short name at that instant ("CET", "GMT+1"), as the platform names it. */
function zoneName(date: Date, timeZone?: string): string {
  const part = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'local time';
}

/** "2026-11-18 09:30:05 CET": local time with its zone, for tables and sentences. */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zoneName(d)}`;
}

/** The local date ("2026-11-18"), time ("09:30:05.000") and offset from UTC ("+01:00") of an instant. */
export function localParts(ms: number): { date: string; time: string; offset: string } {
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`,
    offset: `${offset >= 0 ? '+' : '-'}${pad(offset / 60)}:${pad(offset % 60)}`,
  };
}

/** "2026-11-18T09:30:05.000+01:00": the local time with its offset from UTC. */
export function isoWithOffset(ms: number): string {
  const { date, time, offset } = localParts(ms);
  return `${date}T${time}${offset}`;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a date and time as `formatLocalTime` and `isoWithOffset` write them: "2026-11-18",
 * "2026-11-18 09:30" or "2026-11-18T09:30:05" are local time (a date alone is local midnight, where
 * `Date.parse` would take UTC); with "Z" or "+01:00" the offset given is used. Null if it is not one.
 */
export function parseLocalTime(text: string): number | null {
  const trimmed = text.trim();
  if (WITH_ZONE.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isFinite(ms) ? ms : null;
  }
  const match = LOCAL_TIME.exec(trimmed);
  if (!match) return null;
  const [year, month, day, hour = '0', minute = '0', second = '0', fraction = '0'] = match.slice(1);
  const parts = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const d = new Date(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], Number(fraction.padEnd(3, '0')));
  // new Date rolls 2026-02-31 over into March: refuse what is not a real date.
  if (d.getFullYear() !== parts[0] || d.getMonth() !== parts[1] - 1 || d.getDate() !== parts[2] || d.getHours() !== parts[3] || d.getMinutes() !== parts[4]) return null;
  return d.getTime();
}
