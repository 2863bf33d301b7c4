import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessHub } from '../support/in-process-hub.ts';
import { connectViewer } from '../support/viewer.ts';
import { waitFor } from '../support/wait.ts';

type Hub = Awaited<ReturnType<typeof inProcessHub>>;

/** A WebSocket client written by hand on a raw socket, so a test can stop reading like a stalled tablet. */
async function rawViewer(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((resolve) => socket.once('data', (chunk) => (String(chunk).startsWith('HTTP/1.1 101') ? resolve() : undefined)));
  return socket;
}

/** One masked client text frame (payload < 126 bytes), as RFC 6455 requires from clients. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i % 4]!;
  return frame;
}

describe('HTTP API', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await inProcessHub();
    await waitFor('the sensor to connect', () => hub.hub.snapshot()[0]?.state === 'connected');
  });
  afterAll(() => hub.close());

  it('GET /api/health says the hub is up and which sensor source it chose, and why', async () => {
    const response = await fetch(`${hub.base}/api/health`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'ok', version: 'test', sensorSource: 'sim', sensorSourceReason: 'using the simulated sensor (test)' });
    // Viewers of other tests in this file may still be closing (tests run in any order): it counts down to none.
    expect(Number.isInteger(body.viewers)).toBe(true);
    await waitFor('no viewers left', async () => (await (await fetch(`${hub.base}/api/health`)).json()).viewers === 0);
    expect(body.memory.rssBytes).toBeGreaterThan(0);
  });

  it('GET /api/sensors lists the connected sensor with its statistics', async () => {
    await waitFor('a battery reading', () => hub.hub.snapshot()[0]?.stats.battery !== null);
    // First in a shuffled order, this can run before the first angle frame: wait for it (seen once).
    let body: { sensors: { angle: unknown }[] } = { sensors: [] };
    await waitFor(() => `a sensor with an angle (last seen ${JSON.stringify(body.sensors[0]?.angle)})`, async () => {
      body = await (await fetch(`${hub.base}/api/sensors`)).json();
      return typeof body.sensors[0]?.angle === 'number';
    });
    expect(body.sensors).toHaveLength(1);
    expect(body.sensors[0]).toMatchObject({ state: 'connected', info: { name: 'Swivel-0031' }, stats: { battery: 87, rateHz: 100 } });
    expect(typeof body.sensors[0]!.angle).toBe('number');
  });

  it('GET /api/programme and /api/session give the dashboard the programme and the session as they stand', async () => {
    const programme = await (await fetch(`${hub.base}/api/programme`)).json();
    expect(programme).toMatchObject({ version: 2, id: 'hip-internal-rotation' });
    expect(programme.exercises).toHaveLength(26);
    expect(programme.exercises.find((e: { id: string }) => e.id === 'seated-hip-ir')).toMatchObject({ kind: 'reps', targets: { reps: 20, endHoldSeconds: { min: 3, max: 5 } } });
    const session = await (await fetch(`${hub.base}/api/session`)).json();
    expect(session).toMatchObject({ status: 'idle', programme: { id: 'hip-internal-rotation', exercises: 26 }, results: [] });
  });

  it('the sensor panel: says which shin a sensor is on, disconnects it and connects again, and explains bad requests', async () => {
    const viewer = await connectViewer(hub.ws);
    const sensorId = hub.hub.snapshot()[0]!.sensorId;
    const patch = (body: unknown, id = sensorId) => fetch(`${hub.base}/api/sensors/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const set = await patch({ shin: 'right' });
    expect(set.status).toBe(200);
    expect((await set.json()).sensors[0]).toMatchObject({ sensorId, shin: 'right' });
    await waitFor('the change reaches viewers', () => viewer.of('sensor').some((m) => m.sensor.shin === 'right'));
    const bad = await patch({ shin: 'middle' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/shin/);
    const unknown = await patch({ shin: 'left' }, 'sensor-9');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toBe(`no sensor "sensor-9"; the hub has "${sensorId}"`);

    expect((await fetch(`${hub.base}/api/sensors/${sensorId}/disconnect`, { method: 'POST' })).status).toBe(200);
    await waitFor('idle', () => viewer.of('link').at(-1)?.state === 'idle');
    expect(viewer.of('link').at(-1)!.detail).toMatch(/disconnected from the dashboard/);
    expect((await fetch(`${hub.base}/api/sensors/${sensorId}/connect`, { method: 'POST' })).status).toBe(200);
    await waitFor('connected again', () => viewer.of('link').at(-1)?.state === 'connected');
    expect(hub.hub.snapshot()[0]!.shin).toBe('right'); // kept across the reconnection
    viewer.close();
  });

  it('answers an unknown API path with a 404 that says what exists', async () => {
    const response = await fetch(`${hub.base}/api/sensor`);
    expect(response.status).toBe(404);
    expect((await response.json()).message).toBe('no API route GET /api/sensor; try GET /api/health, /api/sensors, /api/programme, /api/session or /api/sessions');
  });

  it('answers a plain HTTP request to a WebSocket path with a sentence, not an empty 404', async () => {
    for (const path of ['/ws', '/ws/replay/1']) {
      const response = await fetch(`${hub.base}${path}`);
      expect(response.status, path).toBe(426);
      expect((await response.json()).message, path).toMatch(/open it with a WebSocket client/);
    }
  });

  it('without a data directory, says so: /api/sessions answers 503 with the reason, and a replay is refused with it', async () => {
    const response = await fetch(`${hub.base}/api/sessions`);
    expect(response.status).toBe(503);
    expect((await response.json()).message).toBe('recorded sessions are unavailable: this hub was started without a data directory, so it records nothing');
    const replay = await connectViewer(`${hub.ws}/replay/1`);
    expect((await replay.closed).code).toBe(4004);
    expect(replay.of('error')[0]!.message).toMatch(/without a data directory/);
  });

  it('serves a page saying how to build the dashboard when it is not built', async () => {
    const response = await fetch(`${hub.base}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('npm run build:web');
  });
});

describe('WebSocket /ws', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await inProcessHub({ liveOptions: { heartbeatMs: 300, maxBufferedBytes: 64 * 1024 } });
    await waitFor('the sensor to connect', () => hub.hub.snapshot()[0]?.state === 'connected');
  });
  afterAll(() => hub.close());

  it('greets a viewer that joins mid-stream with the current state, then streams', async () => {
    const viewer = await connectViewer(hub.ws);
    await waitFor('angle frames', () => viewer.of('angle').length > 3);
    const hello = viewer.messages[0]!;
    expect(hello.type).toBe('hello');
    if (hello.type !== 'hello') return;
    expect(hello.sensors[0]).toMatchObject({ state: 'connected', info: { name: 'Swivel-0031' } });
    expect(viewer.invalid).toEqual([]);
    viewer.close();
  });

  it('reports the time the hub adds to frames in /api/health', async () => {
    const viewer = await connectViewer(hub.ws);
    await waitFor('angle frames', () => viewer.of('angle').length > 10);
    const { frameLatencyMs } = await (await fetch(`${hub.base}/api/health`)).json();
    expect(frameLatencyMs.frames).toBeGreaterThan(10);
    expect(frameLatencyMs.p50).toBeGreaterThanOrEqual(0);
    expect(frameLatencyMs.p99).toBeGreaterThanOrEqual(frameLatencyMs.p50);
    viewer.close();
  });

  it('keeps two viewers in step: both see the same frames', async () => {
    const a = await connectViewer(hub.ws);
    const b = await connectViewer(hub.ws);
    await waitFor('frames at both', () => a.of('angle').length > 10 && b.of('angle').length > 10);
    const seqB = new Set(b.of('angle').map((f) => f.seq));
    const shared = a.of('angle').filter((f) => seqB.has(f.seq));
    expect(shared.length).toBeGreaterThan(5);
    a.close();
    b.close();
  });

  it('answers a ping, and explains messages it cannot accept without closing the viewer', async () => {
    const viewer = await connectViewer(hub.ws);
    viewer.socket.send(JSON.stringify({ type: 'ping', at: 42 }));
    viewer.socket.send('not json');
    viewer.socket.send(JSON.stringify({ type: 'start-set', exercise: 'x' }));
    viewer.socket.send(JSON.stringify({ type: 'ping', at: 'soon' }));
    viewer.socket.send(Buffer.from([1, 2, 3]));
    await waitFor('four errors', () => viewer.of('error').length >= 4);
    expect(viewer.of('pong')).toEqual([{ type: 'pong', at: 42 }]);
    const errors = viewer.of('error').map((e) => e.message);
    expect(errors[0]).toBe('that message is not valid JSON');
    expect(errors[1]).toMatch(/^the hub did not understand that message/);
    expect(errors[2]).toMatch(/at \/at/);
    expect(errors[3]).toBe('the hub only understands JSON text messages');
    expect(viewer.socket.readyState).toBe(viewer.socket.OPEN);
    viewer.close();
  });

  it('closes a viewer that sends an oversized message, with a reason a person can read', async () => {
    const viewer = await connectViewer(hub.ws);
    viewer.socket.send(JSON.stringify({ type: 'ping', at: 1, padding: 'x'.repeat(10_000) }));
    expect(await viewer.closed).toEqual({ code: 1009, reason: 'messages to the hub are at most 4096 bytes; it closed the connection on a larger one' });
    // Just over the limit is refused too; the limit itself is read and answered as usual.
    const atLimit = await connectViewer(hub.ws);
    const ping = JSON.stringify({ type: 'ping', at: 2, padding: '' });
    atLimit.socket.send(ping.replace('""', `"${'x'.repeat(4096 - ping.length)}"`));
    expect(await waitFor('an answer', () => atLimit.messages.find((m) => m.type === 'error'))).toMatchObject({ message: expect.stringMatching(/did not understand that ping/) });
    atLimit.socket.send('x'.repeat(4097));
    expect((await atLimit.closed).code).toBe(1009);
  });

  it('closes a viewer that sends text that is not UTF-8, with the reason', async () => {
    const viewer = await connectViewer(hub.ws);
    viewer.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await viewer.closed).toEqual({ code: 1007, reason: 'that text message was not valid UTF-8, so the hub closed the connection' });
  });

  it('closes a viewer that stops answering pings', async () => {
    const socket = await rawViewer(hub.port);
    socket.pause(); // never reads again: no pongs
    await waitFor('the stalled viewer to be dropped', () => hub.log.some((line) => line.includes('did not answer a ping')));
    socket.destroy();
  });
});

describe('a viewer that sends but never reads', () => {
  let hub: Hub;
  beforeAll(async () => {
    // Heartbeat off in practice, so only the queue cap can catch it.
    hub = await inProcessHub({ liveOptions: { heartbeatMs: 600_000, maxBufferedBytes: 64 * 1024 } });
    await waitFor('the sensor to connect', () => hub.hub.snapshot()[0]?.state === 'connected');
  });
  afterAll(() => hub.close());

  it('is dropped once its queue passes the cap, and the hub memory stays bounded', async () => {
    const socket = await rawViewer(hub.port);
    socket.pause();
    const heapBefore = process.memoryUsage().heapUsed;
    const batch = Buffer.concat(Array.from({ length: 2000 }, (_, i) => maskedTextFrame(JSON.stringify({ type: 'ping', at: i }))));
    // Each ping asks for a pong the viewer never reads; without a cap the hub would queue them all.
    let sent = 0;
    while (!hub.log.some((line) => line.includes('stopped reading')) && sent < 1_000_000 && !socket.destroyed) {
      if (!socket.write(batch)) await new Promise((resolve) => setTimeout(resolve, 5));
      else await new Promise((resolve) => setImmediate(resolve));
      sent += 2000;
    }
    await waitFor('the viewer to be dropped', () => hub.log.find((line) => line.includes('stopped reading')), 10_000);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
    const health = await (await fetch(`${hub.base}/api/health`)).json();
    expect(health.viewers).toBe(0);
    socket.destroy();
  });
});
