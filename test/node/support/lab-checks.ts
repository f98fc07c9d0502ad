// What the lab data-path tests look at: requests from the lab's client namespace (the "internet")
// and a snapshot of everything on the node that solokube may touch.
import assert from 'node:assert/strict';
import type { Lab } from '../../../src/sandbox/lab/index.js';

export interface Answer {
  ok: boolean;
  body: string;
  error: string;
}

/** GET https://<name>/ (TLS, SNI = name) from the client, sent to address:port. */
export async function httpsFromClient(
  lab: Lab,
  name: string,
  address: string,
  opts: { port?: number; verify?: boolean } = {},
): Promise<Answer> {
  const port = opts.port ?? 443;
  // verify: false only where the test asks "who answered", not "is the certificate right".
  const trust = opts.verify === false ? ['-k'] : ['--cacert', lab.caCertPath];
  const r = await lab.client.exec(
    ['curl', '-sS', '--max-time', '5', ...trust, '--resolve', `${name}:${port}:${address}`, `https://${name}:${port}/`],
    { timeoutMs: 10_000 },
  );
  return { ok: r.code === 0, body: r.stdout, error: r.stderr };
}

/** GET http://<name>/ from the client, sent to address:port. */
export async function httpFromClient(lab: Lab, name: string, address: string, port = 80): Promise<Answer> {
  const r = await lab.client.exec(
    ['curl', '-sS', '--max-time', '5', '--resolve', `${name}:${port}:${address}`, `http://${name}:${port}/`],
    { timeoutMs: 10_000 },
  );
  return { ok: r.code === 0, body: r.stdout, error: r.stderr };
}

export function assertAnsweredBy(answer: Answer, who: 'ingress' | 'apiserver', extra?: RegExp): void {
  assert.ok(answer.ok, `request failed: ${answer.error}`);
  assert.ok(answer.body.startsWith(`${who} `), `expected the ${who} to answer, got: ${answer.body}`);
  if (extra) assert.match(answer.body, extra);
}

async function nodeOut(lab: Lab, argv: string[]): Promise<string> {
  const r = await lab.node.exec(argv);
  return `${r.code} ${r.stdout}`;
}

/** Everything on the node that solokube may touch, as comparable text. */
export async function nodeSnapshot(lab: Lab): Promise<Record<string, string>> {
  const addrs = JSON.parse((await lab.node.exec(['ip', '-j', 'addr', 'show', 'dev', lab.node.interface])).stdout) as {
    addr_info: { family: string; local: string; prefixlen: number }[];
  }[];
  return {
    addresses: addrs
      .flatMap((l) => l.addr_info)
      .map((a) => `${a.family} ${a.local}/${a.prefixlen}`)
      .sort()
      .join(', '),
    ruleset: await nodeOut(lab, ['nft', 'list', 'ruleset']),
    haproxyCfg: await nodeOut(lab, ['cat', '/etc/haproxy/haproxy.cfg']),
    haproxyActive: await nodeOut(lab, ['systemctl', 'is-active', 'haproxy']),
    haproxyEnabled: await nodeOut(lab, ['systemctl', 'is-enabled', 'haproxy']),
    files: await nodeOut(lab, [
      'sh',
      '-c',
      'ls -a /etc/haproxy /etc/systemd/system /usr/local/lib; ls -a /etc/solokube /etc/systemd/system/haproxy.service.d 2>&1',
    ]),
  };
}
