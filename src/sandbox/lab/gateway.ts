// The lab's network outside the node: the gateway namespace (the VPC router with the subnet's
// bridge, and the internet gateway with its one-to-one NAT for public addresses) and the client
// namespace on the "internet" side of it.
import { existsSync } from 'node:fs';
import { runOk, run } from './run.js';
import {
  CLIENT_ADDRESS,
  CLIENT_IF,
  GW_BRIDGE,
  GW_INTERNET_IF,
  INTERNET_DNS,
  INTERNET_GATEWAY,
  PUBLIC_SUBNET,
  VPC_GATEWAY,
  VPC_PREFIX_LENGTH,
  VPC_SUBNET,
  assertInCidr,
} from './addresses.js';

const DNAT_CHAIN = 'SKL-IGW-DNAT';
const SNAT_CHAIN = 'SKL-IGW-SNAT';

export function netnsPath(netns: string): string {
  return `/run/netns/${netns}`;
}

/** argv prefix that runs a program in a namespace without `ip netns exec` (which remounts /sys and hides cgroups from nspawn). */
export function inNetns(netns: string, argv: readonly string[]): string[] {
  return ['nsenter', `--net=${netnsPath(netns)}`, '--', ...argv];
}

export async function createLabNetwork(ns: { gw: string; client: string }): Promise<void> {
  await runOk(['ip', 'netns', 'add', ns.gw]);
  await runOk(['ip', 'netns', 'add', ns.client]);
  const gw = (args: string[]): Promise<string> => runOk(['ip', '-n', ns.gw, ...args]);
  const cl = (args: string[]): Promise<string> => runOk(['ip', '-n', ns.client, ...args]);
  await gw(['link', 'set', 'lo', 'up']);
  await cl(['link', 'set', 'lo', 'up']);
  await gw(['link', 'add', GW_BRIDGE, 'type', 'bridge']);
  await gw(['addr', 'add', `${VPC_GATEWAY}/${VPC_PREFIX_LENGTH}`, 'dev', GW_BRIDGE]);
  await gw(['link', 'set', GW_BRIDGE, 'up']);
  await gw(['link', 'add', GW_INTERNET_IF, 'type', 'veth', 'peer', 'name', CLIENT_IF, 'netns', ns.client]);
  await gw(['addr', 'add', `${INTERNET_GATEWAY}/24`, 'dev', GW_INTERNET_IF]);
  await gw(['addr', 'add', `${INTERNET_DNS}/24`, 'dev', GW_INTERNET_IF]);
  await gw(['link', 'set', GW_INTERNET_IF, 'up']);
  await cl(['addr', 'add', `${CLIENT_ADDRESS}/24`, 'dev', CLIENT_IF]);
  await cl(['link', 'set', CLIENT_IF, 'up']);
  await cl(['route', 'add', 'default', 'via', INTERNET_GATEWAY]);
  await runOk(inNetns(ns.gw, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']));
  const ipt = (args: string[]): Promise<string> => runOk(inNetns(ns.gw, ['iptables', '-w', '-t', 'nat', ...args]));
  await ipt(['-N', DNAT_CHAIN]);
  await ipt(['-N', SNAT_CHAIN]);
  await ipt(['-A', 'PREROUTING', '-j', DNAT_CHAIN]);
  await ipt(['-A', 'POSTROUTING', '-j', SNAT_CHAIN]);
}

/** Removes both namespaces (and with them the bridge, veths and NAT). Missing ones are fine. */
export async function deleteLabNetwork(ns: { gw: string; client: string }): Promise<void> {
  for (const name of [ns.client, ns.gw]) {
    if (existsSync(netnsPath(name))) await runOk(['ip', 'netns', 'del', name]);
  }
}

export interface PublicIpMapping {
  publicIp: string;
  privateIp: string;
}

/** Like AWS's internet gateway: inbound to publicIp goes to privateIp; privateIp's outbound leaves as publicIp. Idempotent. */
export async function mapPublicIp(gwNetns: string, m: PublicIpMapping): Promise<void> {
  assertInCidr('public address', m.publicIp, PUBLIC_SUBNET);
  assertInCidr('private address', m.privateIp, VPC_SUBNET);
  const current = await listPublicIps(gwNetns);
  const same = current.find((c) => c.publicIp === m.publicIp);
  if (same && same.privateIp === m.privateIp) return;
  if (same) await unmapPublicIp(gwNetns, m.publicIp);
  const tag = ['-m', 'comment', '--comment', commentFor(m.publicIp)];
  const ipt = (args: string[]): Promise<string> => runOk(inNetns(gwNetns, ['iptables', '-w', '-t', 'nat', ...args]));
  await ipt(['-A', DNAT_CHAIN, '-d', `${m.publicIp}/32`, ...tag, '-j', 'DNAT', '--to-destination', m.privateIp]);
  await ipt([
    '-A',
    SNAT_CHAIN,
    '-s',
    `${m.privateIp}/32`,
    '-o',
    GW_INTERNET_IF,
    ...tag,
    '-j',
    'SNAT',
    '--to-source',
    m.publicIp,
  ]);
}

/** Removes the mapping of publicIp; absent is fine. */
export async function unmapPublicIp(gwNetns: string, publicIp: string): Promise<void> {
  assertInCidr('public address', publicIp, PUBLIC_SUBNET);
  for (const chain of [DNAT_CHAIN, SNAT_CHAIN]) {
    const rules = await ruleSpecs(gwNetns, chain);
    for (const spec of rules.filter(
      (r) => r.includes(`"${commentFor(publicIp)}"`) || r.includes(` ${commentFor(publicIp)} `),
    )) {
      const args = splitRuleSpec(spec).slice(2); // drop "-A <chain>"
      await runOk(inNetns(gwNetns, ['iptables', '-w', '-t', 'nat', '-D', chain, ...args]));
    }
  }
}

export async function listPublicIps(gwNetns: string): Promise<PublicIpMapping[]> {
  const out: PublicIpMapping[] = [];
  for (const spec of await ruleSpecs(gwNetns, DNAT_CHAIN)) {
    const pub = /-d (\S+)\/32/.exec(spec)?.[1];
    const priv = /--to-destination (\S+)/.exec(spec)?.[1];
    if (pub && priv) out.push({ publicIp: pub, privateIp: priv });
  }
  return out;
}

function commentFor(publicIp: string): string {
  return `skl-eip-${publicIp}`;
}

async function ruleSpecs(gwNetns: string, chain: string): Promise<string[]> {
  const r = await run(inNetns(gwNetns, ['iptables', '-w', '-t', 'nat', '-S', chain]));
  if (r.code !== 0) return [];
  return r.stdout.split('\n').filter((l) => l.startsWith(`-A ${chain} `));
}

/** `iptables -S` output splits on spaces; our comments never contain spaces or quotes (validated addresses). */
function splitRuleSpec(spec: string): string[] {
  return spec
    .split(' ')
    .filter((w) => w.length > 0)
    .map((w) => w.replace(/^"(.*)"$/, '$1'));
}
