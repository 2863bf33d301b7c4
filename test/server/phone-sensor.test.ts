import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type RunningHub } from '../../hub/main.ts';
import { STANDARD_QUIRKS, readingToSample, sampleToReading } from '../../hub/protocol/phone-motion.ts';
import type { PhoneServerMessage } from '../../hub/protocol/phone-sensor.ts';
import type { ServerMessage, SensorsResponse } from '../../hub/protocol/messages.ts';
import { lanAddress } from '../support/lan-address.ts';
import { waitFor } from '../support/wait.ts';

/**
 * A phone as the sensor, at the hub's edge: a real hub listening on every interface (its own
 * simulated sensor absent, so the BLE side only scans), real WebSocket clients as the phone's sensor
 * page (from loopback, and from this machine's LAN address as a phone on the network would), and a
 * real viewer on /ws seeing what the dashboard would.
 */

interface Client {
  socket: WebSocket;
  messages: unknown[];
  closed: Promise<{ code: number; reason: string }>;
}

const closers: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function hubOnEveryInterface(): Promise<{ hub: RunningHub; log: string[] }> {
  const radioDir = await mkdtemp(join(tmpdir(), 'swivel-radio-'));
  closers.push(() => rm(radioDir, { recursive: true, force: true }));
  const log: string[] = [];
  const hub = await startHub({ port: 0, host: '0.0.0.0', sensor: 'sim', spawnSimulator: false, radioDir, dataDir: null, log: (line) => log.push(line) });
  closers.push(() => hub.close());
  return { hub, log };
}

/** A real WebSocket client, open (or refused) before it returns; closed after the test. */
async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const socket = new WebSocket(url, { headers });
  closers.push(() => socket.terminate());
  const messages: unknown[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages, closed };
}

const hello = (name = 'Test phone', shin: 'left' | 'right' | null = 'left') => ({ type: 'hello', name, shin, browser: 'standard', clockOrigin: Date.now() });

/** A phone lying still, face up, as the page would send it: each reading converted on the phone. */
function stillSamples(fromMs: number, count: number, intervalMs = 1000 / 60) {
  const t: number[] = [];
  const imu: number[] = [];
  for (let i = 0; i < count; i++) {
    const timeStamp = fromMs + i * intervalMs;
    const sample = new Array<number>(6);
    readingToSample(sampleToReading([0.02, -0.01, 1, 0.1, -0.1, 0.05], timeStamp, STANDARD_QUIRKS), STANDARD_QUIRKS, sample);
    t.push(timeStamp);
    imu.push(...sample);
  }
  return { type: 'samples', t, imu };
}

