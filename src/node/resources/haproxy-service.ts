// Making a new haproxy.cfg live. A running HAProxy (Debian's unit: master-worker, -Ws) reloads by
// signal: `systemctl reload` returns before the master has loaded the new file, and a failed load
// keeps the old workers running while systemctl reports success. So after a reload we read the
// unit's journal from a cursor taken just before it and wait for the master's verdict.

import { SolokubeError } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';
import type { NodeShell } from '../shell.js';

export const HAPROXY_SERVICE = 'haproxy.service';
const VERDICT_TIMEOUT_MS = 15_000;

export class ProxyReloadError extends SolokubeError {
  constructor(where: string, log: string) {
    super({
      code: 'node.haproxy-reload-failed',
      message: `HAProxy on ${where} did not load the new configuration; the previous one keeps serving:\n${log.trim()}`,
      remedy:
        'Read `journalctl -u haproxy` on the node for the cause (often a port already in use), fix it, and rerun.',
      actor: 'node',
    });
  }
}

export async function haproxyActive(shell: NodeShell): Promise<boolean> {
  return (await shell.run(['systemctl', 'is-active', '--quiet', HAPROXY_SERVICE], { allowFailure: true })).code === 0;
}

/** Start HAProxy, or reload it and wait until its master says the new config loaded. */
export async function startOrReloadHaproxy(shell: NodeShell, signal?: AbortSignal): Promise<void> {
  if (!(await haproxyActive(shell))) {
    // A start is synchronous: the unit is Type=notify, systemctl returns once HAProxy is ready.
    await shell.run(['systemctl', 'restart', HAPROXY_SERVICE]);
    return;
  }
  const cursorOut = (await shell.run(['journalctl', '-u', HAPROXY_SERVICE, '-n', '0', '--show-cursor', '--no-pager']))
    .stdout;
  const cursor = /-- cursor: (\S+)/.exec(cursorOut)?.[1];
  await shell.run(['systemctl', 'reload', HAPROXY_SERVICE]);
  if (cursor === undefined) return; // no journal to read: trust systemctl
  const giveUpAt = Date.now() + VERDICT_TIMEOUT_MS;
  for (;;) {
    const log = (
      await shell.run(['journalctl', '-u', HAPROXY_SERVICE, `--after-cursor=${cursor}`, '-o', 'cat', '--no-pager'])
    ).stdout;
    if (/Loading failure/.test(log)) throw new ProxyReloadError(shell.description, log);
    if (/Loading success/.test(log)) return;
    if (Date.now() > giveUpAt)
      throw new ProxyReloadError(shell.description, log || '(no message from HAProxy within 15 s)');
    await sleep(200, signal);
  }
}
