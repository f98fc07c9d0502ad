// RedirectRules: solokube's nft table (only <secondary>:443, and :80 in direct mode, redirected) and
// the rules file it is loaded from, which the boot unit loads again on every boot.

import type { Change, Resource } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { desiredNatLines, parseNatTable } from '../nat-state.js';
import { NFT_TABLE, NODE_PATHS } from '../paths.js';
import { renderNatRules } from '../render-nat.js';
import type { NodeShell } from '../shell.js';
import { NodeCommandError, withSignal } from '../shell.js';
import type { NodeOutline, NodeSpec } from '../spec.js';
import { NODE_RESOURCE_DEADLINE_MS, NODE_RESOURCE_DEPENDS_ON, NODE_RESOURCE_IDS } from './ids.js';
import { isInstalled } from './packages.js';

export interface RedirectRulesState {
  /** The live table, as canonical lines (see nat-state.ts); empty when the table is absent. */
  table: string[];
  /** The rules file, undefined when absent. */
  file: string | undefined;
}

async function liveTable(shell: NodeShell): Promise<string[] | undefined> {
  const r = await shell.run(['nft', '-j', 'list', 'table', 'ip', NFT_TABLE], { allowFailure: true });
  if (r.code === 0) return parseNatTable(r.stdout);
  if (/No such file or directory/.test(r.stderr)) return undefined;
  // A node without nft cannot have our table; the packages step installs nftables.
  if (!(await isInstalled(shell, 'nft'))) return undefined;
  throw new NodeCommandError(shell.description, ['nft', '-j', 'list', 'table', 'ip', NFT_TABLE], r);
}

/** The static description for `plan --offline`. */
export function outlineRedirectRules(o: NodeOutline): Record<string, unknown> {
  const rules =
    o.proxy === 'haproxy'
      ? [`<secondary>:443 → :${o.ports.proxyHttps}`]
      : [`<secondary>:443 → :${o.ports.directHttps}`, `<secondary>:80 → :${o.ports.directHttp}`];
  return { rules, table: `ip ${NFT_TABLE}`, matches: 'the secondary address only' };
}

export function redirectRules(spec: NodeSpec, baseShell: NodeShell): Resource<RedirectRulesState> {
  const what =
    spec.proxy === 'haproxy'
      ? `443 → ${spec.ports.proxyHttps}`
      : `443 → ${spec.ports.directHttps}, 80 → ${spec.ports.directHttp}`;
  return {
    id: NODE_RESOURCE_IDS.redirectRules,
    title: `redirect rules for ${spec.secondaryIp} (${what}, nft table ip ${NFT_TABLE})`,
    dependsOn: NODE_RESOURCE_DEPENDS_ON[NODE_RESOURCE_IDS.redirectRules],
    deadlineMs: NODE_RESOURCE_DEADLINE_MS[NODE_RESOURCE_IDS.redirectRules],
    desired: () => ({ table: desiredNatLines(spec), file: renderNatRules(spec) }),
    async find(ctx) {
      const shell = withSignal(baseShell, ctx.signal);
      const table = await liveTable(shell);
      const file = await shell.readFile(NODE_PATHS.natRules);
      if (table === undefined && file === undefined) return undefined;
      return { table: table ?? [], file };
    },
    diff: (actual, desired): Change[] => diffFields(actual, desired, ['table', 'file']),
    async apply(ctx, _actual, desired) {
      const shell = withSignal(baseShell, ctx.signal);
      await shell.run(['mkdir', '-p', '-m', '0755', '/etc/solokube']);
      await shell.writeFileAtomic(NODE_PATHS.natRules, desired.file ?? '', 0o644);
      // One transaction: the file deletes and recreates our table, nothing else.
      await shell.run(['nft', '-f', NODE_PATHS.natRules]);
      return undefined;
    },
    async delete(ctx) {
      const shell = withSignal(baseShell, ctx.signal);
      if ((await liveTable(shell)) !== undefined) await shell.run(['nft', 'delete', 'table', 'ip', NFT_TABLE]);
      await shell.run(['rm', '-f', '--', NODE_PATHS.natRules]);
      await shell.run(['rmdir', '--ignore-fail-on-non-empty', '/etc/solokube']);
    },
  };
}
