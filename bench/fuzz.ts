/**
 * bench/fuzz: random and malformed WebSocket messages and HTTP requests against a running hub (a real
 * `swivel serve` process with its own simulator, on loopback): the hub must not crash, must answer
 * every one with a clear error (an `error` message with a sentence, a close code with a reason, or an
 * HTTP status with a JSON message), and its memory must stay bounded.
 *
 *   npm run bench:fuzz                        # 100 000 WebSocket messages and 25 000 HTTP requests
 *   npm run bench:fuzz -- --ws 20000 --http 5000 --seed 7
 *
 * Deterministic for a seed. Prints the hub's heap and RSS before and after, and every kind of answer
 * counted; exits 1 if the hub died or anything went unanswered or was answered without a reason.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { seededRandom } from '../firmware-sim/random.ts';
import { hubMemory, mb, numberOption, rssOf, serveHub, sleep, until } from './support/processes.ts';

const WS_MESSAGES = numberOption('ws', 100_000);
const HTTP_REQUESTS = numberOption('http', 25_000);
/** Sockets sending at once, and messages each keeps in flight (each is answered in order). */
const SOCKETS = 8;
const IN_FLIGHT = 32;

const random = seededRandom(numberOption('seed', 1));
const rand = () => random.next();
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const int = (n: number) => Math.floor(rand() * n);
const randomText = (n: number) => Array.from({ length: n }, () => String.fromCharCode(int(0x3000))).join('');
const randomValue = (depth = 0): unknown => {
  switch (int(depth > 3 ? 5 : 8)) {
    case 0: return null;
    case 1: return rand() < 0.5;
    case 2: return pick([0, -1, 1e308, -1e308, 3.14, Number.MAX_SAFE_INTEGER, 2 ** 64]);
    case 3: return randomText(int(20));
    case 4: return pick(['ping', 'session', 'start', 'next', 'stop', '__proto__', 'constructor', '']);
    case 5: return Array.from({ length: int(4) }, () => randomValue(depth + 1));
    default: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['type', 'command', 'action', 'at', 'exerciseId', 'side', '__proto__', randomText(3)]), randomValue(depth + 1)]));
  }
};

/** One malformed viewer message: never a valid command (those would steer the session), often close to one. */
function wsMessage(): { data: string | Buffer; binary: boolean } {
  switch (int(10)) {
    case 0: return { data: Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256))), binary: true };
    case 1: return { data: randomText(1 + int(100)), binary: false };
    case 2: return { data: JSON.stringify(randomValue()).slice(0, int(60)), binary: false }; // truncated JSON
    case 3: return { data: JSON.stringify({ type: 'ping', at: pick(['now', null, {}, [], '1']) }), binary: false };
    case 4: return { data: JSON.stringify({ type: 'session', command: { action: pick(['jump', 'START', '', 7, null]) } }), binary: false };
    case 5: return { data: JSON.stringify({ type: 'session', command: { action: 'start', exerciseId: randomText(5), side: pick(['up', 'middle', 3]) } }), binary: false };
    case 6: return { data: JSON.stringify({ type: 'session', command: { action: 'next', extra: randomValue() } }), binary: false };
    case 7: return { data: '['.repeat(1000) + ']'.repeat(1000), binary: false }; // deep nesting
    case 8: return { data: JSON.stringify({ type: pick(['replay', 'hello', 'angle', 'Ping', 'ping ']), at: 1 }), binary: false };
    default: return { data: JSON.stringify(randomValue()), binary: false };
  }
}

interface Tally {
  sent: number;
  errors: number;
  emptyReasons: number;
  closedWithReason: Map<string, number>;
  /** Oversized messages whose close had no reason sentence. */
  closesWithoutReason: number;
}

