/**
 * Fake DNS servers on loopback for client and parent-check tests: a UDP
 * socket on a kernel-chosen port and, when wanted, a TCP listener on the same
 * port. Each test says exactly what the server answers.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import type { ServerAddress } from '../../../src/dns/address.ts';
import {
  decodeMessage, encodeMessage, NO_FLAGS, type DecodedMessage, type Question,
} from '../../../src/dns/message.ts';
import type { ResourceRecord } from '../../../src/zone/record.ts';

/** What to send back: one message, several datagrams in order, or nothing. */
export type Reply = Uint8Array | readonly Uint8Array[] | null;

/** The handler sees the decoded query (null when the query itself does not decode). */
export type Handler = (query: DecodedMessage, raw: Uint8Array) => Reply;

export interface FakeServerOptions {
  readonly udp: Handler;
  /** TCP: a handler, 'refuse' (no listener: connection refused), or 'close' (accept, then close). Default 'refuse'. */
  readonly tcp?: Handler | 'refuse' | 'close';
  readonly host?: '127.0.0.1' | '::1';
}

export interface FakeServer {
  readonly address: ServerAddress;
  readonly udpQueries: DecodedMessage[];
  readonly tcpQueries: DecodedMessage[];
  close(): Promise<void>;
}

function replies(r: Reply): readonly Uint8Array[] {
  if (r === null) return [];
  return r instanceof Uint8Array ? [r] : r;
}

function bindUdp(host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', reject);
    s.bind(0, host, () => resolve(s));
  });
}

function listenTcp(host: string, port: number, onConn: (c: TcpSocket) => void): Promise<Server | null> {
  return new Promise((resolve) => {
    const srv = createServer(onConn);
    srv.once('error', () => resolve(null));
    srv.listen(port, host, () => resolve(srv));
  });
}

export async function startFakeServer(o: FakeServerOptions): Promise<FakeServer> {
  const host = o.host ?? '127.0.0.1';
  const udpQueries: DecodedMessage[] = [];
  const tcpQueries: DecodedMessage[] = [];
  const tcpMode = o.tcp ?? 'refuse';
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = await bindUdp(host);
    const port = udp.address().port;
    let tcp: Server | null = null;
    const sockets = new Set<TcpSocket>();
    if (tcpMode !== 'refuse') {
      tcp = await listenTcp(host, port, (c) => {
        sockets.add(c);
        c.on('close', () => sockets.delete(c));
        c.on('error', () => {});
        if (tcpMode === 'close') {
          c.destroy();
          return;
        }
        let buf = Buffer.alloc(0);
        c.on('data', (chunk: Buffer) => {
          buf = Buffer.concat([buf, chunk]);
          if (buf.length < 2) return;
          const len = buf.readUInt16BE(0);
          if (buf.length < 2 + len) return;
          const raw = new Uint8Array(buf.subarray(2, 2 + len));
          buf = buf.subarray(2 + len);
          const q = decodeMessage(raw);
          tcpQueries.push(q);
          for (const r of replies(tcpMode(q, raw))) {
            const prefix = Buffer.alloc(2);
            prefix.writeUInt16BE(r.length);
            c.write(Buffer.concat([prefix, r]));
          }
        });
      });
      if (tcp === null) {
        udp.close();
        continue;
      }
    }
    udp.on('message', (msg, rinfo) => {
      const raw = new Uint8Array(msg);
      const q = decodeMessage(raw);
      udpQueries.push(q);
      for (const r of replies(o.udp(q, raw))) udp.send(r, rinfo.port, rinfo.address);
    });
    return {
      address: { host, port, family: host.includes(':') ? 6 : 4 },
      udpQueries,
      tcpQueries,
      close: async () => {
        udp.close();
        for (const s of sockets) s.destroy();
        if (tcp) await new Promise<void>((r) => tcp!.close(() => r()));
      },
    };
  }
  throw new Error('could not find a free UDP+TCP port pair');
}

export interface ReplyOptions {
  readonly id?: number;
  readonly rcode?: number;
  readonly aa?: boolean;
  readonly tc?: boolean;
  readonly questions?: readonly Question[];
  readonly answers?: readonly ResourceRecord[];
  readonly authority?: readonly ResourceRecord[];
  readonly additional?: readonly ResourceRecord[];
}

/** A response to `q`: same ID and question unless told otherwise. */
export function reply(q: DecodedMessage, o: ReplyOptions = {}): Uint8Array {
  return encodeMessage({
    id: o.id ?? q.id,
    opcode: q.opcode,
    rcode: o.rcode ?? 0,
    flags: { ...NO_FLAGS, qr: true, aa: o.aa ?? true, tc: o.tc ?? false, rd: q.flags.rd },
    questions: o.questions ?? q.questions,
    answers: o.answers ?? [],
    authority: o.authority ?? [],
    additional: o.additional ?? [],
    edns: q.edns ? { udpSize: 1232, dnssecOk: q.edns.dnssecOk, version: 0, options: [] } : null,
  });
}
