// aws-chunked request bodies (SigV4 streaming, used by SDKs for flexible checksums on streams):
// "<hex size>[;chunk-signature=…]\r\n<data>\r\n" repeated, a zero-size chunk, then optional
// trailer headers. The emulator checks no signatures or checksums; it only needs the payload.

export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const enc = String(headers['content-encoding'] ?? '');
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  return (
    enc
      .split(',')
      .map((s) => s.trim())
      .includes('aws-chunked') || sha.startsWith('STREAMING-')
  );
}

export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) throw new Error('aws-chunked body ends inside a chunk header');
    const size = parseInt(body.subarray(pos, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isInteger(size) || size < 0) throw new Error('aws-chunked body has a bad chunk size');
    if (size === 0) return Buffer.concat(parts);
    const start = eol + 2;
    if (start + size > body.length) throw new Error('aws-chunked body is shorter than its chunk sizes');
    parts.push(body.subarray(start, start + size));
    pos = start + size + 2;
  }
}
