// S3 answers: XML documents, empty answers whose results travel in headers, and object bodies.
import type { Reply } from '../envelopes.js';

export type S3Reply = Reply;

export function xml(body: string, headers?: Record<string, string>): S3Reply {
  return { status: 200, contentType: 'application/xml', body, ...(headers === undefined ? {} : { headers }) };
}

export function empty(status: number, headers?: Record<string, string>): S3Reply {
  return { status, contentType: '', body: '', ...(headers === undefined ? {} : { headers }) };
}
