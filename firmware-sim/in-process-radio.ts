import type { CentralRequest, PeripheralMessage, Radio, RadioEndpoint, RadioLink } from '../hub/protocol/radio.ts';
import type { SimulatedDevice } from './device.ts';

/**
 * The same devices without sockets or processes, for fast tests: messages are handed over on the next
 * tick (as a socket would), and a dropped link closes just as a socket would.
 */
export function inProcessRadio(devices: SimulatedDevice[]): Radio {
  const endpoint = (device: SimulatedDevice): RadioEndpoint => ({
    address: device.address,
    open: async () => {
      const messageListeners: ((message: PeripheralMessage) => void)[] = [];
      const closeListeners: (() => void)[] = [];
      let open = true;
      const close = () => {
        if (!open) return;
        open = false;
        device.linkClosed(deviceLink);
        for (const listener of closeListeners) queueMicrotask(listener);
      };
      const deviceLink = {
        send: (message: PeripheralMessage) => {
          // Serialise like the socket does, so both radios carry exactly the same data.
          const copy = JSON.parse(JSON.stringify(message)) as PeripheralMessage;
          setImmediate(() => open && messageListeners.forEach((listener) => listener(copy)));
        },
        drop: close,
      };
      const link: RadioLink = {
        send: (request: CentralRequest) => setImmediate(() => open && device.handle(deviceLink, request)),
        onMessage: (listener) => messageListeners.push(listener),
        onClose: (listener) => closeListeners.push(listener),
        close,
      };
      return link;
    },
  });
  return { endpoints: async () => devices.map(endpoint) };
}
