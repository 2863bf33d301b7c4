/**
 * Pairing a device (docs/security.md): the page a tablet lands on (/pair), the claim of a code by a
 * browser (a form, so the page needs no script) or a script (JSON), and the hub machine's own
 * routes to create codes, list pairings and revoke them.
 */
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import {
  AccessResponse,
  PairingClaimRequest,
  PairingClaimResponse,
  PairingCodeRequest,
  PairingCodeResponse,
  PairingIdParams,
  PairingListResponse,
} from '../protocol/access.ts';
import { ErrorResponse } from '../protocol/messages.ts';
import { UnknownPairingError, type Pairing } from '../storage/pairing-store.ts';
import { PAIRING_COOKIE, isLoopbackAddress, type AccessControl } from './access.ts';

export interface PairingPluginOptions {
  access: AccessControl;
  /** Served over HTTPS: the cookie is then marked Secure. */
  secure: boolean;
  /** The HTTPS certificate (PEM) for a tablet to trust, served at /swivel-certificate.crt; null over HTTP. */
  certificatePem: string | null;
}

/** A browser forgets a cookie after at most 400 days; the pairing itself lasts until it is revoked. */
const COOKIE_MAX_AGE_SECONDS = 400 * 24 * 3600;
/** Claims per client address: a code has 40 bits, so a guesser gets nowhere before it expires. */
const CLAIMS_PER_MINUTE = 10;

