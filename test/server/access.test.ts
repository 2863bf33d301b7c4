import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../../firmware-sim/record.ts';
import { AccessControl, PairingCodes } from '../../hub/server/access.ts';
import { buildApp } from '../../hub/server/app.ts';
import { loadOrCreateCertificate } from '../../hub/server/certificate.ts';
import { openDatabase, type SqliteDatabase } from '../../hub/storage/database.ts';
import { PairingStore } from '../../hub/storage/pairing-store.ts';
import { loadDefaultProgramme } from '../../hub/programme/load-programme.ts';
import { inProcessHub } from '../support/in-process-hub.ts';
import { runBin } from '../support/run-bin.ts';
import { waitFor } from '../support/wait.ts';
import { lanAddress } from '../support/lan-address.ts';

/**
 * Who may reach the hub (docs/security.md), with real clients: fetch and ws from this machine's
 * LAN address (not loopback, as a tablet) and from 127.0.0.1 (the hub machine), against a real hub
 * listening on every interface, with its pairings in a real SQLite file.
 */

interface SocketResult {
  opened: boolean;
  messages: { type: string; message?: string }[];
  closed: Promise<{ code: number; reason: string }>;
  socket: WebSocket;
}

/** A real WebSocket client; resolves once it is open (or has been closed without opening). */
async function socketTo(url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<SocketResult> {
  const socket = new WebSocket(url, { ...(options.origin ? { origin: options.origin } : {}), headers: options.headers ?? {} });
  const messages: SocketResult['messages'] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const opened = await new Promise<boolean>((resolve, reject) => {
    socket.once('open', () => resolve(true));
    socket.once('error', reject);
  });
  return { opened, messages, closed, socket };
}

/** Where an unpaired device pairs itself: open to everyone on purpose (the claim is rate-limited). */
const PAIRING_PATHS = ['/pair', '/api/pairing/claim'];

/**
 * Every route of a running app as method and URL pattern, read from fastify's printed route tree
 * (it has no list): each line is a path segment under its parent, indented four characters a level.
 */
function routeTable(app: FastifyInstance): { method: string; url: string }[] {
  const segments: string[] = [];
  const routes: { method: string; url: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[└├]── (.+?) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    segments.length = match[1]!.length / 4;
    segments.push(match[2]!);
    for (const method of match[3]!.split(', ')) routes.push({ method, url: segments.join('') });
  }
  return routes;
}

describe('access: loopback, paired devices, roles and origins', () => {
  const lan = lanAddress();
  let now = Date.now();
  let dataDir: string;
  let db: SqliteDatabase;
  let store: PairingStore;
  let hub: Awaited<ReturnType<typeof inProcessHub>>;
  let local: string;
  let remote: string;
  let sessionId: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swivel-access-'));
    db = openDatabase(dataDir);
    store = new PairingStore(db);
    const access = new AccessControl({ pairings: store, codes: new PairingCodes(60_000, () => now), sweepEveryMs: 100, log: () => {} });
    hub = await inProcessHub({ host: '0.0.0.0', record: {}, access });
    local = `http://127.0.0.1:${hub.port}`;
    remote = `http://${lan}:${hub.port}`;
    const csv = record({ exercise: 'rom-seated', seed: 5, seconds: 10 }).csv;
    const imported = await fetch(`${local}/api/sessions/import?exercise=rom-seated`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(imported.status).toBe(201);
    sessionId = (await imported.json()).id;
  });
  afterAll(async () => {
    await hub?.close();
    db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A new code from the hub machine (loopback), as its dashboard asks for one. */
  const newCode = async (role: 'coach' | 'viewer') => {
    const response = await fetch(`${local}/api/pairings/codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    expect(response.status).toBe(201);
    return (await response.json()) as { code: string; links: string[]; qrCode: string | null; expiresAt: number };
  };

  /** Pairs as a tablet does: the form on /pair, from the LAN address; returns the cookie it was given. */
  const pairWithForm = async (code: string, name: string) => {
    const response = await fetch(`${remote}/pair`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ code, name }) });
    expect(response.status).toBe(303);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    return setCookie.split(';')[0]!;
  };

  it('an unpaired device on the network is refused: 401 with the reason on the API, the pairing page for the dashboard, the socket closed with the reason', async () => {
    const api = await fetch(`${remote}/api/sessions`);
    expect(api.status).toBe(401);
    expect((await api.json()).message).toMatch(/not paired with the hub.*\/pair/);
    const deleted = await fetch(`${remote}/api/sessions/${sessionId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(401);

    const page = await fetch(`${remote}/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/pair');
    const pairPage = await fetch(`${remote}/pair?code=ABCD-EFGH`);
    expect(pairPage.status).toBe(200);
    expect(await pairPage.text()).toContain('value="ABCD-EFGH"');

    const socket = await socketTo(`ws://${lan}:${hub.port}/ws`);
    const { code, reason } = await socket.closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/not paired/);
    // Closed before anything was sent: no hello with the session in it.
    expect(socket.messages).toEqual([]);

    // An upgrade to an ordinary route is not a way around the checks: closed, with nothing sent.
    const sideDoor = await socketTo(`ws://${lan}:${hub.port}/api/session`);
    await sideDoor.closed;
    expect(sideDoor.messages).toEqual([]);
  });

  it('loopback needs no pairing: the API, a change from its own origin, and the live socket work', async () => {
    expect((await fetch(`${local}/api/sessions`)).status).toBe(200);
    const renamed = await fetch(`${local}/api/sessions/${sessionId}`, { method: 'PATCH', headers: { 'content-type': 'application/json', origin: local }, body: JSON.stringify({ name: 'from loopback' }) });
    expect(renamed.status).toBe(200);
    const socket = await socketTo(`ws://127.0.0.1:${hub.port}/ws`, { origin: local });
    await waitFor('the hello message', () => socket.messages.some((m) => m.type === 'hello'));
    socket.socket.close();
  });

  it('a page on another origin is refused, even on loopback: 403 on a change and the socket closed, each with the reason', async () => {
    const evil = 'http://evil.example';
    const renamed = await fetch(`${local}/api/sessions/${sessionId}`, { method: 'PATCH', headers: { 'content-type': 'application/json', origin: evil }, body: JSON.stringify({ name: 'hijacked' }) });
    expect(renamed.status).toBe(403);
    expect((await renamed.json()).message).toMatch(/refused a request from a page on http:\/\/evil\.example/);
    const socket = await socketTo(`ws://127.0.0.1:${hub.port}/ws`, { origin: evil });
    const { code, reason } = await socket.closed;
    expect(code).toBe(4403);
    expect(reason).toMatch(/page on http:\/\/evil\.example/);
    expect(socket.messages).toEqual([]);
    // The same hub on a port of its own host is another origin too.
    const replay = await socketTo(`ws://127.0.0.1:${hub.port}/ws/replay/${sessionId}`, { origin: `http://127.0.0.1:${hub.port + 1}` });
    expect((await replay.closed).code).toBe(4403);
    expect((await (await fetch(`${local}/api/sessions/${sessionId}`)).json()).name).not.toBe('hijacked');
  });

  it('a web site renamed to 127.0.0.1 (DNS rebinding) is not trusted as the hub machine', async () => {
    // fetch() will not send another Host; node:http sends what a rebound browser would.
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: hub.port, path: '/api/sessions', headers: { host: `evil.example:${hub.port}` } }, (answer) => {
        let body = '';
        answer.on('data', (chunk) => (body += chunk));
        answer.on('end', () => resolve({ status: answer.statusCode!, body }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body).message).toMatch(/under the name "evil\.example/);
  });

  it('a device paired as a coach works with its cookie (API, changes, live socket), and a script with its Bearer token', async () => {
    const { code, links, qrCode } = await newCode('coach');
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(links).toContain(`http://${lan}:${hub.port}/pair?code=${code}`);
    expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const cookie = await pairWithForm(code, 'Clinic tablet');

    expect((await fetch(`${remote}/api/sessions`, { headers: { cookie } })).status).toBe(200);
    const access = await (await fetch(`${remote}/api/access`, { headers: { cookie } })).json();
    expect(access).toEqual({ client: 'paired', role: 'coach', name: 'Clinic tablet', canManagePairings: false });
    const renamed = await fetch(`${remote}/api/sessions/${sessionId}`, { method: 'PATCH', headers: { cookie, origin: remote, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'by the coach' }) });
    expect(renamed.status).toBe(200);
    const socket = await socketTo(`ws://${lan}:${hub.port}/ws`, { origin: remote, headers: { cookie } });
    await waitFor('the hello message', () => socket.messages.some((m) => m.type === 'hello'));
    socket.socket.close();
    // A paired device may not manage pairings: that is for the hub machine.
    expect((await fetch(`${remote}/api/pairings`, { headers: { cookie } })).status).toBe(403);

    const script = await fetch(`${remote}/api/pairing/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: (await newCode('coach')).code, name: 'backup script' }) });
    expect(script.status).toBe(201);
    const { token } = await script.json();
    expect((await fetch(`${remote}/api/sessions`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    // The database keeps only a hash of the token.
    expect(JSON.stringify(db.prepare('SELECT * FROM pairings').all())).not.toContain(token);
  });

  it('a device paired as a viewer can watch but not delete, rename or steer the session', async () => {
    const cookie = await pairWithForm((await newCode('viewer')).code, "Physio's laptop");
    expect((await fetch(`${remote}/api/sessions/${sessionId}`, { headers: { cookie } })).status).toBe(200);
    const deleted = await fetch(`${remote}/api/sessions/${sessionId}`, { method: 'DELETE', headers: { cookie, origin: remote } });
    expect(deleted.status).toBe(403);
    expect((await deleted.json()).message).toMatch(/paired as a viewer: it can watch and replay sessions but not change anything/);
    const renamed = await fetch(`${remote}/api/sessions/${sessionId}`, { method: 'PATCH', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x' }) });
    expect(renamed.status).toBe(403);
    expect((await fetch(`${local}/api/sessions/${sessionId}`)).status).toBe(200);

    const socket = await socketTo(`ws://${lan}:${hub.port}/ws`, { origin: remote, headers: { cookie } });
    await waitFor('the hello message', () => socket.messages.some((m) => m.type === 'hello'));
    // The hello tells the dashboard what it may do, so it offers no buttons the hub would refuse.
    expect(socket.messages.find((m) => m.type === 'hello')).toMatchObject({ role: 'viewer' });
    socket.socket.send(JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: 'seated-hip-ir', side: 'left' } }));
    const refused = await waitFor('the refusal', () => socket.messages.find((m) => m.type === 'error'));
    expect(refused.message).toMatch(/cannot start: this device \("Physio's laptop"\) is paired as a viewer/);
    expect(hub.session.view.status).toBe('idle');
    socket.socket.close();
  });

  it('a viewer is refused on every state-changing route the hub has, and every session command on the live socket', async () => {
    const cookie = await pairWithForm((await newCode('viewer')).code, 'Waiting-room screen');
    const sensorId = hub.hub.snapshot()[0]!.sensorId;
    const before = await (await fetch(`${local}/api/sessions/${sessionId}`)).json();
    // Every route that is not a read, from the hub's own route table, so a route added later is covered too.
    const changes = routeTable(hub.app).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && !PAIRING_PATHS.includes(r.url));
    expect(changes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['DELETE /api/sessions/:id', 'PATCH /api/sessions/:id', 'POST /api/sessions/import', 'POST /api/sensors/:sensorId/connect', 'POST /api/sensors/:sensorId/disconnect', 'PATCH /api/sensors/:sensorId', 'POST /api/pairings/codes', 'DELETE /api/pairings/:id']));
    for (const route of changes) {
      const url = route.url.replace(':sensorId', encodeURIComponent(sensorId)).replace(':id', String(sessionId));
      const response = await fetch(`${remote}${url}`, { method: route.method, headers: { cookie, origin: remote, 'content-type': 'application/json' }, body: '{}' });
      expect.soft(response.status, `${route.method} ${route.url}`).toBe(403);
      expect.soft((await response.json()).message, `${route.method} ${route.url}`).toMatch(/paired as a viewer: it can watch and replay sessions but not change anything|pairings are managed on the hub machine/);
    }
    expect(await (await fetch(`${local}/api/sessions/${sessionId}`)).json()).toEqual(before);
    expect(hub.hub.snapshot()[0]!.state).toBe('connected');

    const socket = await socketTo(`ws://${lan}:${hub.port}/ws`, { origin: remote, headers: { cookie } });
    await waitFor('the hello message', () => socket.messages.some((m) => m.type === 'hello'));
    const actions = ['start', 'next', 'previous', 'skip', 'switch-side', 'calibrate', 'count', 'stop'] as const;
    for (const action of actions) socket.socket.send(JSON.stringify({ type: 'session', command: { action } }));
    await waitFor('a refusal for each command', () => socket.messages.filter((m) => m.type === 'error').length === actions.length);
    expect(socket.messages.filter((m) => m.type === 'error').map((m) => m.message!.replace(/ this device .*/, ''))).toEqual(actions.map((action) => `cannot ${action}:`));
    expect(hub.session.view.status).toBe('idle');
    socket.socket.close();
  });

  it('the hello says which role a client has: coach on loopback and for a coach-paired device', async () => {
    const local = await socketTo(`ws://127.0.0.1:${hub.port}/ws`);
    expect(await waitFor('the hello message', () => local.messages.find((m) => m.type === 'hello'))).toMatchObject({ role: 'coach' });
    local.socket.close();
    const cookie = await pairWithForm((await newCode('coach')).code, 'Coach tablet');
    const paired = await socketTo(`ws://${lan}:${hub.port}/ws`, { origin: remote, headers: { cookie } });
    expect(await waitFor('the hello message', () => paired.messages.find((m) => m.type === 'hello'))).toMatchObject({ role: 'coach' });
    paired.socket.close();
  });

  it('revoking a pairing refuses its token at once and closes its open socket, from the API or the command line', async () => {
    const cookie = await pairWithForm((await newCode('coach')).code, 'lost tablet');
    const socket = await socketTo(`ws://${lan}:${hub.port}/ws`, { origin: remote, headers: { cookie } });
    const id = store.list().find((p) => p.name === 'lost tablet')!.id;
    const listed = await (await fetch(`${local}/api/pairings`)).json();
    expect(listed.pairings.find((p: { id: number }) => p.id === id)).toMatchObject({ name: 'lost tablet', role: 'coach', revokedAt: null });
    const revoked = await fetch(`${local}/api/pairings/${id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).pairing.revokedAt).not.toBeNull();
    const { code, reason } = await socket.closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/revoked/);
    const after = await fetch(`${remote}/api/sessions`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect((await after.json()).message).toMatch(/revoked/);

    // From another process, as "swivel pairings revoke" on the hub machine: the hub notices within its sweep.
    const second = await pairWithForm((await newCode('viewer')).code, 'old laptop');
    const secondSocket = await socketTo(`ws://${lan}:${hub.port}/ws`, { origin: remote, headers: { cookie: second } });
    const secondId = store.list().find((p) => p.name === 'old laptop')!.id;
    const list = runBin('swivel', ['pairings', 'list', '--data', dataDir]);
    expect(await list.exited).toBe(0);
    expect(list.out()).toMatch(new RegExp(`${secondId}  viewer  old laptop`));
    const cli = runBin('swivel', ['pairings', 'revoke', String(secondId), '--data', dataDir]);
    expect(await cli.exited).toBe(0);
    expect(cli.out()).toMatch(/revoked pairing .*old laptop/);
    expect((await secondSocket.closed).code).toBe(4401);
    expect((await fetch(`${remote}/api/sessions`, { headers: { cookie: second } })).status).toBe(401);
  });

  it('a pairing code works once, and not after it expires, with a sentence saying so', async () => {
    const { code } = await newCode('coach');
    await pairWithForm(code, 'first');
    const again = await fetch(`${remote}/api/pairing/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(again.status).toBe(400);
    expect((await again.json()).message).toMatch(/not known to this hub \(it may have been used already\)/);

    const late = await newCode('coach');
    now += 60_001;
    const expired = await fetch(`${remote}/pair`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ code: late.code.toLowerCase() }) });
    expect(expired.status).toBe(400);
    expect(expired.headers.get('set-cookie')).toBeNull();
    expect(await expired.text()).toMatch(/has expired/);
  });

  it('pairing codes, the list and revoking are for the hub machine only', async () => {
    const response = await fetch(`${remote}/api/pairings/codes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'coach' }) });
    expect(response.status).toBe(401);
  });

  it('sends security headers and a content security policy', async () => {
    const response = await fetch(`${local}/api/health`);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

});

