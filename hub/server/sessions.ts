/**
 * `/api/sessions`: recorded sessions (list, one in full, rename or annotate, delete, export,
 * import, re-score). The work is done by Recordings, which `swivel sessions` uses too.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../protocol/messages.ts';
import {
  RecordedSessionDetail,
  RecordedSessionItem,
  RescoreResponse,
  SensorCsvQuery,
  SessionExportManifest,
  SessionIdParams,
  SessionImportQuery,
  SessionListQuery,
  SessionListResponse,
  SessionPatch,
} from '../protocol/recordings.ts';
import { RecordingRequestError, UnknownSessionError, sensorFileName, type Recordings } from '../recording/recordings.ts';
import { ReplayError } from '../recording/replay.ts';
import { summaryCsv } from '../recording/summary-export.ts';
import { Readable } from 'node:stream';

export interface SessionsOptions {
  /** Null when the data directory could not be opened; every route then answers 503 with the reason. */
  recordings: Recordings | null;
  unavailableReason?: string;
}

/** Largest CSV an import accepts (an hour at 400 Hz is about 80 MB). */
const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

const errors = { 400: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse };

export const sessionsPlugin: FastifyPluginAsync<SessionsOptions> = async (fastify, { recordings, unavailableReason }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES }, (_request, body, done) => done(null, body));

  const fail = (reply: FastifyReply, statusCode: 400 | 404 | 503, message: string) =>
    reply.code(statusCode).send({ statusCode, error: statusCode === 400 ? 'Bad Request' : statusCode === 404 ? 'Not Found' : 'Service Unavailable', message });

  // Domain errors become answers a person can act on; anything else is the server's own fault.
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof UnknownSessionError) return fail(reply, 404, error.message);
    if (error instanceof RecordingRequestError || error instanceof ReplayError) return fail(reply, 400, error.message);
    const { validation, statusCode, message } = error as { validation?: unknown; statusCode?: number; message: string };
    if (validation || statusCode === 400) return fail(reply, 400, `bad request: ${message}`);
    if (statusCode === 413) return reply.code(413).send({ statusCode: 413, error: 'Payload Too Large', message: `the file is larger than ${MAX_IMPORT_BYTES / (1024 * 1024)} MB` });
    if (statusCode === 415) return reply.code(415).send({ statusCode: 415, error: 'Unsupported Media Type', message: 'send the CSV as text/csv' });
    throw error;
  });

  // The onRequest hook below has answered already when there is no store.
  const use = (): Recordings => recordings!;
  app.addHook('onRequest', async (_request, reply) => {
    if (!recordings) return fail(reply, 503, `recorded sessions are unavailable: ${unavailableReason ?? 'no data directory'}`);
  });

  app.get('/sessions', { schema: { querystring: SessionListQuery, response: { 200: SessionListResponse, ...errors } } }, async (request) => {
    const offset = request.query.offset ?? 0;
    const limit = request.query.limit ?? 50;
    return { ...use().list(offset, limit), offset, limit };
  });

  // One row per set across every session, for a spreadsheet (the same as `swivel sessions export --summary`).
  app.get('/sessions/summary.csv', { schema: { response: { 200: Type.String(), ...errors } } }, async (request, reply) => {
    const csv = await summaryCsv(use());
    const day = new Date().toISOString().slice(0, 10);
    return reply.type('text/csv').header('content-disposition', `attachment; filename="swivel-sets-${day}.csv"`).send(csv);
  });

  app.get('/sessions/:id', { schema: { params: SessionIdParams, response: { 200: RecordedSessionDetail, ...errors } } }, async (request) => use().show(request.params.id));

  app.patch('/sessions/:id', { schema: { params: SessionIdParams, body: SessionPatch, response: { 200: RecordedSessionItem, ...errors } } }, async (request) =>
    use().rename(request.params.id, request.body),
  );

  app.delete('/sessions/:id', { schema: { params: SessionIdParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    use().delete(request.params.id);
    return reply.code(204).send(null);
  });

  app.get('/sessions/:id/export', { schema: { params: SessionIdParams, response: { 200: SessionExportManifest, ...errors } } }, async (request) => {
    const { id } = request.params;
    const sensors = use().sensors(id);
    return {
      id,
      files: [
        ...sensors.map((sensorId) => ({ name: sensorFileName(sensorId), url: `/api/sessions/${id}/samples.csv?sensor=${encodeURIComponent(sensorId)}`, contentType: 'text/csv', sensorId })),
        { name: 'events.json', url: `/api/sessions/${id}/events.json`, contentType: 'application/json', sensorId: null },
      ],
    };
  });

  app.get('/sessions/:id/samples.csv', { schema: { params: SessionIdParams, querystring: SensorCsvQuery, response: { 200: Type.String(), ...errors } } }, async (request, reply) => {
    const store = use();
    const { id } = request.params;
    const sensors = store.sensors(id);
    const sensorId = request.query.sensor ?? sensors[0];
    if (sensorId === undefined) return fail(reply, 404, `session ${id} has no samples`);
    const pieces = store.sensorCsv(id, sensorId);
    // The first piece is made here so a wrong sensor id is a 400, not a broken download.
    const first = pieces.next();
    const stream = Readable.from((function* () {
      if (!first.done) yield first.value;
      yield* pieces;
    })());
    return reply.type('text/csv').header('content-disposition', `attachment; filename="${sensorFileName(sensorId)}"`).send(stream as never); // streamed: the schema documents it, fastify does not serialise a stream
  });

  app.get('/sessions/:id/events.json', { schema: { params: SessionIdParams, response: { 200: RecordedSessionDetail, ...errors } } }, async (request) => use().show(request.params.id));

  app.post('/sessions/import', { schema: { querystring: SessionImportQuery, response: { 201: RecordedSessionItem, ...errors } } }, async (request, reply) => {
    if (typeof request.body !== 'string') return fail(reply, 400, 'send the CSV (header t,ax,ay,az,gx,gy,gz) as the body, with content-type text/csv');
    const { exercise, side, name, startedAt } = request.query;
    const at = startedAt === undefined ? undefined : Date.parse(startedAt);
    if (at !== undefined && !Number.isFinite(at)) return fail(reply, 400, `startedAt must be a date and time like 2026-11-18T09:30:00Z, got "${startedAt}"`);
    const item = use().importCsv(request.body, { exerciseId: exercise, side: side ?? null, name: name ?? null, fileName: 'the uploaded file', ...(at !== undefined ? { startedAt: at } : {}) });
    return reply.code(201).send(item);
  });

  app.get('/sessions/:id/rescore', { schema: { params: SessionIdParams, response: { 200: RescoreResponse, ...errors } } }, async (request) => use().rescore(request.params.id));
};
