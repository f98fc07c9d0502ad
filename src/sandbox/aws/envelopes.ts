// Error bodies per protocol (note §3.1). The SDK reads the code from a different place in each.
import { escapeXml } from './xml.js';

export type Protocol = 'ec2' | 'query' | 'restXml' | 'json' | 's3';

export interface Reply {
  status: number;
  /** '' = no Content-Type header (S3 answers without a body). */
  contentType: string;
  body: string | Buffer;
  /** Extra response headers (S3 carries results in them: ETag, x-amz-version-id…). */
  headers?: Record<string, string>;
}

const XML = 'text/xml;charset=UTF-8';

export function errorReply(
  protocol: Protocol,
  status: number,
  code: string,
  message: string,
  requestId: string,
): Reply {
  const c = escapeXml(code);
  const m = escapeXml(message);
  const type = status >= 500 ? 'Receiver' : 'Sender';
  switch (protocol) {
    case 'ec2':
      return {
        status,
        contentType: XML,
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${c}</Code>` +
          `<Message>${m}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'query':
      return {
        status,
        contentType: XML,
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
          `<Error><Type>${type}</Type><Code>${c}</Code><Message>${m}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'restXml':
      return {
        status,
        contentType: XML,
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">` +
          `<Error><Type>${type}</Type><Code>${c}</Code><Message>${m}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 's3':
      // S3's bare <Error>; a HEAD answer carries none (the SDK then names the error after the status).
      return {
        status,
        contentType: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${c}</Code><Message>${m}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
    case 'json':
      return { status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: code, message }) };
  }
}

export function xmlReply(body: string, status = 200): Reply {
  return { status, contentType: XML, body };
}

export function jsonReply(value: unknown): Reply {
  return { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(value) };
}