/** Streams a still phone in messages of six samples, as fast as the hub takes them, until stopped; returns the stopper. */
function stream(client: Client, startMs = 1000): () => number {
  let at = startMs;
  let running = true;
  const next = () => {
    if (!running || client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(JSON.stringify(stillSamples(at, 6)));
    at += 100;
    setTimeout(next, 100);
  };
  next();
  return () => {
    running = false;
    return at;
  };
}

const ofType = <T extends string>(messages: unknown[], type: T) => messages.filter((m): m is Extract<ServerMessage | PhoneServerMessage, { type: T }> => (m as { type?: string }).type === type);

describe('the phone sensor socket (/ws/sensor)', () => {
  it('takes a phone on the hub machine as one more sensor: named, on its shin, at its rate, connected, with angles for the dashboard', { timeout: 30_000 }, async () => {
    const { hub } = await hubOnEveryInterface();
    const viewer = await connect(`ws://127.0.0.1:${hub.port}/ws`);
    const phone = await connect(`ws://127.0.0.1:${hub.port}/ws/sensor`);
    phone.socket.send(JSON.stringify(hello('Pixel in an armband', 'right')));
    await waitFor('the welcome', () => ofType(phone.messages, 'welcome')[0]);
    expect(ofType(phone.messages, 'welcome')[0]!.sensorId).toBe('phone-local');
    const stop = stream(phone);
    closers.push(stop);
    await waitFor('angles of the phone on the viewer socket', () => ofType(viewer.messages, 'angle').find((m) => m.sensorId === 'phone-local'));
    const sensors = await waitFor('the phone in /api/sensors with its rate', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${hub.port}/api/sensors`)).json()) as SensorsResponse;
      const phoneSensor = body.sensors.find((s) => s.sensorId === 'phone-local');
      return phoneSensor?.stats.rateHz && phoneSensor.stats.samples > 0 ? phoneSensor : null;
    });
    expect(sensors.info?.name).toBe('Pixel in an armband');
    expect(sensors.info?.model).toBe('phone');
    expect(sensors.shin).toBe('right');
    expect(sensors.state).toBe('connected');
    expect(sensors.stats.rateHz).toBe(60);
    // The session counts the phone as a connected sensor, though the BLE side is still scanning.
    await waitFor('the session to see a sensor', () => ofType(viewer.messages, 'link').some((m) => m.sensorId === 'phone-local' && m.state === 'connected'));
  });

  it('loses the phone\'s link when it goes quiet or says it was hidden, and connects it again when samples return', { timeout: 30_000 }, async () => {
    const { hub } = await hubOnEveryInterface();
    const viewer = await connect(`ws://127.0.0.1:${hub.port}/ws`);
    const phone = await connect(`ws://127.0.0.1:${hub.port}/ws/sensor`);
    phone.socket.send(JSON.stringify(hello()));
    let stop = stream(phone);
    await waitFor('streaming', () => ofType(viewer.messages, 'angle').length > 3);
    // The screen locks: events simply stop.
    let resumeAt = stop();
    const quiet = await waitFor('the link lost for silence', () => ofType(viewer.messages, 'link').find((m) => m.sensorId === 'phone-local' && m.state === 'lost'));
    expect(quiet.detail).toMatch(/no motion data from the phone.*screen locked/);
    stop = stream(phone, resumeAt + 5000);
    await waitFor('connected again', () => ofType(viewer.messages, 'link').filter((m) => m.sensorId === 'phone-local').at(-1)?.state === 'connected');
    // The page says it was hidden: lost at once, with that reason.
    resumeAt = stop();
    phone.socket.send(JSON.stringify({ type: 'paused', reason: 'hidden' }));
    const hidden = await waitFor('the link lost for the hidden page', () => ofType(viewer.messages, 'link').find((m) => m.sensorId === 'phone-local' && /hidden/.test(m.detail)));
    expect(hidden.state).toBe('lost');
    // The page closes: lost, saying to open it again.
    phone.socket.close();
    await waitFor('the link lost for the closed page', () => ofType(viewer.messages, 'link').find((m) => m.sensorId === 'phone-local' && /closed its connection/.test(m.detail)));
    const sensors = (await (await fetch(`http://127.0.0.1:${hub.port}/api/sensors`)).json()) as SensorsResponse;
    expect(sensors.sensors.find((s) => s.sensorId === 'phone-local')?.stats.linkLosses).toBe(3);
  });

  it('refuses a phone on the network that is not paired, saying so, and takes nothing from it', { timeout: 30_000 }, async () => {
    const { hub, log } = await hubOnEveryInterface();
    const phone = await connect(`ws://${lanAddress()}:${hub.port}/ws/sensor`);
    phone.socket.send(JSON.stringify(hello()));
    const closed = await phone.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/not paired/);
    expect(ofType(phone.messages, 'welcome')).toEqual([]);
    expect(hub.hub.snapshot().some((s) => s.sensorId.startsWith('phone'))).toBe(false);
    expect(log.some((line) => /refused a WebSocket/.test(line))).toBe(true);
  });

  it('refuses a phone paired as a viewer, and takes a phone paired as a coach as its own sensor', { timeout: 30_000 }, async () => {
    const { hub } = await hubOnEveryInterface();
    const remote = `${lanAddress()}:${hub.port}`;
    const pair = async (role: 'coach' | 'viewer', name: string) => {
      const { code } = hub.access.codes.issue(role);
      const response = await fetch(`http://${remote}/api/pairing/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name }) });
      expect(response.status).toBe(201);
      return (await response.json()) as { token: string; pairing: { id: number } };
    };
    const viewerPhone = await pair('viewer', 'Watching phone');
    const refused = await connect(`ws://${remote}/ws/sensor`, { authorization: `Bearer ${viewerPhone.token}` });
    const closed = await refused.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/paired as a viewer.*coach/);

    const coachPhone = await pair('coach', 'Shin phone');
    const phone = await connect(`ws://${remote}/ws/sensor`, { authorization: `Bearer ${coachPhone.token}` });
    phone.socket.send(JSON.stringify(hello('Shin phone')));
    const welcome = await waitFor('the welcome', () => ofType(phone.messages, 'welcome')[0]);
    expect(welcome.sensorId).toBe(`phone-${coachPhone.pairing.id}`);
  });

  it('scores only the sensor that connected last, so two phones streaming at once never count twice', { timeout: 30_000 }, async () => {
    const { hub } = await hubOnEveryInterface();
    const scored: string[] = [];
    const subscription = hub.hub.sessionFrames$.subscribe((frame) => scored.push(frame.sensorId));
    closers.push(() => subscription.unsubscribe());
    const first = await connect(`ws://127.0.0.1:${hub.port}/ws/sensor`);
    first.socket.send(JSON.stringify(hello('First phone')));
    closers.push(stream(first));
    await waitFor('frames of the first phone', () => scored.includes('phone-local'));

    const { code } = hub.access.codes.issue('coach');
    const claimed = await fetch(`http://${lanAddress()}:${hub.port}/api/pairing/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name: 'Second phone' }) });
    const { token, pairing } = (await claimed.json()) as { token: string; pairing: { id: number } };
    const second = await connect(`ws://${lanAddress()}:${hub.port}/ws/sensor`, { authorization: `Bearer ${token}` });
    second.socket.send(JSON.stringify(hello('Second phone')));
    await waitFor('the welcome', () => ofType(second.messages, 'welcome')[0]);
    const from = scored.length;
    closers.push(stream(second));
    const secondId = `phone-${pairing.id}`;
    await waitFor('frames of the second phone', () => scored.filter((id) => id === secondId).length >= 5);
    // Both stream; from the second's hello on, only its frames reach the session.
    expect(new Set(scored.slice(from))).toEqual(new Set([secondId]));
    expect(hub.hub.snapshot().filter((s) => s.state === 'connected').map((s) => s.sensorId).sort()).toEqual(['phone-local', secondId].sort());
  });

  it('answers messages it cannot use with a sentence, and closes a socket that sends samples before hello', { timeout: 30_000 }, async () => {
    const { hub } = await hubOnEveryInterface();
    const early = await connect(`ws://127.0.0.1:${hub.port}/ws/sensor`);
    early.socket.send(JSON.stringify(stillSamples(0, 2)));
    expect(await early.closed).toEqual({ code: 4400, reason: 'the sensor page must say hello before it sends samples' });

    const phone = await connect(`ws://127.0.0.1:${hub.port}/ws/sensor`);
    phone.socket.send(JSON.stringify(hello()));
    phone.socket.send(JSON.stringify({ type: 'samples', t: [1, 2], imu: [0, 0, 1, 0, 0, 0] }));
    phone.socket.send(JSON.stringify({ type: 'samples', t: Array.from({ length: 40 }, (_, i) => i), imu: new Array(240).fill(0) }));
    phone.socket.send(JSON.stringify({ type: 'wave' }));
    phone.socket.send(JSON.stringify({ type: 'samples', t: [1], imu: [0, 0, 1, 0, 0, 1e9] }));
    const errors = await waitFor('four errors', () => {
      const found = ofType(phone.messages, 'error');
      return found.length >= 4 ? found : null;
    });
    expect(errors[3]!.message).toMatch(/did not understand that samples message at \/imu\/5/);
    expect(errors[0]!.message).toMatch(/six values per time.*2 times came with 6 values/);
    expect(errors[1]!.message).toMatch(/did not understand that samples message at \/t/);
    expect(errors[2]!.message).toMatch(/takes \{"type":"hello"/);
  });
});
