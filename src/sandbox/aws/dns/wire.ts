// DNS messages on the wire (RFC 1035 §4, EDNS0 OPT from RFC 6891), only as much as an
// authoritative server needs: decode a query, encode a response. Names in responses are written
// without compression (always valid, and our answers are small). Every read is bounds-checked:
// a malformed packet throws WireError and the server answers FORMERR or drops it.

import { isIPv6 } from 'node:net';
import { isIpv4 } from '../../../config/validators.js';

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Types we store and answer; Route 53 types outside this list are not served (documented in the README). */
export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'NS' | 'SOA' | 'TXT' | 'MX';

export class WireError extends Error {}

export interface Question {
  /** As received, letter case kept (RFC 4343: the echo keeps the client's case). */
  name: string;
  type: number;
  class: number;
}

export interface Query {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  questions: Question[];
  /** The EDNS0 UDP payload size the client announced, or undefined without an OPT record. */
  ednsUdpSize?: number;
}

export interface ResourceRecord {
  name: string;
  type: RecordType;
  ttl: number;
  /** Presentation form, as Route 53 stores it (e.g. `"a" "b"` for TXT, `10 mx.example.com.` for MX). */
  value: string;
}

export interface Response {
  id: number;
  opcode: number;
  authoritative: boolean;
  truncated?: boolean;
  recursionDesired: boolean;
  rcode: number;
  question?: Question;
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  /** Include an OPT record announcing this UDP size (when the query had one). */
  ednsUdpSize?: number;
}

const MAX_POINTER_JUMPS = 32;

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
  ) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new WireError('message ends early');
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** A domain name, following compression pointers (bounded, so a pointer loop cannot spin). */
  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let jumps = 0;
    let resume: number | undefined;
    let total = 0;
    for (;;) {
      if (pos >= this.buf.length) throw new WireError('name runs past the message');
      const len = this.buf[pos]!;
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new WireError('pointer runs past the message');
        if (++jumps > MAX_POINTER_JUMPS) throw new WireError('too many compression pointers');
        resume ??= pos + 2;
        pos = ((len & 0x3f) << 8) | this.buf[pos + 1]!;
        continue;
      }
      if ((len & 0xc0) !== 0) throw new WireError('unknown label type');
      pos += 1;
      if (len === 0) break;
      if (pos + len > this.buf.length) throw new WireError('label runs past the message');
      total += len + 1;
      if (total > 255) throw new WireError('name longer than 255 octets');
      labels.push(escapeLabel(this.buf.subarray(pos, pos + len)));
      pos += len;
    }
    this.pos = resume ?? pos;
    return labels.length === 0 ? '.' : `${labels.join('.')}.`;
  }
}

/** Dots and backslashes inside a label are escaped so the presentation name stays unambiguous. */
function escapeLabel(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x2e || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString().padStart(3, '0')}`;
  }
  return out;
}

export function decodeQuery(buf: Buffer): Query {
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  if (flags & 0x8000) throw new WireError('not a query (QR is set)');
  const qd = r.u16();
  const an = r.u16();
  const ns = r.u16();
  const ar = r.u16();
  const questions: Question[] = [];
  for (let i = 0; i < qd; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  for (let i = 0; i < an + ns; i++) skipRecord(r);
  let ednsUdpSize: number | undefined;
  for (let i = 0; i < ar; i++) {
    const name = r.name();
    const type = r.u16();
    const cls = r.u16();
    r.u32();
    const rdlen = r.u16();
    r.skip(rdlen);
    if (type === TYPE.OPT && name === '.') ednsUdpSize = Math.max(512, cls);
  }
  return {
    id,
    opcode: (flags >> 11) & 0x0f,
    recursionDesired: (flags & 0x0100) !== 0,
    questions,
    ...(ednsUdpSize === undefined ? {} : { ednsUdpSize }),
  };
}

function skipRecord(r: Reader): void {
  r.name();
  r.skip(8);
  r.skip(r.u16());
}

/** The id of a message, when at least its header is there (to answer FORMERR to garbage). */
export function peekId(buf: Buffer): number | undefined {
  return buf.length >= 12 ? buf.readUInt16BE(0) : undefined;
}

// ---- encoding ----

/** A presentation name (absolute or not) as wire labels; `\.` and `\DDD` escapes are honoured. */
export function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  const trimmed = name === '.' ? '' : name.replace(/\.$/, '');
  let label: number[] = [];
  const flush = (): void => {
    if (label.length === 0 || label.length > 63) throw new WireError(`bad label in ${JSON.stringify(name)}`);
    parts.push(Buffer.from([label.length, ...label]));
    label = [];
  };
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i]!;
    if (c === '\\') {
      const digits = /^\d{3}/.exec(trimmed.slice(i + 1))?.[0];
      if (digits) {
        label.push(Number(digits) & 0xff);
        i += 3;
      } else {
        label.push(trimmed.charCodeAt(i + 1) & 0xff);
        i += 1;
      }
    } else if (c === '.') {
      flush();
    } else {
      label.push(trimmed.charCodeAt(i) & 0xff);
    }
  }
  if (trimmed.length > 0) flush();
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new WireError(`name longer than 255 octets: ${name}`);
  return out;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** `"a b" "c\"d"` (Route 53's TXT form) → the character-strings a, b … ; unquoted words count as one string each. */
export function parseTxtStrings(value: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const raw = m[1] ?? m[2] ?? '';
    out.push(raw.replace(/\\(\d{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(Number(e)) : e)));
  }
  return out;
}

function ipv6Bytes(ip: string): Buffer {
  if (!isIPv6(ip)) throw new WireError(`not an IPv6 address: ${ip}`);
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const o = v4.split('.').map(Number);
    text = `${text.slice(0, -v4.length)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  words.forEach((w, i) => b.writeUInt16BE(parseInt(w, 16), i * 2));
  return b;
}

