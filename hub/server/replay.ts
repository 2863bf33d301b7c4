/**
 * `/ws/replay/:id`: a recorded session played to one viewer as if live (hub/recording/replay-stream.ts).
 * Each viewer gets a replay of its own, so a physio scrubbing through last week disturbs no one.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Compile } from 'typebox/compile';
import { ReplayClientMessage, type ServerMessage } from '../protocol/messages.ts';
import { ReplayError } from '../recording/replay.ts';
import { SessionReplay } from '../recording/replay-stream.ts';
import type { Recordings } from '../recording/recordings.ts';
import { explainLibraryCloses, parseViewerMessage } from './viewer-message.ts';
import type { AccessControl } from './access.ts';
import { notAWebSocketRequest } from './live.ts';

export interface ReplayPluginOptions {
  access: AccessControl;
  /** Null when the data directory could not be opened. */
  recordings: Recordings | null;
  unavailableReason?: string;
  version: string;
  log: (line: string) => void;
}

const replayClientMessage = Compile(ReplayClientMessage);
/** A replay waits while more than this is queued for its viewer, rather than buffer a whole session. */
const MAX_QUEUED_BYTES = 256 * 1024;
/** The replay cannot be had (no such session, no data directory): the dashboard stops retrying. */
const CLOSE_REFUSED = 4004;
/** The replay failed inside (logged on the hub). */
const CLOSE_FAILED = 1011;
/** Replays at once: each runs the whole pipeline, and the hub's live session shares its one thread. */
const MAX_REPLAYS = 4;

export const replayPlugin: FastifyPluginAsync<ReplayPluginOptions> = async (app, { access, recordings, unavailableReason, version, log }) => {
  const replays = new Set<SessionReplay>();
  app.addHook('onClose', async () => {
    await Promise.all([...replays].map((replay) => replay.stop()));
  });

  app.route<{ Params: { id: string } }>({ method: 'GET', url: '/ws/replay/:id', handler: notAWebSocketRequest, wsHandler: (socket, request) => {
    explainLibraryCloses(socket);
    // A replay is the viewer's own, so a paired viewer may steer it; only who may connect is checked.
    if (!access.admitSocket(socket, request)) return;
    const send = (message: ServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const refuse = (message: string) => {
      send({ type: 'error', message });
      socket.close(CLOSE_REFUSED, 'cannot replay');
    };
    if (!recordings) return refuse(`recorded sessions are unavailable: ${unavailableReason ?? 'no data directory'}`);
    if (replays.size >= MAX_REPLAYS) return refuse(`${MAX_REPLAYS} replays are open already; close one (another tab or screen) and try again`);
    const id = Number(request.params.id);
    if (!Number.isInteger(id) || id < 1) return refuse(`"${request.params.id}" is not a session id; ids are whole numbers from 1`);
    const replay = new SessionReplay({
      store: recordings.store,
      programme: recordings.programme,
      sessionId: id,
      version,
      send,
      drained: async () => {
        while (socket.readyState === socket.OPEN && socket.bufferedAmount > MAX_QUEUED_BYTES) await new Promise((resolve) => setTimeout(resolve, 10));
      },
      log,
      onFailed: () => socket.close(CLOSE_FAILED, 'replay failed'),
    });
    try {
      replay.start();
    } catch (error) {
      if (error instanceof ReplayError) return refuse(error.message);
      log(`swivel: replay of session ${id} could not start: ${(error as Error).stack ?? String(error)}`);
      send({ type: 'error', message: 'the hub could not start this replay (an internal error, logged on the hub)' });
      return socket.close(CLOSE_FAILED, 'replay failed');
    }
    replays.add(replay);
    socket.on('close', () => {
      replays.delete(replay);
      void replay.stop();
    });
    socket.on('error', (error) => log(`swivel: replay viewer socket error: ${error.message}`));
    socket.on('message', (data, isBinary) => {
      const parsed = parseViewerMessage(data, isBinary);
      if (!parsed.ok) return send({ type: 'error', message: parsed.message });
      const value = parsed.value;
      if (!replayClientMessage.Check(value)) {
        const first = replayClientMessage.Errors(value)[0];
        const where = first?.instancePath ? ` at ${first.instancePath}` : '';
        return send({
          type: 'error',
          message: `the replay did not understand that message${where}: ${first?.message ?? 'unknown shape'}; it takes {"type":"replay","command":{"action":"play"|"pause"}}, {"action":"seek","seconds":<number>} or {"action":"speed","speed":1|2|5|10|"max"}; a replay cannot be steered like a live session`,
        });
      }
      if (value.type === 'ping') return send({ type: 'pong', at: value.at });
      try {
        replay.command(value.command);
      } catch (error) {
        if (error instanceof ReplayError) return send({ type: 'error', message: error.message });
        // Not the viewer's fault: logged, said, and the hub goes on (a throw here would end the process).
        log(`swivel: replay command ${JSON.stringify(value.command)} failed: ${(error as Error).stack ?? String(error)}`);
        send({ type: 'error', message: `the hub could not ${value.command.action} the replay (an internal error, logged on the hub)` });
      }
    });
  } });
};
