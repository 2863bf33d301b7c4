import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { jsonLineReader, type CentralRequest, type RadioBeacon } from '../hub/protocol/radio.ts';
import type { DeviceLink, SimulatedDevice } from './device.ts';

export const beaconFileName = (address: string) => `${address.replace(/:/g, '')}.json`;

/**
 * Puts a device "on the air": a TCP server on an ephemeral loopback port, announced by a beacon file
 * in the radio directory. Each socket a central opens is one radio link; when this process dies the
 * sockets close and the central sees a sensor that went out of range.
 */
export class RadioServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private beaconPath: string | null = null;

  constructor(
    private readonly device: SimulatedDevice,
    private readonly radioDir: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  async start(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('radio server has no TCP address');
    await mkdir(this.radioDir, { recursive: true });
    const beacon: RadioBeacon = { address: this.device.address, port: address.port, pid: process.pid };
    this.beaconPath = join(this.radioDir, beaconFileName(this.device.address));
    await writeFile(this.beaconPath, JSON.stringify(beacon));
    return address.port;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const link: DeviceLink = {
      send: (message) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
      },
      drop: () => socket.destroy(),
    };
    socket.on(
      'data',
      jsonLineReader<CentralRequest>(
        (request) => this.device.handle(link, request),
        (line) => this.log(`ignored a radio line that is not JSON: ${line.slice(0, 80)}`),
      ),
    );
    socket.on('error', () => {}); // a reset from the other side is a closed link, handled below
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.device.linkClosed(link);
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
    if (this.beaconPath) await rm(this.beaconPath, { force: true });
  }
}