/** The addresses of this machine that another device could open, for the links in a pairing code. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((net) => net && net.family === 'IPv4' && !net.internal)
    .map((net) => net!.address);
}

export const pairingPlugin: FastifyPluginAsync<PairingPluginOptions> = async (fastify, { access, secure, certificatePem }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const claimLimit = { rateLimit: { max: CLAIMS_PER_MINUTE, timeWindow: '1 minute' } };

  // The pairing page's form; small, as it carries only a code and a name.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const pair = (request: FastifyRequest, reply: FastifyReply, code: string, name: string | undefined) => {
    const claimed = access.codes.claim(code);
    if (!claimed.ok) return claimed;
    const { token, pairing } = access.pairings.create(name?.trim() || describeDevice(request), claimed.role);
    reply.setCookie(PAIRING_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: COOKIE_MAX_AGE_SECONDS });
    return { ok: true as const, token, pairing };
  };

  app.get('/api/access', { schema: { response: { 200: AccessResponse } } }, async (request) => {
    const who = request.access;
    return {
      client: who.client === 'loopback' ? ('loopback' as const) : ('paired' as const),
      role: who.role ?? 'viewer',
      name: who.pairing?.name ?? null,
      canManagePairings: who.client === 'loopback',
    };
  });

  app.get('/api/pairings', { schema: { response: { 200: PairingListResponse } } }, async () => ({ pairings: access.pairings.list() }));

  app.post('/api/pairings/codes', { schema: { body: PairingCodeRequest, response: { 201: PairingCodeResponse, 400: ErrorResponse } } }, async (request, reply) => {
    const issued = access.codes.issue(request.body.role);
    const address = app.server.address() as AddressInfo | null;
    const listening = address?.address ?? '127.0.0.1';
    // Listening on loopback only (--host 127.0.0.1), no other device can reach the hub: no links.
    const hosts = isLoopbackAddress(listening) ? [] : listening === '0.0.0.0' || listening === '::' ? lanAddresses() : [listening];
    const scheme = secure ? 'https' : 'http';
    const onward = request.body.next === 'sensor' ? '&next=sensor' : '';
    const links = hosts.map((host) => `${scheme}://${host}:${address?.port}/pair?code=${issued.code}${onward}`);
    const qrCode = links[0] === undefined ? null : `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(links[0], { type: 'svg', margin: 1 })).toString('base64')}`;
    return reply.code(201).send({ ...issued, links, qrCode });
  });

  app.delete('/api/pairings/:id', { schema: { params: PairingIdParams, response: { 200: Type.Object({ pairing: PairingListResponse.properties.pairings.items }), 404: ErrorResponse } } }, async (request, reply) => {
    try {
      return { pairing: access.revoke(request.params.id) };
    } catch (error) {
      if (error instanceof UnknownPairingError) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: error.message });
      throw error;
    }
  });

  app.post('/api/pairing/claim', { config: claimLimit, schema: { body: PairingClaimRequest, response: { 201: PairingClaimResponse, 400: ErrorResponse } } }, async (request, reply) => {
    const result = pair(request, reply, request.body.code, request.body.name);
    if (!result.ok) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: result.message });
    return reply.code(201).send({ token: result.token, pairing: result.pairing });
  });

  // `next=sensor`: a phone invited to be the sensor goes on to the sensor page once paired.
  const Next = Type.Optional(Type.Literal('sensor'));
  app.get('/pair', { schema: { querystring: Type.Object({ code: Type.Optional(Type.String({ maxLength: 32 })), next: Next }), response: { 200: Type.String() } } }, async (request, reply) =>
    reply.type('text/html').send(pairPage({ code: request.query.code ?? '', problem: null, paired: request.access.client === 'refused' ? null : request.access, next: request.query.next })),
  );

  app.post('/pair', { config: claimLimit, schema: { body: Type.Object({ code: Type.Optional(Type.String({ maxLength: 32 })), name: Type.Optional(Type.String({ maxLength: 80 })), next: Next }), response: { 400: Type.String() } } }, async (request, reply) => {
    // A form left empty gets the page again with a sentence, not a validation error in JSON.
    const code = request.body.code?.trim() ?? '';
    const next = request.body.next;
    if (code === '') return reply.code(400).type('text/html').send(pairPage({ code, problem: 'enter the pairing code that the hub printed or shows on its own screen', paired: null, next }));
    const result = pair(request, reply, code, request.body.name);
    if (!result.ok) return reply.code(400).type('text/html').send(pairPage({ code, problem: result.message, paired: null, next }));
    return reply.redirect(next === 'sensor' ? '/sensor' : '/', 303);
  });

  if (certificatePem !== null) {
    app.get('/swivel-certificate.crt', { schema: { response: { 200: Type.String() } } }, async (_request, reply) =>
      reply.type('application/x-x509-ca-cert').header('content-disposition', 'attachment; filename="swivel-certificate.crt"').send(certificatePem),
    );
  }
};

/** A name for a device that did not give one: the browser and system from its User-Agent, roughly. */
function describeDevice(request: FastifyRequest): string {
  const agent = request.headers['user-agent'] ?? '';
  const system = /iPad|iPhone|Android|Windows|Mac OS X|Linux/.exec(agent)?.[0]?.replace('Mac OS X', 'Mac') ?? 'a device';
  return `${system} at ${request.socket.remoteAddress ?? 'an unknown address'}`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page an unpaired device lands on: one field for the code, one for a name, no script. */
function pairPage({ code, problem, paired, next }: { code: string; problem: string | null; paired: { role: string; pairing: Pairing | null } | null; next?: 'sensor' }): string {
  const onward = next === 'sensor' ? '<a href="/sensor">Open the sensor page</a>' : '<a href="/">Open the dashboard</a>';
  const already = paired ? `<p class="ok">This device can already use the hub (${paired.pairing ? `paired as a ${paired.role}` : 'it is the hub machine'}). ${onward}.</p>` : '';
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pair this device with Swivel</title>
<style>
body{font:1.25rem system-ui,sans-serif;background:#0b0d10;color:#f4f6f8;margin:0;padding:2rem;max-width:36rem}
label{display:block;margin-top:1.25rem}input{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;margin-top:.3rem;border-radius:.4rem;border:1px solid #a7b0bc;background:#151a21;color:inherit}
#code{letter-spacing:.15em;text-transform:uppercase}button{font:inherit;margin-top:1.5rem;padding:.7rem 1.4rem;border:0;border-radius:.4rem;background:#4cc9f0;color:#04121a}
.problem{background:#7a1620;padding:.8rem;border-radius:.4rem}.ok{color:#4ade80}a{color:#4cc9f0}p.hint{color:#a7b0bc}
</style>
<h1>Pair this device with Swivel</h1>
${already}${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}.</p>` : ''}
<p class="hint">Sessions hold health data, so only paired devices may open them. The hub prints a pairing code when it starts; the dashboard on the hub machine shows one too, with a QR code.</p>
<form method="post" action="/pair">
<label for="code">Pairing code</label><input id="code" name="code" required autocomplete="off" autocapitalize="characters" value="${escapeHtml(code)}" placeholder="ABCD-EFGH">
<label for="name">A name for this device (shown in the list of pairings)</label><input id="name" name="name" maxlength="80" placeholder="Clinic tablet">
${next === 'sensor' ? '<input type="hidden" name="next" value="sensor">' : ''}<button type="submit">Pair this device</button>
</form></html>`;
}
