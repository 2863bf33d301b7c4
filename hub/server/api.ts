import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorResponse, HealthResponse, SensorParams, SensorPatch, SensorsResponse } from '../protocol/messages.ts';
import { Programme } from '../protocol/programme.ts';
import { SessionView } from '../protocol/session.ts';
import type { LiveSource, SessionControl } from './sources.ts';
import type { LatencyWindow } from './latency-window.ts';

export interface ApiOptions {
  live: LiveSource;
  session: SessionControl;
  programme: Programme;
  version: string;
  startedAt: number;
  viewers: { count: number };
  frameLatency: LatencyWindow;
}

export const apiPlugin: FastifyPluginAsync<ApiOptions> = async (fastify, { live, session, programme, version, startedAt, viewers, frameLatency }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/health', { schema: { response: { 200: HealthResponse } } }, async () => {
    const memory = process.memoryUsage();
    return {
      status: 'ok' as const,
      version,
      uptimeSeconds: (Date.now() - startedAt) / 1000,
      sensorSource: live.source,
      sensorSourceReason: live.sourceReason,
      viewers: viewers.count,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      frameLatencyMs: frameLatency.summary(),
    };
  });

  app.get('/sensors', { schema: { response: { 200: SensorsResponse } } }, async () => ({ sensors: live.snapshot() }));

  const unknownSensor = (sensorId: string) => ({
    statusCode: 404,
    error: 'Not Found',
    message: `no sensor "${sensorId}"; the hub has ${live.snapshot().map((s) => `"${s.sensorId}"`).join(', ') || 'none yet'}`,
  });
  const sensorResponses = { 200: SensorsResponse, 404: ErrorResponse, 409: ErrorResponse };
  const notBluetooth = (sensorId: string) => ({
    statusCode: 409,
    error: 'Conflict',
    message: `"${sensorId}" is a phone: it is stopped and started on the phone's own sensor page`,
  });

  // The sensor panel: disconnect (to swap or free the sensor), connect (scan again), which shin.
  app.post('/sensors/:sensorId/disconnect', { schema: { params: SensorParams, response: sensorResponses } }, async (request, reply) => {
    if (!live.snapshot().some((s) => s.sensorId === request.params.sensorId)) return reply.code(404).send(unknownSensor(request.params.sensorId));
    if (!(await live.disconnectSensor(request.params.sensorId))) return reply.code(409).send(notBluetooth(request.params.sensorId));
    return { sensors: live.snapshot() };
  });
  app.post('/sensors/:sensorId/connect', { schema: { params: SensorParams, response: sensorResponses } }, async (request, reply) => {
    if (!live.snapshot().some((s) => s.sensorId === request.params.sensorId)) return reply.code(404).send(unknownSensor(request.params.sensorId));
    if (!live.connectSensor(request.params.sensorId)) return reply.code(409).send(notBluetooth(request.params.sensorId));
    return { sensors: live.snapshot() };
  });
  app.patch('/sensors/:sensorId', { schema: { params: SensorParams, body: SensorPatch, response: sensorResponses } }, async (request, reply) => {
    if (!live.setShin(request.params.sensorId, request.body.shin)) return reply.code(404).send(unknownSensor(request.params.sensorId));
    return { sensors: live.snapshot() };
  });

  // The programme sessions follow: names, stages, instructions and targets for the dashboard.
  app.get('/programme', { schema: { response: { 200: Programme } } }, async () => programme);

  app.get('/session', { schema: { response: { 200: SessionView } } }, async () => session.view);

  // Unknown API paths get a JSON answer that says what exists, not the dashboard's HTML.
  app.setNotFoundHandler({}, async (request, reply) =>
    reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no API route ${request.method} ${request.url}; try GET /api/health, /api/sensors, /api/programme, /api/session or /api/sessions` }),
  );
};
