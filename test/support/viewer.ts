import WebSocket from 'ws';
import { Compile } from 'typebox/compile';
import { ServerMessage, type ServerMessage as Message } from '../../hub/protocol/messages.ts';

const serverMessage = Compile(ServerMessage);

/** A real WebSocket viewer that keeps every message and checks each against the shared schema. */
export async function connectViewer(url: string) {
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  const invalid: unknown[] = [];
  socket.on('message', (data) => {
    const value = JSON.parse(data.toString());
    if (serverMessage.Check(value)) messages.push(value);
    else invalid.push(value);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    socket,
    messages,
    invalid,
    closed,
    of: <K extends Message['type']>(type: K) => messages.filter((m): m is Extract<Message, { type: K }> => m.type === type),
    close: () => socket.close(),
  };
}