/** One viewer socket sending its share, `IN_FLIGHT` at a time, counting the `error` answers. */
async function fuzzSocket(port: number, count: number, tally: Tally): Promise<void> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  let answered = 0;
  let sent = 0;
  let wake: (() => void) | null = null;
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; message?: string };
    if (message.type !== 'error') return;
    answered++;
    tally.errors++;
    if (!message.message || message.message.length < 20) tally.emptyReasons++;
    wake?.();
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  while (sent < count) {
    while (sent < count && sent - answered < IN_FLIGHT) {
      const { data, binary } = wsMessage();
      socket.send(data, { binary });
      sent++;
      tally.sent++;
    }
    await Promise.race([new Promise<void>((resolve) => (wake = resolve)), closed, sleep(5000)]);
    if (socket.readyState !== WebSocket.OPEN) throw new Error(`a fuzzing socket was closed by the hub after ${sent} messages`);
  }
  await until(`answers to all ${sent} messages on a socket (got ${answered})`, () => answered >= sent, 30_000);
  socket.close();
  await closed;
}

/** Messages over the size limit, or not even WebSocket frames: the hub closes the socket with a code and a reason. */
async function oversized(port: number, tally: Tally, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('error', () => {});
    socket.send('x'.repeat(4097 + int(100_000)));
    tally.sent++;
    const { code, reason } = await closed;
    // A bare code is no answer a person can act on: counted apart, and the run fails.
    if (reason.length < 20) tally.closesWithoutReason++;
    const how = `${code} ${reason}`;
    tally.closedWithReason.set(how, (tally.closedWithReason.get(how) ?? 0) + 1);
  }
}

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'] as const;
const PATHS = ['/api/sessions', '/api/sessions/1', '/api/sessions/abc', '/api/sessions/-1', '/api/sessions/99999999999999999999', '/api/sessions/1/export', '/api/sessions/1/samples.csv?sensor=%00', '/api/sessions/import?exercise=x', '/api/sessions/import?exercise=seated-hip-ir&side=up', '/api/sessions/1/rescore', '/api/session', '/api/sensors', '/api/sensors/sensor-1', '/api/programme', '/api/nothing', '/ws', '/ws/replay/abc', '/%2e%2e/%2e%2e/etc/passwd', '/api/sessions?offset=-5&limit=1e9', '/api/sessions?limit=abc'];

