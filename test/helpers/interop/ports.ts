/**
 * Free loopback ports for the test servers.
 *
 * Ports are drawn at random from 20000–32767, below Linux's ephemeral range
 * (32768–60999), so a port we pick cannot be taken meanwhile by an outgoing
 * socket of unbound, kdig or the test runner. Both UDP and TCP must bind,
 * since DNS servers listen on both. A race with another process remains
 * possible; the servers' start functions retry on a new port when the
 * server fails to come up.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';

const LOW = 20000;
const HIGH = 32767;

function canBindTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function canBindUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: '127.0.0.1', port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** A port on 127.0.0.1 where both UDP and TCP were free a moment ago. */
export async function findFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = randomInt(LOW, HIGH + 1);
    if ((await canBindUdp(port)) && (await canBindTcp(port))) return port;
  }
  throw new Error('interop: no free loopback port found in 100 attempts');
}
