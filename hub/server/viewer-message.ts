import type { RawData } from 'ws';

/** A viewer's WebSocket message as JSON, or the sentence telling them why it is not. */
export function parseViewerMessage(data: RawData, isBinary: boolean): { ok: true; value: unknown } | { ok: false; message: string } {
  if (isBinary) return { ok: false, message: 'the hub only understands JSON text messages' };
  try {
    return { ok: true, value: JSON.parse(data.toString()) };
  } catch {
    return { ok: false, message: 'that message is not valid JSON' };
  }
}
