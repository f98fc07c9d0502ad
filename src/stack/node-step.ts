// The node step of `up` and `down`: the node layer's resources, whose spec is only known once AWS
// has found the instance and assigned the secondary address. Each node resource is wrapped so it
// reads those two AWS resources through the engine (ctx.dependency) and builds the real node
// resource from them. While planning a fresh setup the secondary address is not known yet; the
// step then shows as a create "known after aws/secondary-private-ip" and touches nothing.

import type { SolokubeConfig } from '../config/schema.js';
import type { Change, Resource, ResourceContext } from '../core/resource.js';
import { isUnknown, unknownAfter } from '../core/unknown.js';
import type { Unknown } from '../core/unknown.js';
import { AWS_IDS } from '../aws/resources/context.js';
import type { ControlPlane } from '../aws/resources/control-plane.js';
import type { SecondaryPrivateIpState } from '../aws/resources/secondary-private-ip.js';
import {
  discoverNodeLayout,
  nodeResources,
  NODE_RESOURCE_DEADLINE_MS,
  NODE_RESOURCE_DEPENDS_ON,
  NODE_RESOURCE_IDS,
  NODE_RESOURCE_OUTLINES,
} from '../node/index.js';
import type { NodeShell, NodeSpec } from '../node/index.js';
import { nodeOutlineFor, nodeSpecFor } from './node-spec.js';

/** How the step reaches the node the AWS side found (SSH to its public address, or the sandbox's). */
export interface NodeAccess {
  shellFor(controlPlane: ControlPlane): Promise<NodeShell>;
  /** Close every connection opened; commands call it when they finish. */
  close(): Promise<void>;
}

interface Pending {
  pending: Unknown;
}

const TITLES: Record<string, string> = {
  [NODE_RESOURCE_IDS.packages]: 'packages the data path needs (apt, one run)',
  [NODE_RESOURCE_IDS.secondaryAddress]: 'secondary address on the node interface',
  [NODE_RESOURCE_IDS.redirectRules]: 'NAT redirect for the secondary address only',
  [NODE_RESOURCE_IDS.proxyConfig]: 'HAProxy routing by TLS SNI',
  [NODE_RESOURCE_IDS.bootUnit]: 'boot unit restoring address and rules before the proxy',
};

export function nodeStep(config: SolokubeConfig, access: NodeAccess): Resource[] {
  let cachedSpec: { key: string; spec: NodeSpec; shell: NodeShell } | undefined;

  /** The real node resources for the addresses AWS reports, or undefined while they are unknown. */
  const resolve = async (ctx: ResourceContext): Promise<Resource[] | undefined> => {
    const cp = ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane);
    const sip = ctx.dependency<SecondaryPrivateIpState | undefined>(AWS_IDS.secondaryPrivateIp);
    if (!cp || !sip || isUnknown(sip.address)) return undefined;
    const key = `${cp.instanceId}/${cp.primaryPrivateIp}/${sip.address}/${sip.prefixLength}`;
    if (cachedSpec?.key !== key) {
      const shell = await access.shellFor(cp);
      const iface = config.nodeInterface ?? (await discoverNodeLayout(shell, cp.primaryPrivateIp)).interface;
      const spec = nodeSpecFor(
        config,
        { primaryIp: cp.primaryPrivateIp, secondaryIp: sip.address, prefixLength: sip.prefixLength },
        iface,
      );
      cachedSpec = { key, spec, shell };
    }
    return nodeResources(cachedSpec.spec, cachedSpec.shell);
  };

  const ids = [
    NODE_RESOURCE_IDS.packages,
    NODE_RESOURCE_IDS.secondaryAddress,
    NODE_RESOURCE_IDS.redirectRules,
    NODE_RESOURCE_IDS.proxyConfig,
    NODE_RESOURCE_IDS.bootUnit,
  ];
  return ids.map((id): Resource => {
    // The inner resource built by the last find()/desired(), so the pure diff() can delegate to it.
    let inner: Resource | undefined;
    const innerOf = async (ctx: ResourceContext): Promise<Resource | undefined> => {
      inner = (await resolve(ctx))?.find((r) => r.id === id);
      return inner;
    };
    return {
      id,
      title:
        id === NODE_RESOURCE_IDS.proxyConfig && config.proxy === 'direct'
          ? 'no HAProxy routing (proxy: direct)'
          : (TITLES[id] ?? id),
      dependsOn: [...(NODE_RESOURCE_DEPENDS_ON[id] ?? []), AWS_IDS.controlPlane, AWS_IDS.secondaryPrivateIp],
      deadlineMs: NODE_RESOURCE_DEADLINE_MS[id] ?? 120_000,
      describe: () => NODE_RESOURCE_OUTLINES[id]?.(nodeOutlineFor(config)) ?? {},
      async find(ctx) {
        const r = await innerOf(ctx);
        return r ? r.find(ctx) : undefined;
      },
      async desired(ctx): Promise<unknown> {
        const r = await innerOf(ctx);
        return r ? r.desired(ctx) : ({ pending: unknownAfter(AWS_IDS.secondaryPrivateIp) } satisfies Pending);
      },
      diff(actual, desired): Change[] {
        if (isPending(desired))
          return [{ field: 'settings', from: actual === undefined ? undefined : '(current)', to: desired.pending }];
        return inner ? inner.diff(actual, desired) : [];
      },
      // While applying, the AWS dependencies are real, so desired() was never pending here.
      async apply(ctx, actual, desired, changes) {
        const r = await innerOf(ctx);
        if (!r || isPending(desired)) throw new Error(`${id}: applied before the secondary address was known`);
        return r.apply(ctx, actual, desired, changes);
      },
      // What the node layer keeps on removal (installed packages) stays, as the inner resource says.
      retain: (actual) => inner?.retain?.(actual) ?? false,
      async delete(ctx, actual) {
        const r = await innerOf(ctx);
        if (r) await r.delete(ctx, actual);
      },
    };
  });
}

function isPending(v: unknown): v is Pending {
  return typeof v === 'object' && v !== null && 'pending' in v && isUnknown((v as Pending).pending);
}
