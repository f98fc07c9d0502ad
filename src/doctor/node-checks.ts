// The node hop of `doctor`, read over SSH: the secondary address on the interface, solokube's nft
// redirect present and matching only the secondary address, something listening where the redirect
// sends the traffic, and the reclaim boot unit enabled with its last result. The evaluators are pure
// (command output in, check out); runNodeChecks only gathers the output.

import type { Check } from '../aws/doctor.js';
import type { SolokubeConfig } from '../config/schema.js';
import { checkFromError } from './check-from-error.js';
import { discoverNodeLayout, NFT_TABLE } from '../node/index.js';
import type { NodeShell } from '../node/index.js';
import { desiredRedirects } from '../node/render-nat.js';
import type { Redirect } from '../node/render-nat.js';
import type { NodeSpec } from '../node/index.js';
import { parseReclaimState, RECLAIM_PATHS, RECLAIM_UNIT_NAME } from '../reclaim/index.js';
import { nodeSpecFor } from '../stack/node-spec.js';

export const NODE_CHECK_IDS = {
  ssh: 'node/ssh',
  address: 'node/secondary-address',
  redirect: 'node/redirect',
  listening: 'node/listening',
  reclaim: 'node/reclaim-unit',
} as const;

const RERUN_UP = 'Run `solokube up`; it restores the address, the rules and the proxy on the node.';

