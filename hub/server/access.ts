/**
 * Who may reach the hub (docs/security.md). The hub's own machine (loopback) is trusted; any other
 * client must be a paired device, shown by its token (an HttpOnly cookie, or `Authorization: Bearer`
 * for scripts). A state change or a WebSocket from a page on another origin is refused, whoever
 * sends it: that is how a web page in the person's own browser would hijack the hub.
 */
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Pairing, PairingRole, PairingStore } from '../storage/pairing-store.ts';

/** The cookie that carries a paired browser's token. */
export const PAIRING_COOKIE = 'swivel_pairing';

/** WebSocket close codes for a refused connection; the dashboard stops retrying on these and shows the reason. */
export const CLOSE_NOT_PAIRED = 4401;
export const CLOSE_FOREIGN_ORIGIN = 4403;

/** Paths a device that is not paired yet may reach: the pairing page and claim, and the HTTPS certificate to trust. */
const PUBLIC_PATHS = new Set(['/pair', '/api/pairing/claim', '/swivel-certificate.crt', '/favicon.ico']);

/** What the hub knows about the client of one request. */
export type RequestAccess =
  | { client: 'loopback'; role: 'coach'; pairing: null }
  | { client: 'paired'; role: PairingRole; pairing: Pairing }
  /** Neither: `why` says what to do; also set when a WebSocket is refused for its origin. */
  | { client: 'refused'; role: null; pairing: null; why: string; closeCode: number };

declare module 'fastify' {
  interface FastifyRequest {
    access: RequestAccess;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

/**
 * Whether a Host header names this machine in a way no other site can: an IP address, localhost, or
 * the machine's own name. A page on evil.example whose DNS name is pointed at 127.0.0.1 (DNS
 * rebinding) reaches the hub from loopback, but with its own name in Host, and is not trusted.
 */
function isOwnHostName(host: string | undefined): boolean {
  if (!host) return false;
  let name: string;
  try {
    name = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  const bare = name.startsWith('[') ? name.slice(1, -1) : name;
  const machine = hostname().toLowerCase();
  return isIP(bare) !== 0 || bare === 'localhost' || bare.endsWith('.localhost') || bare === machine || bare === `${machine}.local`;
}

/** The Origin of a request when it is not the hub's own (null when same-origin or absent, as from a script). */
export function foreignOrigin(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (origin === undefined) return null;
  try {
    if (origin !== 'null' && new URL(origin).host === request.headers.host) return null;
  } catch {
    // not a URL: foreign
  }
  return origin;
}

/** Short-lived, single-use pairing codes, kept in memory: a hub restart forgets them, as it should. */
export class PairingCodes {
  private readonly codes = new Map<string, { role: PairingRole; expiresAt: number }>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {}

  /** Letters and digits that cannot be misread for one another (no 0/O, 1/I/L). */
  static readonly ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

  issue(role: PairingRole): { code: string; role: PairingRole; expiresAt: number } {
    this.prune();
    const chars = Array.from({ length: 8 }, () => PairingCodes.ALPHABET[randomInt(PairingCodes.ALPHABET.length)]!).join('');
    const code = `${chars.slice(0, 4)}-${chars.slice(4)}`;
    const expiresAt = this.now() + this.lifetimeMs;
    this.codes.set(normaliseCode(code), { role, expiresAt });
    return { code, role, expiresAt };
  }

  /** Uses up a code: its role, or the sentence saying why it cannot be used. */
  claim(code: string): { ok: true; role: PairingRole } | { ok: false; message: string } {
    const key = normaliseCode(code);
    const entry = this.codes.get(key);
    if (!entry) return { ok: false, message: `the pairing code "${code}" is not known to this hub (it may have been used already); ask for a new one on the hub machine` };
    this.codes.delete(key);
    if (entry.expiresAt <= this.now()) {
      return { ok: false, message: `the pairing code "${code}" has expired (codes last ${Math.round(this.lifetimeMs / 60_000)} minutes); ask for a new one on the hub machine` };
    }
    return { ok: true, role: entry.role };
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.codes) if (entry.expiresAt <= now) this.codes.delete(key);
  }
}

/** "abcd efgh", "ABCD-EFGH" and "abcdefgh" are the same code. */
function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export interface AccessControlOptions {
  pairings: PairingStore;
  codes: PairingCodes;
  /** How often open sockets are checked against the store, so a revoke from the command line closes them too. */
  sweepEveryMs: number;
  log: (line: string) => void;
}

/** Decides who a request is from, and keeps every paired device's open sockets so a revoke can close them. */
export class AccessControl {
  readonly pairings: PairingStore;
  readonly codes: PairingCodes;
  private readonly sockets = new Map<WebSocket, number>();
  private sweep: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: AccessControlOptions) {
    this.pairings = options.pairings;
    this.codes = options.codes;
  }

  start(): void {
    this.sweep = setInterval(() => {
      const live = new Map<number, boolean>();
      for (const [socket, id] of this.sockets) {
        if (!live.has(id)) live.set(id, this.pairings.isLive(id));
        if (!live.get(id)) this.closeRevoked(socket);
      }
    }, this.options.sweepEveryMs);
    this.sweep.unref();
  }

  stop(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
  }

