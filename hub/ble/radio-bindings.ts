import { EventEmitter } from 'node:events';
import {
  DISCONNECT_REASON,
  fromBase64,
  toBase64,
  type CentralRequest,
  type PeripheralMessage,
  type Radio,
  type RadioLink,
  type RadioService,
} from '../protocol/radio.ts';

/** Distributive Omit, so each request variant keeps its own fields. */
type RequestBody = CentralRequest extends infer R ? (R extends CentralRequest ? Omit<R, 'id'> : never) : never;

interface DeviceLinkState {
  address: string;
  link: RadioLink;
  connected: boolean;
  connecting: boolean;
  services: RadioService[];
}

const SCAN_PERIOD_MS = 250;
const REQUESTED_MTU = 247;

/** noble's peripheral ids are the address in lowercase hex without separators. */
export const peripheralIdOf = (address: string) => address.replace(/:/g, '').toLowerCase();

/**
 * A noble bindings object for the simulated radio. noble calls the methods below and listens for the
 * events they cause, exactly as with the HCI bindings for a real adapter, so everything above noble
 * runs the same code for a simulator as for a real sensor.
 */
export class RadioBindings extends EventEmitter {
  private readonly devices = new Map<string, DeviceLinkState>();
  /** Connect requests awaiting an answer: the only requests whose failure noble can be told of. */
  private readonly pendingConnects = new Map<number, string>();
  /** Service UUIDs asked for, by request id: the device sends its whole table and we filter. */
  private readonly serviceFilter = new Map<number, string[]>();
  private nextRequestId = 1;
  private scanFilter: string[] | null = null;
  private scanTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly radio: Radio) {
    super();
  }

  init(): void {
    process.nextTick(() => {
      this.emit('addressChange', '00:00:00:00:00:00');
      this.emit('stateChange', 'poweredOn');
    });
  }

  setScanParameters(): void {
    process.nextTick(() => this.emit('scanParametersSet'));
  }

  startScanning(serviceUuids: string[] = [], allowDuplicates = false): void {
    this.scanFilter = serviceUuids.map((uuid) => uuid.toLowerCase());
    process.nextTick(() => this.emit('scanStart', !allowDuplicates));
    if (!this.scanTimer) void this.scanRound();
  }

  stopScanning(): void {
    this.scanFilter = null;
    if (this.scanTimer) clearTimeout(this.scanTimer);
    this.scanTimer = null;
    process.nextTick(() => this.emit('scanStop'));
  }

  /** One round of listening: reach every announced device and ask it to advertise. */
  private async scanRound(): Promise<void> {
    this.scanTimer = setTimeout(() => void this.scanRound(), SCAN_PERIOD_MS);
    let endpoints;
    try {
      endpoints = await this.radio.endpoints();
    } catch {
      return;
    }
    for (const endpoint of endpoints) {
      if (this.scanFilter === null) return;
      const id = peripheralIdOf(endpoint.address);
      if (this.devices.has(id)) {
        this.request(id, { op: 'advertise' });
        continue;
      }
      try {
        await this.attach(id, endpoint.address, await endpoint.open());
        this.request(id, { op: 'advertise' });
      } catch {
        // A beacon whose simulator is gone (connection refused): nothing on the air there.
      }
    }
  }

  private async attach(id: string, address: string, link: RadioLink): Promise<void> {
    const existing = this.devices.get(id);
    if (existing) {
      link.close(); // another round got there first
      return;
    }
    const state: DeviceLinkState = { address, link, connected: false, connecting: false, services: [] };
    this.devices.set(id, state);
    link.onMessage((message) => this.receive(id, message));
    link.onClose(() => {
      if (this.devices.get(id) !== state) return;
      this.devices.delete(id);
      for (const [requestId, peripheralId] of this.pendingConnects) if (peripheralId === id) this.pendingConnects.delete(requestId);
      if (state.connected) this.emit('disconnect', id, DISCONNECT_REASON.connectionTimeout);
      else if (state.connecting) this.emit('connect', id, new Error('the sensor went out of range while connecting'));
    });
  }

  private request(peripheralId: string, body: RequestBody): boolean {
    const state = this.devices.get(peripheralId);
    if (!state) return false;
    const request = { ...body, id: this.nextRequestId++ } as CentralRequest;
    if (request.op === 'connect') this.pendingConnects.set(request.id, peripheralId);
    state.link.send(request);
    return true;
  }

  private receive(id: string, message: PeripheralMessage): void {
    const state = this.devices.get(id);
    if (!state) return;
    const requestId = 'id' in message ? message.id : undefined;
    const wasConnect = requestId !== undefined && this.pendingConnects.delete(requestId);
    switch (message.op) {
      case 'advertisement': {
        if (this.scanFilter === null) return;
        const filter = this.scanFilter;
        if (filter.length > 0 && !message.serviceUuids.some((uuid) => filter.includes(uuid))) return;
        const advertisement = { localName: message.localName, serviceUuids: message.serviceUuids, serviceData: [], serviceSolicitationUuids: [] };
        this.emit('discover', id, message.address, 'random', message.connectable, advertisement, message.rssi, false);
        return;
      }
      case 'connected':
        state.connecting = false;
        state.connected = true;
        this.emit('connect', id, null);
        this.emit('onMtu', id, message.mtu);
        return;
      case 'disconnected':
        state.connected = false;
        this.emit('disconnect', id, message.reason);
        return;
      case 'rssi':
        this.emit('rssiUpdate', id, message.rssi);
        return;
      case 'services': {
        state.services = message.services;
        const wanted = this.serviceFilter.get(message.id);
        this.serviceFilter.delete(message.id);
        const uuids = message.services.map((service) => service.uuid).filter((uuid) => !wanted?.length || wanted.includes(uuid));
        this.emit('servicesDiscover', id, uuids);
        return;
      }
      case 'read':
        this.emit('read', id, message.service, message.characteristic, Buffer.from(fromBase64(message.data)), false);
        return;
      case 'notification':
        this.emit('read', id, message.service, message.characteristic, Buffer.from(fromBase64(message.data)), true);
        return;
      case 'write':
        this.emit('write', id, message.service, message.characteristic);
        return;
      case 'notify':
        this.emit('notify', id, message.service, message.characteristic, message.enable);
        return;
      case 'error':
        if (wasConnect) {
          state.connecting = false;
          this.emit('connect', id, new Error(message.message));
        } else {
          // noble has no error path for other GATT calls; the caller's timeout reports it.
          this.emit('warning', message.message);
        }
        return;
    }
  }

  connect(id: string): void {
    const state = this.devices.get(id);
    if (!state) {
      process.nextTick(() => this.emit('connect', id, new Error('the sensor is not in range')));
      return;
    }
    state.connecting = true;
    this.request(id, { op: 'connect', mtu: REQUESTED_MTU });
  }

  cancelConnect(id: string): void {
    const state = this.devices.get(id);
    if (state?.connecting) state.link.close();
  }

  disconnect(id: string): void {
    if (!this.request(id, { op: 'disconnect' })) {
      process.nextTick(() => this.emit('disconnect', id, DISCONNECT_REASON.localHostTerminated));
    }
  }

  updateRssi(id: string): void {
    this.request(id, { op: 'rssi' });
  }

  discoverServices(id: string, uuids: string[] = []): void {
    const requestId = this.nextRequestId;
    if (this.request(id, { op: 'services' })) this.serviceFilter.set(requestId, uuids);
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    process.nextTick(() => this.emit('includedServicesDiscover', id, serviceUuid, []));
  }

  discoverCharacteristics(id: string, serviceUuid: string, uuids: string[] = []): void {
    const service = this.devices.get(id)?.services.find((s) => s.uuid === serviceUuid);
    if (!service) return; // unknown service: noble's caller times out, as with a real device
    const characteristics = service.characteristics.filter((c) => uuids.length === 0 || uuids.includes(c.uuid));
    process.nextTick(() => this.emit('characteristicsDiscover', id, serviceUuid, characteristics));
  }

  discoverDescriptors(id: string, serviceUuid: string, characteristicUuid: string): void {
    process.nextTick(() => this.emit('descriptorsDiscover', id, serviceUuid, characteristicUuid, []));
  }

  read(id: string, service: string, characteristic: string): void {
    this.request(id, { op: 'read', service, characteristic });
  }

  write(id: string, service: string, characteristic: string, data: Buffer): void {
    this.request(id, { op: 'write', service, characteristic, data: toBase64(data) });
  }

  notify(id: string, service: string, characteristic: string, enable: boolean): void {
    this.request(id, { op: 'notify', service, characteristic, enable });
  }

  broadcast(): void {}
  readValue(): void {}
  writeValue(): void {}
  readHandle(): void {}
  writeHandle(): void {}

  reset(): void {
    this.stopScanning();
    for (const state of this.devices.values()) state.link.close();
  }
}