interface IpAddrJson {
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

/** `ip -j -4 addr show dev <iface>` output → is the secondary address on it? */
export function evaluateSecondaryAddress(ipJson: string, iface: string, secondaryIp: string): Check {
  let links: IpAddrJson[];
  try {
    links = JSON.parse(ipJson) as IpAddrJson[];
  } catch {
    links = [];
  }
  const local = links.flatMap((l) => (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => a.local));
  return local.includes(secondaryIp)
    ? { id: NODE_CHECK_IDS.address, status: 'pass', summary: `${secondaryIp} is on ${iface}` }
    : {
        id: NODE_CHECK_IDS.address,
        status: 'fail',
        summary: `${secondaryIp} is not on ${iface} (it has ${local.join(', ') || 'no IPv4 address'})`,
        remedy: RERUN_UP,
      };
}

interface ListedRule {
  chain: string;
  text: string;
}

/** The rules of `nft list table ip solokube` output, with the chain each sits in. */
export function listedRules(nftText: string): ListedRule[] {
  const rules: ListedRule[] = [];
  let chain = '';
  for (const raw of nftText.split('\n')) {
    const line = raw.trim();
    const c = /^chain (\S+) \{$/.exec(line);
    if (c) chain = c[1]!;
    else if (chain && /\b(redirect|dnat)\b/.test(line)) rules.push({ chain, text: line });
  }
  return rules;
}

/**
 * `nft list table ip solokube` output (undefined when the table does not exist) → are the redirects
 * the spec wants in the prerouting chain, and does every redirect of ours match only the secondary?
 */
export function evaluateRedirect(nftText: string | undefined, secondaryIp: string, wanted: readonly Redirect[]): Check {
  const id = NODE_CHECK_IDS.redirect;
  if (nftText === undefined)
    return { id, status: 'fail', summary: `no nft table ip ${NFT_TABLE} on the node`, remedy: RERUN_UP };
  const rules = listedRules(nftText);
  const broad = rules.filter((r) => !new RegExp(`\\bip daddr ${secondaryIp.replace(/\./g, '\\.')}\\b`).test(r.text));
  if (broad.length > 0)
    return {
      id,
      status: 'fail',
      summary:
        `redirect rule(s) not limited ` +
        `to ${secondaryIp}: ${broad.map((r) => `${r.chain}: ${r.text}`).join('; ')} ` +
        `(kube-apiserver's 443 on other addresses would be taken)`,
      remedy: RERUN_UP,
    };
  const missing = wanted.filter(
    (w) =>
      !rules.some(
        (r) =>
          r.chain === 'prerouting' &&
          new RegExp(`\\btcp dport ${w.dport}\\b`).test(r.text) &&
          new RegExp(`redirect to :${w.toPort}\\b`).test(r.text),
      ),
  );
  if (missing.length > 0)
    return {
      id,
      status: 'fail',
      summary: `missing redirect ${missing.map((m) => `${secondaryIp}:${m.dport} → :${m.toPort}`).join(', ')} in table ip ${NFT_TABLE}`,
      remedy: RERUN_UP,
    };
  return {
    id,
    status: 'pass',
    summary: `${wanted.map((w) => `${secondaryIp}:${w.dport} → :${w.toPort}`).join(', ')}, matching only ${secondaryIp}`,
  };
}

export interface WantedListener {
  port: number;
  what: string;
}

/**
 * `ss -Hltn` output → does something listen on each port where the redirect delivers? REDIRECT
 * rewrites the destination to the interface's primary address, so a listener on the wildcard or on
 * the primary address receives it; one on loopback only does not.
 */
export function evaluateListening(ssText: string, wanted: readonly WantedListener[], primaryIp: string): Check {
  const id = NODE_CHECK_IDS.listening;
  const locals = ssText
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[3])
    .filter((a): a is string => Boolean(a))
    .map((a) => {
      const i = a.lastIndexOf(':');
      return { host: a.slice(0, i).replace(/%.*$/, ''), port: Number(a.slice(i + 1)) };
    });
  const reachable = (host: string): boolean => ['0.0.0.0', '*', '[::]', primaryIp].includes(host);
  const missing = wanted.filter((w) => !locals.some((l) => l.port === w.port && reachable(l.host)));
  if (missing.length === 0)
    return {
      id,
      status: 'pass',
      summary: `listening: ${wanted.map((w) => `${w.what} on :${w.port}`).join(', ')}`,
    };
  const onlyLoopback = missing.filter((m) => locals.some((l) => l.port === m.port));
  const loopbackNote = onlyLoopback.length
    ? ` (${onlyLoopback.map((m) => `:${m.port}`).join(', ')} only on an address the redirect does not deliver to)`
    : '';
  return {
    id,
    status: 'fail',
    summary: `nothing the redirect can reach listens on ${missing.map((m) => `:${m.port} (${m.what})`).join(', ')}${loopbackNote}`,
    remedy:
      'Start the ingress or proxy on the node (`systemctl status haproxy`, or the ingress pod), or run `solokube up`.',
  };
}

/** Where the redirect delivers for this spec: HAProxy in haproxy mode, the hostNetwork ingress in direct mode. */
export function wantedListeners(spec: Pick<NodeSpec, 'proxy' | 'ports'>): WantedListener[] {
  return spec.proxy === 'haproxy'
    ? [{ port: spec.ports.proxyHttps, what: 'HAProxy' }]
    : [
        { port: spec.ports.directHttps, what: 'the ingress (HTTPS)' },
        { port: spec.ports.directHttp, what: 'the ingress (HTTP)' },
      ];
}

/** The reclaim unit's file (undefined: not installed), `systemctl is-enabled` output and its state file. */
export function evaluateReclaim(unitFile: string | undefined, enabled: string, stateText: string | undefined): Check {
  const id = NODE_CHECK_IDS.reclaim;
  if (unitFile === undefined)
    return {
      id,
      status: 'skip',
      summary: `skipped: ${RECLAIM_UNIT_NAME} is not installed on this node (it comes with the control-plane instance group's additionalUserData)`,
    };
  if (enabled.trim() !== 'enabled')
    return {
      id,
      status: 'fail',
      summary: `${RECLAIM_UNIT_NAME} is ${enabled.trim() || 'not enabled'}: after an instance replacement nothing takes the Elastic IP back`,
      remedy: `systemctl enable ${RECLAIM_UNIT_NAME} on the node, or run \`solokube cluster create\` to render the instance group again.`,
    };
  const state = parseReclaimState(stateText);
  if (state.kind === 'never-ran')
    return {
      id,
      status: 'warn',
      summary: `${RECLAIM_UNIT_NAME} is enabled but has not run yet (no ${RECLAIM_PATHS.state})`,
      remedy: `journalctl -u ${RECLAIM_UNIT_NAME} on the node.`,
    };
  if (state.kind === 'unreadable')
    return {
      id,
      status: 'fail',
      summary: `${RECLAIM_PATHS.state} is unreadable: ${state.reason}`,
      remedy: `journalctl -u ${RECLAIM_UNIT_NAME} on the node.`,
    };
  const last = state.last;
  return last.result === 'ok'
    ? {
        id,
        status: 'pass',
        summary: `${RECLAIM_UNIT_NAME} enabled; last run ${last.at}: ok (${last.changes.length ? last.changes.join(', ') : 'nothing to change'})`,
      }
    : {
        id,
        status: 'fail',
        summary: `${RECLAIM_UNIT_NAME} last run ${last.at} failed: ${last.message}`,
        remedy: `journalctl -u ${RECLAIM_UNIT_NAME} on the node; check the instance role's permissions.`,
      };
}

export interface NodeCheckInput {
  config: SolokubeConfig;
  shell: () => Promise<NodeShell>;
  primaryPrivateIp: string;
  /** The secondary address AWS shows as ours on the control plane, if any. */
  secondaryIp: string | undefined;
  prefixLength?: number;
  signal: AbortSignal;
}

export async function runNodeChecks(i: NodeCheckInput): Promise<Check[]> {
  let shell: NodeShell;
  try {
    shell = await i.shell();
    await shell.run(['true'], { signal: i.signal });
  } catch (err) {
    return [checkFromError(NODE_CHECK_IDS.ssh, err)];
  }
  const opts = { signal: i.signal, allowFailure: true, timeoutMs: 15_000 };
  const reclaim = Promise.all([
    shell.readFile(RECLAIM_PATHS.unit),
    shell.run(['systemctl', 'is-enabled', RECLAIM_UNIT_NAME], opts),
    shell.readFile(RECLAIM_PATHS.state),
  ]).then(
    ([unit, enabled, state]) => evaluateReclaim(unit, enabled.stdout, state),
    (err: unknown) => checkFromError(NODE_CHECK_IDS.reclaim, err),
  );
  const dataPathSkipped = async (why: string): Promise<Check[]> => [
    ...[NODE_CHECK_IDS.address, NODE_CHECK_IDS.redirect, NODE_CHECK_IDS.listening].map((id): Check => ({
      id,
      status: 'skip',
      summary: `skipped: ${why}`,
    })),
    await reclaim,
  ];
  if (!i.config.secondaryIp)
    return dataPathSkipped('secondaryIp is false, so the node carries no secondary address, redirect or proxy');
  if (!i.secondaryIp)
    return dataPathSkipped('AWS shows no secondary address of ours on the control plane (see the AWS checks)');
  const secondaryIp = i.secondaryIp;
  let spec: NodeSpec;
  try {
    const layout = await discoverNodeLayout(shell, i.primaryPrivateIp);
    spec = nodeSpecFor(
      i.config,
      { primaryIp: i.primaryPrivateIp, secondaryIp, prefixLength: i.prefixLength ?? layout.prefixLength },
      i.config.nodeInterface ?? layout.interface,
    );
  } catch (err) {
    return [checkFromError(NODE_CHECK_IDS.address, err), await reclaim];
  }
  const [address, redirect, listening] = await Promise.all([
    shell.run(['ip', '-j', '-4', 'addr', 'show', 'dev', spec.interface], opts).then(
      (r) => evaluateSecondaryAddress(r.stdout, spec.interface, secondaryIp),
      (err: unknown) => checkFromError(NODE_CHECK_IDS.address, err),
    ),
    shell.run(['nft', 'list', 'table', 'ip', NFT_TABLE], opts).then(
      (r) => evaluateRedirect(r.code === 0 ? r.stdout : undefined, secondaryIp, desiredRedirects(spec)),
      (err: unknown) => checkFromError(NODE_CHECK_IDS.redirect, err),
    ),
    shell.run(['ss', '-Hltn'], opts).then(
      (r) => evaluateListening(r.stdout, wantedListeners(spec), i.primaryPrivateIp),
      (err: unknown) => checkFromError(NODE_CHECK_IDS.listening, err),
    ),
  ]);
  return [address, redirect, listening, await reclaim];
}
