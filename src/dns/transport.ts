/**
 * The sockets behind the DNS client, behind a narrow interface so that tests
 * can put fake servers (or no network at all) in their place.
 *
 * UDP: one connected socket per attempt. `connect()` makes the kernel bind a
 * fresh random ephemeral source port (RFC 5452 §9.2 wants the port random,
 * like the ID) and drop datagrams from any other address or port.
 * TCP: one connection per exchange, two-octet length prefix (RFC 1035
 * §4.2.2, RFC 7766 §8).
 */
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { SignetError } from '../core/errors.ts';
import type { ServerAddress } from './address.ts';

export interface UdpChannel {
  send(data: Uint8Array): void;
  /**
   * The next datagram from the server, or null once `signal` has aborted.
   * Rejects with a SignetError (ERR_DNS_UDP_FAILED) when the socket reports
   * an error, such as ICMP port unreachable.
   */
  receive(signal: AbortSignal): Promise<Uint8Array | null>;
  close(): void;
}

export interface DnsTransport {
  /** A UDP channel to one server. Rejects with ERR_DNS_UDP_FAILED when no socket can be opened. */
  openUdp(server: ServerAddress): Promise<UdpChannel>;
  /**
   * Sends `message` over a new TCP connection and resolves with the first
   * complete response. Rejects with ERR_DNS_TCP_FAILED (refused, reset,
   * closed early) or ERR_DNS_TCP_TIMEOUT (when `signal` aborts first).
   */
  tcpExchange(server: ServerAddress, message: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
}

function describeError(e: unknown): string {
  if (e instanceof Error) return (e as NodeJS.ErrnoException).code ?? e.message;
  return String(e);
}

class NodeUdpChannel implements UdpChannel {
  private readonly socket: Socket;
  private readonly queue: Uint8Array[] = [];
  private failure: SignetError | null = null;
  private waiter: (() => void) | null = null;
  private closed = false;

  constructor(socket: Socket, server: ServerAddress) {
    this.socket = socket;
    socket.on('message', (msg) => {
      this.queue.push(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
      this.wake();
    });
    socket.on('error', (e) => {
      this.failure = new SignetError('ERR_DNS_UDP_FAILED', `UDP to ${server.host} port ${server.port}: ${describeError(e)}`, { cause: e });
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  send(data: Uint8Array): void {
    this.socket.send(data);
  }

  async receive(signal: AbortSignal): Promise<Uint8Array | null> {
    for (;;) {
      const next = this.queue.shift();
      if (next) return next;
      if (this.failure) {
        const f = this.failure;
        this.failure = null;
        throw f;
      }
      if (signal.aborted || this.closed) return null;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiter = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    this.wake();
  }
}

/** The real transport: node:dgram and node:net. */
export const nodeTransport: DnsTransport = {
  openUdp(server: ServerAddress): Promise<UdpChannel> {
    return new Promise((resolve, reject) => {
      const socket = createSocket(server.family === 6 ? 'udp6' : 'udp4');
      const onError = (e: Error): void => {
        socket.close();
        reject(new SignetError('ERR_DNS_UDP_FAILED', `UDP to ${server.host} port ${server.port}: ${describeError(e)}`, { cause: e }));
      };
      socket.once('error', onError);
      socket.connect(server.port, server.host, () => {
        socket.off('error', onError);
        resolve(new NodeUdpChannel(socket, server));
      });
    });
  },

  tcpExchange(server: ServerAddress, message: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const where = `TCP to ${server.host} port ${server.port}`;
      if (signal.aborted) {
        reject(new SignetError('ERR_DNS_TCP_TIMEOUT', `${where}: timed out`));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      let done = false;
      const socket = connect({ host: server.host, port: server.port });
      const finish = (err: SignetError | null, value?: Uint8Array): void => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        if (err) reject(err);
        else resolve(value!);
      };
      const onAbort = (): void => finish(new SignetError('ERR_DNS_TCP_TIMEOUT', `${where}: timed out`));
      signal.addEventListener('abort', onAbort, { once: true });
      socket.on('connect', () => {
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(message.length);
        socket.write(Buffer.concat([prefix, message]));
      });
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received < 2) return;
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const length = all.readUInt16BE(0);
        if (received >= 2 + length) finish(null, new Uint8Array(all.subarray(2, 2 + length)));
      });
      socket.on('error', (e) => finish(new SignetError('ERR_DNS_TCP_FAILED', `${where}: ${describeError(e)}`, { cause: e })));
      socket.on('close', () => finish(new SignetError('ERR_DNS_TCP_FAILED', `${where}: connection closed before a complete answer`)));
    });
  },
};
