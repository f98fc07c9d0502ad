// Waiting for a Deployment to roll out, by watching it (never by sleeping): done when the
// controller has seen the newest generation and every replica is updated and available; failed
// when the controller reports ProgressDeadlineExceeded or our own deadline passes. A failure names
// what the pods say about themselves (ImagePullBackOff, CrashLoopBackOff, the scheduler's reason).

import type { KubeClient } from './client.js';
import { RolloutFailedError } from './errors.js';
import type { Condition, DeploymentObject, KubeList, PodObject } from './types.js';

export type RolloutVerdict = { state: 'done' } | { state: 'waiting'; why: string } | { state: 'failed'; why: string };

/** The same reading `kubectl rollout status` makes of a Deployment's status. Pure. */
export function rolloutVerdict(d: DeploymentObject): RolloutVerdict {
  const generation = d.metadata.generation ?? 0;
  const st = d.status ?? {};
  if ((st.observedGeneration ?? 0) < generation)
    return { state: 'waiting', why: 'the controller has not seen the newest spec yet' };
  const progressing = condition(st.conditions, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      why: `ProgressDeadlineExceeded (${progressing.message ?? 'no progress within progressDeadlineSeconds'})`,
    };
  }
  const want = d.spec?.replicas ?? 1;
  const updated = st.updatedReplicas ?? 0;
  if (updated < want) return { state: 'waiting', why: `${updated} of ${want} replicas updated` };
  if ((st.replicas ?? 0) > updated)
    return { state: 'waiting', why: `${(st.replicas ?? 0) - updated} old replicas still terminating` };
  if ((st.availableReplicas ?? 0) < updated)
    return { state: 'waiting', why: `${st.availableReplicas ?? 0} of ${updated} updated replicas available` };
  const available = condition(st.conditions, 'Available');
  if (want > 0 && available?.status !== 'True')
    return { state: 'waiting', why: 'the Available condition is not True yet' };
  return { state: 'done' };
}

export interface RolloutWaitOptions {
  deadlineMs: number;
  signal: AbortSignal;
}

export async function waitForRollout(
  client: KubeClient,
  namespace: string,
  name: string,
  opts: RolloutWaitOptions,
): Promise<DeploymentObject> {
  const base = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`;
  const deadline = AbortSignal.timeout(opts.deadlineMs);
  const signal = AbortSignal.any([opts.signal, deadline]);
  let last: DeploymentObject | undefined;
  let lastWhy = 'not read yet';
  try {
    for (;;) {
      last = await client.request<DeploymentObject>({
        method: 'GET',
        path: `${base}/${encodeURIComponent(name)}`,
        signal,
      });
      let verdict: RolloutVerdict = rolloutVerdict(last);
      if (verdict.state === 'done') return last;
      if (verdict.state === 'failed') throw await failure(client, last, verdict.why);
      lastWhy = verdict.why;
      const outcome = await client.watch(
        base,
        {
          fieldSelector: `metadata.name=${name}`,
          resourceVersion: last.metadata.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: 300,
        },
        (ev) => {
          if (ev.type === 'ERROR') return true; // e.g. resourceVersion too old: read afresh
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return false;
          last = ev.object as DeploymentObject;
          verdict = rolloutVerdict(last);
          if (verdict.state === 'waiting') lastWhy = verdict.why;
          return verdict.state !== 'waiting';
        },
        signal,
      );
      const seen = verdict as RolloutVerdict; // set by the watch callback
      if (outcome === 'done' && seen.state === 'done') return last;
      if (outcome === 'done' && seen.state === 'failed') throw await failure(client, last, seen.why);
    }
  } catch (err) {
    if (!deadline.aborted || opts.signal.aborted) throw err;
    throw await failure(client, last, `not available within ${Math.round(opts.deadlineMs / 1000)}s (${lastWhy})`);
  }
}

async function failure(client: KubeClient, d: DeploymentObject | undefined, why: string): Promise<RolloutFailedError> {
  const ns = d?.metadata.namespace ?? '';
  const name = d?.metadata.name ?? '';
  let reasons: string[];
  try {
    reasons = d ? await podReasons(client, d) : [];
  } catch (err) {
    reasons = [`(the pods could not be read: ${err instanceof Error ? err.message : String(err)})`];
  }
  return new RolloutFailedError(`Deployment ${ns}/${name}`, why, reasons, {});
}

/** One line per pod that is not ready, saying why in the pod's own words. */
export async function podReasons(client: KubeClient, d: DeploymentObject, max = 5): Promise<string[]> {
  const labels = d.spec?.selector?.matchLabels ?? {};
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await client.request<KubeList<PodObject>>({
    method: 'GET',
    path: `/api/v1/namespaces/${encodeURIComponent(d.metadata.namespace ?? '')}/pods`,
    query: { labelSelector: selector },
    signal: AbortSignal.timeout(10_000),
  });
  return pods.items
    .filter((p) => condition(p.status?.conditions, 'Ready')?.status !== 'True')
    .slice(0, max)
    .map(describePod);
}

export function describePod(p: PodObject): string {
  const name = p.metadata.name ?? '(unnamed)';
  const st = p.status ?? {};
  for (const c of [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])]) {
    const w = c.state?.waiting;
    if (w?.reason && w.reason !== 'ContainerCreating' && w.reason !== 'PodInitializing')
      return `${name}: ${w.reason}${w.message ? ` (${w.message})` : ''} [container ${c.name}]`;
    const t = c.state?.terminated;
    if (t?.reason && t.reason !== 'Completed')
      return `${name}: ${t.reason}${t.exitCode !== undefined ? ` exit ${t.exitCode}` : ''}${t.message ? ` (${t.message})` : ''} [container ${c.name}]`;
  }
  const scheduled = condition(st.conditions, 'PodScheduled');
  if (scheduled?.status === 'False')
    return `${name}: ${st.phase ?? 'Pending'} — ${scheduled.reason ?? 'not scheduled'}: ${scheduled.message ?? ''}`.trim();
  const ready = condition(st.conditions, 'Ready');
  return `${name}: ${st.phase ?? 'Pending'}, not ready${ready?.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ''})` : ''}`;
}

function condition(conds: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}
