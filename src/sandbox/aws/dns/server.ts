// The emulator's DNS server: UDP and TCP on one address and port (pebble ≥ 2.10 asks over TCP
// only, dig and most stub resolvers over UDP first). TCP uses the 2-byte length framing of
// RFC 1035 §4.2.2 and answers several queries per connection (RFC 7766); idle connections close.

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { isIPv6 } from 'node:net';
import type { HostedZoneRecord } from '../model.js';
import { answerQuestion } from './answer.js';
import { decodeQuery, encodeResponse, peekId, RCODE, WireError, type Query, type Response } from './wire.js';

export interface DnsServerOptions {
  /** Where to listen, e.g. 127.0.0.1 or an address inside a lab namespace. */
  address: string;
  /** 0 = a free port (the same one for UDP and TCP); default 53. */
  port?: number;
  /** The hosted zones to answer from, read for every query so changes show at once. */
  zones: () => readonly HostedZoneRecord[];
  /** Called for each answered query (for logs and tests). */
  onQuery?: (q: { transport: 'udp' | 'tcp'; name: string; type: number; rcode: number }) => void;
  tcpIdleMs?: number;
}

export interface DnsServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

/** Our UDP answers stay within what the client announced, capped at the DNS Flag Day size. */
const OUR_EDNS_SIZE = 1232;

/** Answers one message; undefined when it is not worth an answer (no header at all, or a response). */
export function respond(
  message: Buffer,
  zones: readonly HostedZoneRecord[],
): { response: Response; query?: Query } | undefined {
  let query: Query;
  try {
    query = decodeQuery(message);
  } catch (err) {
    const id = peekId(message);
    if (id === undefined || !(err instanceof WireError) || (message[2]! & 0x80) !== 0) return undefined;
    return {
      response: {
        id,
        opcode: (message[2]! >> 3) & 0x0f,
        authoritative: false,
        recursionDesired: false,
        rcode: RCODE.FORMERR,
        answers: [],
        authorities: [],
      },
    };
  }
  const base = {
    id: query.id,
    opcode: query.opcode,
    recursionDesired: query.recursionDesired,
    answers: [],
    authorities: [],
    ...(query.ednsUdpSize === undefined ? {} : { ednsUdpSize: OUR_EDNS_SIZE }),
  };
  if (query.opcode !== 0) return { query, response: { ...base, authoritative: false, rcode: RCODE.NOTIMP } };
  const question = query.questions[0];
  if (query.questions.length !== 1 || !question)
    return { query, response: { ...base, authoritative: false, rcode: RCODE.FORMERR } };
  const a = answerQuestion(zones, question);
  return {
    query,
    response: {
      ...base,
      question,
      authoritative: a.authoritative,
      rcode: a.rcode,
      answers: a.answers,
      authorities: a.authorities,
    },
  };
}

function encodeSafely(response: Response, maxSize?: number): Buffer {
  try {
    return encodeResponse(response, maxSize);
  } catch {
    // A stored value we cannot put on the wire (e.g. a malformed SOA) is a server failure, not a crash.
    return encodeResponse({ ...response, rcode: RCODE.SERVFAIL, answers: [], authorities: [] }, maxSize);
  }
}

export async function startDnsServer(o: DnsServerOptions): Promise<DnsServer> {
  const tcp = createServer((sock) => serveTcp(sock, o));
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen({ host: o.address, port: o.port ?? 53 }, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  const port = (tcp.address() as { port: number }).port;
  let udp: UdpSocket;
  try {
    udp = await bindUdp(o, port);
  } catch (err) {
    await closeTcp(tcp);
    throw err;
  }
  return {
    address: o.address,
    port,
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await closeTcp(tcp);
    },
  };
}

function closeTcp(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function bindUdp(o: DnsServerOptions, port: number): Promise<UdpSocket> {
  const udp = createSocket(isIPv6(o.address) ? 'udp6' : 'udp4');
  udp.on('message', (msg, rinfo) => {
    const r = respond(msg, o.zones());
    if (!r) return;
    const max = r.query?.ednsUdpSize === undefined ? 512 : Math.min(r.query.ednsUdpSize, OUR_EDNS_SIZE);
    udp.send(encodeSafely(r.response, max), rinfo.port, rinfo.address);
    report(o, 'udp', r.response);
  });
  return new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind({ address: o.address, port }, () => {
      udp.off('error', reject);
      udp.on('error', () => undefined); // ICMP-unreachable replies and the like must not kill the server
      resolve(udp);
    });
  });
}

function serveTcp(sock: Socket, o: DnsServerOptions): void {
  let pending = Buffer.alloc(0);
  sock.setTimeout(o.tcpIdleMs ?? 10_000, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const len = pending.readUInt16BE(0);
      if (pending.length < 2 + len) break;
      const message = pending.subarray(2, 2 + len);
      pending = pending.subarray(2 + len);
      const r = respond(message, o.zones());
      if (!r) {
        sock.destroy();
        return;
      }
      const out = encodeSafely(r.response);
      const framed = Buffer.alloc(2 + out.length);
      framed.writeUInt16BE(out.length, 0);
      out.copy(framed, 2);
      sock.write(framed);
      report(o, 'tcp', r.response);
    }
  });
}

function report(o: DnsServerOptions, transport: 'udp' | 'tcp', r: Response): void {
  if (o.onQuery && r.question) o.onQuery({ transport, name: r.question.name, type: r.question.type, rcode: r.rcode });
}
