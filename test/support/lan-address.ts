import { networkInterfaces } from 'node:os';

/**
 * This machine's IPv4 address on its network, found at run time. Requests to it come from a
 * non-loopback address, as a tablet's would; a machine without one cannot run such a test.
 */
export function lanAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((net) => net && net.family === 'IPv4' && !net.internal)?.address;
  if (!address) throw new Error('this test needs a non-loopback IPv4 address on this machine (os.networkInterfaces() lists none), to reach the hub as a tablet on the network would');
  return address;
}
