import type { Programme } from '../../../hub/protocol/programme.ts';
import type { SensorAction } from '../components/events.ts';

/** The hub's REST calls the dashboard makes beside its socket. */

/** The programme the hub's sessions follow. */
export async function fetchProgramme(httpBase: string, signal: AbortSignal): Promise<Programme> {
  const response = await fetch(`${httpBase}/api/programme`, { signal });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as Programme;
}

/**
 * The sensor panel's requests (which shin, disconnect, connect). Resolves to null when done, or to
 * what to tell the person; the result itself reaches every viewer as `sensor` and `link` messages.
 */
export async function sendSensorAction(httpBase: string, sensorId: string, request: SensorAction): Promise<string | null> {
  const path = request.action === 'shin' ? '' : `/${request.action}`;
  const init: RequestInit =
    request.action === 'shin'
      ? { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shin: request.shin }) }
      : { method: 'POST' };
  let response: Response;
  try {
    response = await fetch(`${httpBase}/api/sensors/${encodeURIComponent(sensorId)}${path}`, init);
  } catch {
    return 'Not sent: the hub is not reachable. Try again once it is back.';
  }
  if (response.ok) return null;
  const body = (await response.json().catch(() => null)) as { message?: string } | null;
  return `The hub could not do that: ${body?.message ?? `HTTP ${response.status}`}`;
}

/** A phone invited to be the sensor: a coach pairing code whose links open the sensor page once paired. */
export type PhoneInvite = { ok: true; code: string; expiresAt: number; links: string[]; qrCode: string | null } | { ok: false; message: string };

/** Asks for a phone invitation (a coach code, links with `next=sensor`); only the hub machine's dashboard may. */
export async function requestPhoneInvite(httpBase: string): Promise<PhoneInvite> {
  let response: Response;
  try {
    response = await fetch(`${httpBase}/api/pairings/codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'coach', next: 'sensor' }) });
  } catch {
    return { ok: false, message: 'The hub is not reachable. Try again once it is back.' };
  }
  const body = (await response.json().catch(() => null)) as ({ message?: string } & Partial<Extract<PhoneInvite, { ok: true }>>) | null;
  if (!response.ok || !body?.code) return { ok: false, message: body?.message ?? `HTTP ${response.status}` };
  return { ok: true, code: body.code, expiresAt: body.expiresAt ?? 0, links: body.links ?? [], qrCode: body.qrCode ?? null };
}