// A hub of its own: the limit it reaches would refuse the other tests' claims, in whatever order they run.
describe('rate limits', () => {
  const lan = lanAddress();
  let hub: Awaited<ReturnType<typeof inProcessHub>>;
  beforeAll(async () => {
    hub = await inProcessHub({ host: '0.0.0.0' });
  });
  afterAll(() => hub?.close());

  it('limits pairing attempts from one device, with a sentence', async () => {
    let last: Response | null = null;
    for (let i = 0; i < 12 && last?.status !== 429; i++) {
      last = await fetch(`http://${lan}:${hub.port}/api/pairing/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'WRONG-CODE' }) });
    }
    expect(last!.status).toBe(429);
    expect((await last!.json()).message).toMatch(/too many requests from this device/);
  });
});

describe('HTTPS', () => {
  it('makes a self-signed certificate on first run, keeps it, and serves the API and the certificate over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'swivel-tls-'));
    try {
      const first = await loadOrCreateCertificate(dir);
      const second = await loadOrCreateCertificate(dir);
      expect(second.fingerprint).toBe(first.fingerprint);
      expect(second.cert).toBe(first.cert);
      const { SensorHub } = await import('../../hub/sensor-hub.ts');
      const { SessionService } = await import('../../hub/session/session-service.ts');
      const { RadioBindings } = await import('../../hub/ble/radio-bindings.ts');
      const { inProcessRadio } = await import('../../firmware-sim/in-process-radio.ts');
      const programme = await loadDefaultProgramme();
      const live = new SensorHub({ bindings: new RadioBindings(inProcessRadio([])), source: 'sim', sourceReason: 'test', log: () => {} });
      const session = new SessionService({ programme, frames$: live.frames$, link$: live.link$, resetAngle: () => {} });
      const app = await buildApp({ live, session, programme, version: 'test', webRoot: null, tls: { key: first.key, cert: first.cert } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as { port: number }).port;
      try {
        // Trusting exactly this certificate, as a tablet does once it is installed.
        const get = (path: string) =>
          new Promise<{ status: number; body: string }>((resolve, reject) => {
            const request = httpsRequest({ host: '127.0.0.1', port, path, ca: first.cert }, (response) => {
              let body = '';
              response.on('data', (chunk) => (body += chunk));
              response.on('end', () => resolve({ status: response.statusCode!, body }));
            });
            request.on('error', reject);
            request.end();
          });
        expect((await get('/api/health')).status).toBe(200);
        const served = await get('/swivel-certificate.crt');
        expect(served.body).toBe(first.cert);
      } finally {
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
