// Packages: what the data path needs from apt when a node image lacks it (kops' Ubuntu and Debian
// images ship nft; HAProxy usually has to be installed). One step installs everything missing in
// one go — `apt-get update` once, then one `apt-get install` — so that two resources never run apt
// side by side, and it waits for the dpkg lock (unattended-upgrades on a fresh node holds it) for a
// bounded time. apt only: kops control-plane images are Debian or Ubuntu.

import { SolokubeError } from '../../core/errors.js';
import type { Change, Resource } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import type { NodeShell, RunResult } from '../shell.js';
import { NodeCommandError, withSignal } from '../shell.js';
import type { NodeOutline, NodeSpec } from '../spec.js';
import { NODE_RESOURCE_DEADLINE_MS, NODE_RESOURCE_DEPENDS_ON, NODE_RESOURCE_IDS } from './ids.js';

/** A program the node needs, and the package that brings it. */
export interface PackageNeed {
  binary: string;
  pkg: string;
}

export interface PackagesState {
  /** Needed packages whose program is on the node's PATH, sorted. */
  present: string[];
}

export interface PackagesOptions {
  /** What to make sure of; default: what the spec's data path needs. */
  needs?: readonly PackageNeed[];
  /** How long apt may wait for another apt/dpkg to let go of its lock (default 5 minutes). */
  lockWaitMs?: number;
}

const APT_TIMEOUT_MS = 600_000;
const DEFAULT_LOCK_WAIT_MS = 300_000;

/** What the data path of this spec needs installed. */
export function packagesFor(spec: NodeSpec): PackageNeed[] {
  return [
    { binary: 'nft', pkg: 'nftables' },
    ...(spec.proxy === 'haproxy' ? [{ binary: 'haproxy', pkg: 'haproxy' }] : []),
  ];
}

/** The static description for `plan --offline`. */
export function outlinePackages(o: NodeOutline): Record<string, unknown> {
  return {
    installs: `nftables${o.proxy === 'haproxy' ? ', haproxy' : ''} when missing (apt-get update once, then one install)`,
  };
}

export async function isInstalled(shell: NodeShell, binary: string): Promise<boolean> {
  return (await shell.run(['sh', '-c', 'command -v "$1"', 'sh', binary], { allowFailure: true })).code === 0;
}

/** apt gave up waiting for another package manager run to finish. */
export class PackageLockError extends SolokubeError {
  constructor(where: string, waitedMs: number, result: RunResult) {
    super({
      code: 'node.package-lock-busy',
      message: `Another package manager run on ${where} held the dpkg lock for more than ${Math.round(waitedMs / 1000)} s: ${result.stderr.trim()}`,
      remedy:
        'Wait for it to finish (a fresh node often runs unattended-upgrades for a few minutes; see `ps aux | grep -E "apt|dpkg"` on the node), then rerun.',
      actor: 'node',
      details: { ...result },
    });
  }
}

export function nodePackages(
  spec: NodeSpec,
  baseShell: NodeShell,
  opts: PackagesOptions = {},
): Resource<PackagesState> {
  const needs = opts.needs ?? packagesFor(spec);
  const lockWaitMs = opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  // apt waits this long for the dpkg frontend lock (and, in apt 2.x, the lists lock of update).
  const apt = (...args: string[]) => [
    'env',
    'DEBIAN_FRONTEND=noninteractive',
    'apt-get',
    '-q',
    '-o',
    `DPkg::Lock::Timeout=${Math.ceil(lockWaitMs / 1000)}`,
    ...args,
  ];
  const runApt = async (shell: NodeShell, argv: string[]): Promise<void> => {
    const r = await shell.run(argv, { timeoutMs: APT_TIMEOUT_MS + lockWaitMs, allowFailure: true });
    if (r.code === 0) return;
    if (/Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock directory/.test(r.stderr))
      throw new PackageLockError(shell.description, lockWaitMs, r);
    throw new NodeCommandError(shell.description, argv, r);
  };
  return {
    id: NODE_RESOURCE_IDS.packages,
    title: `packages ${needs.map((n) => n.pkg).join(', ')} (apt, one run)`,
    dependsOn: NODE_RESOURCE_DEPENDS_ON[NODE_RESOURCE_IDS.packages],
    deadlineMs: NODE_RESOURCE_DEADLINE_MS[NODE_RESOURCE_IDS.packages],
    // Packages may serve others on the node too: removal never uninstalls them.
    retain: () => true,
    desired: () => ({ present: needs.map((n) => n.pkg).sort() }),
    async find(ctx) {
      const shell = withSignal(baseShell, ctx.signal);
      const present: string[] = [];
      for (const n of needs) if (await isInstalled(shell, n.binary)) present.push(n.pkg);
      return { present: present.sort() };
    },
    diff: (actual, desired): Change[] => diffFields(actual, desired, ['present']),
    async apply(ctx, actual, desired) {
      const shell = withSignal(baseShell, ctx.signal);
      const missing = desired.present.filter((p) => !(actual?.present ?? []).includes(p));
      if (missing.length === 0) return undefined;
      await runApt(shell, apt('update'));
      await runApt(shell, apt('install', '-y', '--no-install-recommends', ...missing));
      return undefined;
    },
    async delete() {},
  };
}