/** One request that is wrong in some way: method, path, query, headers or body. */
function httpRequest(): { method: string; path: string; headers: Record<string, string>; body?: string } {
  const method = pick(METHODS);
  let path = pick(PATHS);
  if (rand() < 0.2) path += `/${encodeURIComponent(randomText(1 + int(10)))}`;
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD' && rand() < 0.8) {
    headers['content-type'] = pick(['application/json', 'text/csv', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16']);
    body = pick([
      () => JSON.stringify(randomValue()),
      () => JSON.stringify(randomValue()).slice(0, int(30)),
      () => randomText(int(300)),
      () => `t,ax,ay,az,gx,gy,gz\n${Array.from({ length: int(20) }, () => Array.from({ length: 7 }, () => pick(['0', 'x', '1e999', '', '-'])).join(',')).join('\n')}`,
      () => JSON.stringify({ name: randomValue(), notes: randomValue() }),
    ])();
  }
  return { method, path, headers, body };
}

/** Not HTTP at all, or HTTP broken at the request line or headers: Node's parser answers 400 and closes. */
function rawRequest(port: number): Promise<string> {
  const lines = pick([
    () => `${randomText(20)}\r\n\r\n`,
    () => `GET /api/health HTTP/9.9\r\nHost: x\r\n\r\n`,
    () => `GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`,
    () => `POST /api/sessions/import HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
    () => `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    () => `GET /api/health HTTP/1.1\r\n${'X-A: b\r\n'.repeat(5000)}\r\n`,
  ])();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => resolve(answer || 'reset'));
    socket.on('close', () => resolve(answer || 'closed without an answer'));
    socket.setTimeout(10_000, () => socket.destroy());
    socket.end(lines);
  });
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'swivel-fuzz-'));
  const hub = await serveHub(['--sensor', 'sim', '--radio', join(root, 'radio'), '--data', join(root, 'data')]);
  const pid = hub.child.pid!;
  let failed = false;
  try {
    await until('the sensor connected', () => hub.out().includes('connected to Swivel-'));
    await sleep(3000); // warm-up: the first seconds compile the pipeline
    const before = { ...(await hubMemory(hub.port)), rss: await rssOf(pid) };
    console.log(`hub pid ${pid}, port ${hub.port}; memory before: heap ${mb(before.heapUsedBytes)}, RSS ${mb(before.rss)}`);

    const started = performance.now();
    const tally: Tally = { sent: 0, errors: 0, emptyReasons: 0, closedWithReason: new Map(), closesWithoutReason: 0 };
    const perSocket = Math.ceil(WS_MESSAGES / SOCKETS);
    await Promise.all(Array.from({ length: SOCKETS }, () => fuzzSocket(hub.port, perSocket, tally)));
    await oversized(hub.port, tally, 50);
    const wsSeconds = (performance.now() - started) / 1000;
    const mid = { ...(await hubMemory(hub.port)), rss: await rssOf(pid) };
    console.log(`WebSocket: ${tally.sent} messages in ${wsSeconds.toFixed(1)} s; ${tally.errors} answered with an error message (${tally.emptyReasons} without a sentence); oversized closes: ${[...tally.closedWithReason].map(([how, n]) => `${n}× "${how}"`).join(', ')} (${tally.closesWithoutReason} without a reason)`);
    console.log(`memory after WebSocket: heap ${mb(mid.heapUsedBytes)}, RSS ${mb(mid.rss)}`);

    const httpStarted = performance.now();
    const statuses = new Map<number | string, number>();
    let withoutMessage = 0;
    /** Answers without a sentence, by request and answer. */
    const unclear = new Map<string, number>();
    let serverErrors = 0;
    const note = (key: number | string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    let next = 0;
    const worker = async () => {
      while (next < HTTP_REQUESTS) {
        next++;
        if (rand() < 0.05) {
          const answer = await rawRequest(hub.port);
          const status = Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1]);
          note(status ? `raw ${status}` : `raw ${answer.slice(0, 30)}`);
          if (status >= 500) serverErrors++;
          continue;
        }
        const request = httpRequest();
        const response = await fetch(`http://127.0.0.1:${hub.port}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
        note(response.status);
        const text = await response.text();
        if (response.status >= 500 && response.status !== 503) serverErrors++;
        if (response.status >= 400 && request.method !== 'HEAD') {
          let message: string | undefined;
          try {
            message = (JSON.parse(text) as { message?: string }).message;
          } catch {
            // not JSON
          }
          if (!message || message.length < 10) {
            withoutMessage++;
            const where = `${request.method} ${request.path.split('?')[0]} → ${response.status} "${text.slice(0, 60)}"`;
            unclear.set(where, (unclear.get(where) ?? 0) + 1);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const httpSeconds = (performance.now() - httpStarted) / 1000;
    await sleep(2000);
    const after = { ...(await hubMemory(hub.port)), rss: await rssOf(pid) };
    const sorted = [...statuses].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    console.log(`HTTP: ${HTTP_REQUESTS} requests in ${httpSeconds.toFixed(1)} s; statuses: ${sorted.map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    console.log(`HTTP errors without a JSON message: ${withoutMessage}${[...unclear].map(([where, n]) => `\n  ${n}× ${where}`).join('')}`);
    console.log(`server errors (5xx but 503): ${serverErrors}`);
    console.log(`memory after: heap ${mb(after.heapUsedBytes)}, RSS ${mb(after.rss)} (before: heap ${mb(before.heapUsedBytes)}, RSS ${mb(before.rss)})`);
    const alive = hub.child.exitCode === null && hub.child.signalCode === null;
    console.log(`hub still running: ${alive ? 'yes' : 'NO'}; total inputs: ${tally.sent + HTTP_REQUESTS}`);
    failed = !alive || tally.emptyReasons > 0 || tally.closesWithoutReason > 0 || withoutMessage > 0 || serverErrors > 0 || tally.errors < tally.sent - 50;
  } finally {
    hub.child.kill('SIGTERM');
    await hub.exited;
    await rm(root, { recursive: true, force: true });
  }
  if (failed) {
    console.log('FAILED: see above');
    process.exitCode = 1;
  }
}

await main();