  /** Who sent this request; a WebSocket's origin is judged here too, so that its handler can close it with the reason. */
  identify(request: FastifyRequest): RequestAccess {
    const address = request.socket.remoteAddress;
    const origin = isWebSocketUpgrade(request) ? foreignOrigin(request) : null;
    if (origin !== null) return { client: 'refused', role: null, pairing: null, why: foreignOriginSentence(origin), closeCode: CLOSE_FOREIGN_ORIGIN };
    if (isLoopbackAddress(address) && isOwnHostName(request.headers.host)) return { client: 'loopback', role: 'coach', pairing: null };
    const token = tokenOf(request);
    const pairing = token === null ? null : this.pairings.findByToken(token);
    if (pairing) {
      this.pairings.touch(pairing, address ?? 'unknown');
      return { client: 'paired', role: pairing.role, pairing };
    }
    const why = isLoopbackAddress(address)
      ? `this request came from the hub's own machine under the name "${request.headers.host}", which another web site could use to reach the hub; open the dashboard at http://127.0.0.1 or http://localhost instead`
      : token !== null
        ? 'this device was paired once, but that pairing was revoked or is unknown to this hub; pair it again with a new code from the hub machine'
        : 'this device is not paired with the hub; open /pair and enter the code that the hub prints at start (or shows on its own screen)';
    return { client: 'refused', role: null, pairing: null, why, closeCode: CLOSE_NOT_PAIRED };
  }

  /**
   * Called first thing by every WebSocket handler: closes a refused socket with the reason, before
   * anything is sent on it, and otherwise keeps a paired device's socket so a revoke closes it.
   */
  admitSocket(socket: WebSocket, request: FastifyRequest): boolean {
    const access = request.access;
    if (access.client === 'refused') {
      this.options.log(`swivel: refused a WebSocket from ${request.socket.remoteAddress}: ${access.why}`);
      socket.close(access.closeCode, closeReason(access.why));
      return false;
    }
    if (access.client === 'paired') {
      this.sockets.set(socket, access.pairing.id);
      socket.once('close', () => this.sockets.delete(socket));
    }
    return true;
  }

  /** Revokes a pairing and closes its open sockets at once. */
  revoke(id: number): Pairing {
    const pairing = this.pairings.revoke(id);
    for (const [socket, socketPairing] of this.sockets) if (socketPairing === id) this.closeRevoked(socket);
    return pairing;
  }

  private closeRevoked(socket: WebSocket): void {
    this.sockets.delete(socket);
    socket.close(CLOSE_NOT_PAIRED, 'this device\'s pairing was revoked on the hub; pair it again to reconnect');
  }
}

export function isWebSocketUpgrade(request: FastifyRequest): boolean {
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
  return request.cookies?.[PAIRING_COOKIE] || null;
}

function foreignOriginSentence(origin: string): string {
  return `refused a request from a page on ${origin}: the hub takes changes and live connections only from its own dashboard`;
}

/** A WebSocket close reason is at most 123 bytes: the sentence, shortened at a word if it must be. */
export function closeReason(sentence: string): string {
  if (Buffer.byteLength(sentence) <= 123) return sentence;
  let cut = sentence.slice(0, 120);
  while (Buffer.byteLength(`${cut}…`) > 123) cut = cut.slice(0, -1);
  return `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}

/**
 * The hooks that every route passes through: a foreign Origin on a state change is refused; a client
 * that is neither loopback nor paired gets 401 on the API (the pairing page elsewhere); a viewer may
 * not change anything; pairings are managed only from the hub's own machine.
 */
export function guardRoutes(app: FastifyInstance, access: AccessControl): void {
  app.decorateRequest('access', null as never);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    // An upgrade is judged by the socket handler, which closes a refused socket with the reason. An
    // upgrade to an ordinary route never reaches that route's handler: @fastify/websocket closes it.
    const upgrade = isWebSocketUpgrade(request);
    if (!SAFE_METHODS.has(request.method) && !upgrade) {
      const origin = foreignOrigin(request);
      if (origin !== null) return refuse(reply, 403, 'Forbidden', foreignOriginSentence(origin));
    }
    request.access = access.identify(request);
    // A refused WebSocket is closed by its handler, with the reason as the close reason.
    if (upgrade) return;
    if (PUBLIC_PATHS.has(path)) return;
    const who = request.access;
    if (who.client === 'refused') {
      if (path.startsWith('/api/')) return refuse(reply, 401, 'Unauthorized', who.why);
      // A person opening the dashboard on an unpaired tablet lands on the page that pairs it.
      return reply.redirect('/pair', 303);
    }
    if (path.startsWith('/api/pairings') && who.client !== 'loopback') {
      return refuse(reply, 403, 'Forbidden', 'pairings are managed on the hub machine itself (the dashboard opened there, or "swivel pairings"), not from a paired device');
    }
    if (who.role === 'viewer' && !SAFE_METHODS.has(request.method)) {
      return refuse(reply, 403, 'Forbidden', `this device ("${who.pairing!.name}") is paired as a viewer: it can watch and replay sessions but not change anything; pair it as a coach to do that`);
    }
  });
}

function refuse(reply: FastifyReply, statusCode: 401 | 403, error: string, message: string) {
  return reply.code(statusCode).send({ statusCode, error, message });
}
