/**
 * `/ws/sensor`: a phone's sensor page streams its motion here (hub/protocol/phone-sensor.ts). The
 * phone is a client like any other: loopback, or a device paired as a coach (feeding samples steers
 * the session's counts, which a viewer may not do). Everything else is PhoneSensors' business.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Compile } from 'typebox/compile';
import type { WebSocket } from 'ws';
import { CLOSE_PHONE_NO_HELLO, PhoneClientMessage, PhoneHelloMessage, PhonePausedMessage, PhoneSamplesMessage, type PhoneServerMessage } from '../protocol/phone-sensor.ts';
import type { PhoneConnection, PhoneSensors } from '../phone/phone-sensors.ts';
import { CLOSE_NOT_PAIRED, closeReason, type AccessControl } from './access.ts';
import { notAWebSocketRequest } from './live.ts';
import { parseViewerMessage } from './viewer-message.ts';

const phoneMessage = Compile(PhoneClientMessage);
/** Each message's own schema, to say what is wrong with a message of a known type. */
const byType = { hello: Compile(PhoneHelloMessage), samples: Compile(PhoneSamplesMessage), paused: Compile(PhonePausedMessage) };

/** Close code when another page takes over as the same phone. */
export const CLOSE_PHONE_REPLACED = 4409;

/** The sensor id of a phone: its pairing's, so a phone that reconnects is the same sensor in the panel. */
export const phoneSensorId = (pairingId: number | null): string => (pairingId === null ? 'phone-local' : `phone-${pairingId}`);

export const phoneSensorPlugin: FastifyPluginAsync<{ access: AccessControl; phones: PhoneSensors; log: (line: string) => void }> = async (app, { access, phones, log }) => {
  app.route({
    method: 'GET',
    url: '/ws/sensor',
    handler: notAWebSocketRequest,
    wsHandler: (socket, request) => {
      if (!access.admitSocket(socket, request)) return;
      const who = request.access;
      if (who.role !== 'coach') {
        const why = `this phone ("${who.pairing?.name}") is paired as a viewer, which may watch but not feed samples; pair it as a coach to use it as the sensor`;
        log(`swivel: refused a phone sensor: ${why}`);
        socket.close(CLOSE_NOT_PAIRED, closeReason(why));
        return;
      }
      const sensorId = phoneSensorId(who.pairing?.id ?? null);
      const send = (message: PhoneServerMessage) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));
      let connection: PhoneConnection | null = null;
      socket.on('error', (error) => log(`swivel: phone sensor socket error: ${error.message}`));
      socket.on('close', () => connection?.close('the phone\'s sensor page closed its connection (page closed, phone asleep or out of the network); open it again to carry on'));
      socket.on('message', (data, isBinary) => {
        const parsed = parseViewerMessage(data, isBinary);
        if (!parsed.ok) return send({ type: 'error', message: parsed.message });
        const message = parsed.value;
        if (!phoneMessage.Check(message)) return send({ type: 'error', message: explainBadPhoneMessage(message) });
        if (message.type === 'hello') {
          if (connection) return send({ type: 'error', message: 'this socket said hello already' });
          connection = phones.connect(sensorId, message, () => closeSocket(socket, CLOSE_PHONE_REPLACED, 'another sensor page took over as this phone\'s sensor'));
          return send({ type: 'welcome', sensorId });
        }
        if (!connection) return closeSocket(socket, CLOSE_PHONE_NO_HELLO, 'the sensor page must say hello before it sends samples');
        if (message.type === 'paused') return connection.paused();
        if (message.imu.length !== 6 * message.t.length) {
          return send({ type: 'error', message: `a samples message needs six values per time (ax, ay, az, gx, gy, gz): ${message.t.length} times came with ${message.imu.length} values` });
        }
        connection.samples(message);
      });
    },
  });
};

function closeSocket(socket: WebSocket, code: number, why: string): void {
  socket.close(code, closeReason(why));
}

/** A message that failed validation, in a sentence a person (or a page author) can act on. */
function explainBadPhoneMessage(value: unknown): string {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type !== 'hello' && type !== 'samples' && type !== 'paused') {
    return 'the sensor socket takes {"type":"hello",…}, {"type":"samples","t":[…],"imu":[…]} (at most 32 samples) or {"type":"paused","reason":"hidden"}';
  }
  const first = byType[type].Errors(value)[0];
  const where = first?.instancePath ? ` at ${first.instancePath}` : '';
  return `the hub did not understand that ${type} message${where}: ${first?.message ?? 'unknown shape'}`;
}
