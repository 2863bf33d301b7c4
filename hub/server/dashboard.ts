import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Swivel</title>
<body style="font:1.5rem system-ui;background:#111;color:#eee;padding:2rem">
<h1>The dashboard is not built yet</h1><p>Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it), then reload.</p>`;

/** Serves the built Lit dashboard, or a page that says how to build it. */
export const dashboardPlugin: FastifyPluginAsync<{ webRoot: string | null }> = async (app, { webRoot }) => {
  if (!webRoot || !existsSync(join(webRoot, 'index.html'))) {
    app.get('/', async (_request, reply) => reply.type('text/html').send(NOT_BUILT));
    return;
  }
  // One route per built file (no catch-all), so unknown /api paths still reach the API's own 404.
  await app.register(fastifyStatic, { root: webRoot, prefix: '/', index: ['index.html'], wildcard: false });
  // The phone's sensor page (docs/sensors.md), at an address short enough to type on a phone.
  if (existsSync(join(webRoot, 'sensor.html'))) app.get('/sensor', (_request, reply) => reply.sendFile('sensor.html'));
};

/**
 * The CSP sources ('sha256-…') of the built page's inline scripts, so they run and nothing else
 * inline does. Read from the built index.html, so a change to the page needs no change here.
 */
export function inlineScriptHashes(webRoot: string | null): string[] {
  if (!webRoot || !existsSync(join(webRoot, 'index.html'))) return [];
  const html = readFileSync(join(webRoot, 'index.html'), 'utf8');
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    ([, body]) => `'sha256-${createHash('sha256').update(body!).digest('base64')}'`,
  );
}
