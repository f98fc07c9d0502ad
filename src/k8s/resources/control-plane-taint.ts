// kops registers its single node as a control-plane node with the taint
// node-role.kubernetes.io/control-plane:NoSchedule (older releases: node-role.kubernetes.io/master),
// so no ordinary pod would ever schedule on a one-node cluster. This resource keeps those taints
// off the node, re-checked on every `up` (kops puts it back when it replaces the instance).
// The taint list belongs to the kubelet's registration, not to solokube's apply, so the change is
// a merge patch guarded by the node's resourceVersion: other taints stay, a concurrent change
// makes the patch fail and the engine retry with a fresh read.

import { NotReadyError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { KubeApiError } from '../errors.js';
import type { KubeTarget } from '../target.js';
import { FIELD_MANAGER } from '../types.js';
import type { KubeList, NodeObject, Taint } from '../types.js';

export const CONTROL_PLANE_TAINT_KEYS = [
  'node-role.kubernetes.io/control-plane',
  'node-role.kubernetes.io/master',
] as const;
export const CONTROL_PLANE_TAINT_ID = 'k8s/control-plane-taint';

export interface ControlPlaneTaintState {
  node: string;
  /** The control-plane taints present, as key:effect. */
  taints: string[];
}

interface Read {
  state: ControlPlaneTaintState;
  node: NodeObject;
}

const isControlPlaneTaint = (t: Taint): boolean => (CONTROL_PLANE_TAINT_KEYS as readonly string[]).includes(t.key);

export function controlPlaneTaint(target: KubeTarget): Resource<ControlPlaneTaintState> {
  const last = new WeakMap<ControlPlaneTaintState, NodeObject>();
  const read = async (signal: AbortSignal): Promise<Read> => {
    const nodes = await target.client.request<KubeList<NodeObject>>({ method: 'GET', path: '/api/v1/nodes', signal });
    const [node, ...others] = nodes.items;
    if (!node) throw new NotReadyError('the cluster has no node registered yet');
    if (others.length > 0) {
      // solokube is for single-node clusters; with more nodes it only touches control-plane ones.
      const cp = nodes.items.filter((n) => n.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined);
      if (cp.length !== 1)
        throw new NotReadyError(`expected one control-plane node, found ${cp.length} of ${nodes.items.length} nodes`);
      return read1(cp[0]!);
    }
    return read1(node);
  };
  const read1 = (node: NodeObject): Read => ({
    node,
    state: {
      node: node.metadata.name ?? '',
      taints: (node.spec?.taints ?? [])
        .filter(isControlPlaneTaint)
        .map((t) => `${t.key}:${t.effect}`)
        .sort(),
    },
  });

  return {
    id: CONTROL_PLANE_TAINT_ID,
    title: 'no control-plane taint on the node (pods may schedule on it)',
    deadlineMs: 60_000,
    async find(ctx) {
      const { state, node } = await read(ctx.signal);
      last.set(state, node);
      return state;
    },
    desired: () => ({ node: '', taints: [] }) as ControlPlaneTaintState,
    diff: (actual, desired) =>
      actual === undefined ? [] : diffFields(actual, { ...desired, node: actual.node }, ['taints']),
    async apply(ctx, actual) {
      const node = actual ? last.get(actual) : undefined;
      const fresh = node ?? (await read(ctx.signal)).node;
      const keep = (fresh.spec?.taints ?? []).filter((t) => !isControlPlaneTaint(t));
      try {
        await target.client.request({
          method: 'PATCH',
          path: `/api/v1/nodes/${encodeURIComponent(fresh.metadata.name ?? '')}`,
          contentType: 'application/merge-patch+json',
          query: { fieldManager: FIELD_MANAGER },
          body: {
            metadata: { resourceVersion: fresh.metadata.resourceVersion },
            spec: { taints: keep.length > 0 ? keep : null },
          },
          signal: ctx.signal,
        });
      } catch (err) {
        if (err instanceof KubeApiError && err.details?.httpStatus === 409)
          throw new NotReadyError('the node changed while solokube removed the taint; reading it again', err);
        throw err;
      }
      const after = await read(ctx.signal);
      return after.state;
    },
    // Putting kops' taint back is not solokube's job: `down` leaves the node as it is.
    async delete() {},
    retain: () => true,
  };
}
