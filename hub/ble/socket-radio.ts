import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { jsonLineReader, type PeripheralMessage, type Radio, type RadioBeacon, type RadioLink } from '../protocol/radio.ts';

/**
 * The simulated air over loopback: simulators announce themselves with beacon files in a directory,
 * each link is one TCP connection to the simulator's port. A simulator that dies closes its sockets,
 * which is exactly what a sensor going out of range looks like to the hub.
 */
export function socketRadio(radioDir: string, warn: (message: string) => void = () => {}): Radio {
  return {
    async endpoints() {
      let names: string[];
      try {
        names = (await readdir(radioDir)).filter((name) => name.endsWith('.json'));
      } catch {
        return []; // no directory yet: no simulator has started, the air is empty
      }
      const beacons = await Promise.all(
        names.map(async (name) => {
          try {
            return JSON.parse(await readFile(join(radioDir, name), 'utf8')) as RadioBeacon;
          } catch {
            return null; // half-written or stale file: skip it this round
          }
        }),
      );
      return beacons
        .filter((beacon): beacon is RadioBeacon => !!beacon && typeof beacon.port === 'number' && typeof beacon.address === 'string')
        .map((beacon) => ({ address: beacon.address, open: () => openSocketLink(beacon.port, warn) }));
    },
  };
}

function openSocketLink(port: number, warn: (message: string) => void): Promise<RadioLink> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const closeListeners: (() => void)[] = [];
    const messageListeners: ((message: PeripheralMessage) => void)[] = [];
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {}); // the close event follows and is what matters
      resolve({
        send: (request) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(request)}\n`);
        },
        onMessage: (listener) => messageListeners.push(listener),
        onClose: (listener) => closeListeners.push(listener),
        close: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
    socket.on(
      'data',
      jsonLineReader<PeripheralMessage>(
        (message) => messageListeners.forEach((listener) => listener(message)),
        (line) => warn(`ignored a radio message that is not JSON: ${line.slice(0, 80)}`),
      ),
    );
    socket.once('close', () => closeListeners.forEach((listener) => listener()));
  });
}
