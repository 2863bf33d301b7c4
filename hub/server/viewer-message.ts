import type { RawData, WebSocket } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES } from '../protocol/messages.ts';

/** A viewer's WebSocket message as JSON, or the sentence telling them why it is not. */
export function parseViewerMessage(data: RawData, isBinary: boolean): { ok: true; value: unknown } | { ok: false; message: string } {
  if (isBinary) return { ok: false, message: 'the hub only understands JSON text messages' };
  try {
    return { ok: true, value: JSON.parse(data.toString()) };
  } catch {
    return { ok: false, message: 'that message is not valid JSON' };
  }
}

/**
 * Reasons for the closes that the `ws` library makes by itself, before the hub's handler sees the
 * message: a frame over the size limit (checked on its header, so a large one is never read into
 * memory), text that is not UTF-8, or bytes that are not a WebSocket frame. Each is at most 123 bytes.
 */
export const LIBRARY_CLOSE_REASONS: Readonly<Record<number, string>> = {
  1002: 'that was not a valid WebSocket frame, so the hub closed the connection',
  1007: 'that text message was not valid UTF-8, so the hub closed the connection',
  1009: `messages to the hub are at most ${MAX_CLIENT_MESSAGE_BYTES} bytes; it closed the connection on a larger one`,
};

/**
 * Gives the library's own closes a reason a person can read. `ws` closes with the bare code
 * (`websocket.close(1009)` in its receiver) and no hook in between; it calls the socket's own `close`,
 * so this socket's `close` fills in the reason when none was given. Everything else is unchanged.
 */
export function explainLibraryCloses(socket: WebSocket): void {
  const close = socket.close.bind(socket);
  socket.close = (code?: number, reason?: string | Buffer) => close(code, reason ?? (code === undefined ? undefined : LIBRARY_CLOSE_REASONS[code]));
}