function rdata(rr: ResourceRecord): Buffer {
  switch (rr.type) {
    case 'A':
      if (!isIpv4(rr.value)) throw new WireError(`not an IPv4 address: ${rr.value}`);
      return Buffer.from(rr.value.split('.').map(Number));
    case 'AAAA':
      return ipv6Bytes(rr.value);
    case 'CNAME':
    case 'NS':
      return encodeName(rr.value);
    case 'MX': {
      const [pref, host] = rr.value.trim().split(/\s+/);
      return Buffer.concat([u16(Number(pref)), encodeName(host ?? '.')]);
    }
    case 'TXT':
      return Buffer.concat(
        parseTxtStrings(rr.value).map((s) => {
          const bytes = Buffer.from(s, 'latin1');
          if (bytes.length > 255) throw new WireError('TXT string longer than 255 octets');
          return Buffer.concat([Buffer.from([bytes.length]), bytes]);
        }),
      );
    case 'SOA': {
      const f = rr.value.trim().split(/\s+/);
      if (f.length !== 7) throw new WireError(`SOA needs 7 fields: ${rr.value}`);
      return Buffer.concat([encodeName(f[0]!), encodeName(f[1]!), ...f.slice(2).map((n) => u32(Number(n)))]);
    }
  }
}

function encodeRecord(rr: ResourceRecord): Buffer {
  const data = rdata(rr);
  return Buffer.concat([encodeName(rr.name), u16(TYPE[rr.type]), u16(CLASS_IN), u32(rr.ttl), u16(data.length), data]);
}

function encodeOpt(udpSize: number): Buffer {
  return Buffer.concat([Buffer.from([0]), u16(TYPE.OPT), u16(udpSize), u32(0), u16(0)]);
}

function header(r: Response, counts: [number, number, number, number], truncated: boolean): Buffer {
  const flags =
    0x8000 |
    ((r.opcode & 0x0f) << 11) |
    (r.authoritative ? 0x0400 : 0) |
    (truncated ? 0x0200 : 0) |
    (r.recursionDesired ? 0x0100 : 0) |
    (r.rcode & 0x0f);
  return Buffer.concat([u16(r.id), u16(flags), ...counts.map(u16)]);
}

/**
 * The response as bytes. With `maxSize` (UDP), records that do not fit are left out and TC is set,
 * so the client retries over TCP (RFC 1035 §4.2.1, RFC 7766).
 */
export function encodeResponse(r: Response, maxSize = 0xffff): Buffer {
  const question = r.question
    ? Buffer.concat([encodeName(r.question.name), u16(r.question.type), u16(r.question.class)])
    : Buffer.alloc(0);
  const opt = r.ednsUdpSize === undefined ? Buffer.alloc(0) : encodeOpt(r.ednsUdpSize);
  const answers = r.answers.map(encodeRecord);
  const authorities = r.authorities.map(encodeRecord);
  const size = (bufs: Buffer[]): number => bufs.reduce((n, b) => n + b.length, 0);
  const full = 12 + question.length + size(answers) + size(authorities) + opt.length;
  const truncated = full > maxSize || r.truncated === true;
  const an = truncated ? [] : answers;
  const ns = truncated ? [] : authorities;
  const ar = opt.length > 0 ? 1 : 0;
  return Buffer.concat([
    header(r, [question.length > 0 ? 1 : 0, an.length, ns.length, ar], truncated),
    question,
    ...an,
    ...ns,
    opt,
  ]);
}
