// Readiness probe for the node's sshd through the lab's forward port: an SSH server speaks first,
// so a banner line means sshd itself answered (the forward port alone accepts even while the
// node is down, then closes).
import { connect } from 'node:net';
import { DeadlineError } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';

export function readSshBanner(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let buf = '';
    const done = (v: string | undefined): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('data', (b: Buffer) => {
      buf += b.toString('latin1');
      const line = buf.split('\r\n')[0];
      if (buf.includes('\n') && line !== undefined) done(line.startsWith('SSH-') ? line : undefined);
    });
    sock.on('error', () => done(undefined));
    sock.on('close', () => done(undefined));
  });
}

/**
 * Resolves with the banner once sshd answers; DeadlineError after timeoutMs. `check` runs between
 * attempts and throws to give up early (e.g. the container already exited).
 */
export async function waitForSsh(
  host: string,
  port: number,
  timeoutMs: number,
  check?: () => Promise<void>,
): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    await check?.();
    const banner = await readSshBanner(host, port, Math.min(2000, Math.max(100, end - Date.now())));
    if (banner) return banner;
    await sleep(100);
  }
  throw new DeadlineError(`the lab node's sshd on ${host}:${port}`, timeoutMs);
}
