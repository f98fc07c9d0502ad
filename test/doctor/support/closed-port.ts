// A loopback port where nothing listens (bound, then released): for "the server is down" cases.

import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}
