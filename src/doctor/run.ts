// `solokube doctor` for every hop: AWS first (its reads tell the later hops which addresses to
// expect), then the node over SSH, the cluster through its API, and the internet side (DNS, TLS,
// end to end) side by side, all under one deadline. The report lists every check in path order and
// names the first broken one with its remedy.

import type { AwsClients } from '../aws/clients.js';
import { DEFAULT_DOCTOR_DEADLINE_MS, runAwsDoctorWithFacts } from '../aws/doctor.js';
import type { AwsFacts, Check } from '../aws/doctor.js';
import type { SolokubeConfig } from '../config/schema.js';
import { formatMs } from '../core/errors.js';
import { checkFromError } from './check-from-error.js';
import type { IoHost } from '../core/io.js';
import type { KubeTarget } from '../k8s/target.js';
import type { NodeAccess } from '../stack/node-step.js';
import { firstBroken, HOPS, inPathOrder, tagged } from './hops.js';
import type { Hop } from './hops.js';
import { internetChecks, internetRequests } from './internet-checks.js';
import type { InternetTargets } from './internet-checks.js';
import { NODE_CHECK_IDS, runNodeChecks } from './node-checks.js';
import type { Vantage } from './vantage.js';
import { deadlineSignal } from '../core/deadline-signal.js';

export interface DoctorInput {
  config: SolokubeConfig;
  clients: AwsClients;
  access: NodeAccess;
  /** The cluster's API, when a kubeconfig is known; throwing means the kubeconfig is unusable. */
  kube: () => KubeTarget | undefined;
  vantage: Vantage;
  io: IoHost;
  signal: AbortSignal;
  /** Which hops to check (default: all). The AWS reads always run: the other hops need their answers. */
  hops?: readonly Hop[];
  deadlineMs?: number;
  now?: () => Date;
}

export interface DoctorReport {
  cluster: string;
  ok: boolean;
  /** The first failing check along the path: fix this one first. */
  firstBroken?: { hop: string; id: string; summary: string; remedy?: string };
  checks: Check[];
}

/** Resolves with the checks, or with one failing check when the deadline passes first. */
function bounded(
  id: string,
  deadline: AbortSignal,
  deadlineMs: number,
  work: () => Promise<Check[]>,
): Promise<Check[]> {
  const late = new Promise<Check[]>((resolve) => {
    const fail = () =>
      resolve([
        {
          id,
          status: 'fail',
          summary: `no answer within doctor's deadline of ${formatMs(deadlineMs)}`,
          remedy: 'Check the network path to the node and the cluster (security group, SSH), then rerun.',
        },
      ]);
    if (deadline.aborted) fail();
    else deadline.addEventListener('abort', fail, { once: true });
  });
  return Promise.race([work().catch((err: unknown) => [checkFromError(id, err)]), late]);
}

/** The cluster's API as the kubeconfig names it: a target, nothing configured, or why the kubeconfig is unusable. */
interface KubeAccess {
  target?: KubeTarget;
  error?: unknown;
}

function openKube(i: DoctorInput): KubeAccess {
  try {
    const target = i.kube();
    return target ? { target } : {};
  } catch (error) {
    return { error };
  }
}

/** The cluster's CA from the kubeconfig, for pinning the API on the primary address (undefined: none usable). */
function clusterCa(kube: KubeAccess): string | undefined {
  try {
    return kube.target?.client.clusterCaPem();
  } catch {
    return undefined; // an unreadable CA file: the cluster checks report the kubeconfig as unusable
  }
}

async function clusterChecks(kube: KubeAccess, signal: AbortSignal): Promise<Check[]> {
  if (kube.error !== undefined) return [checkFromError('k8s/kubeconfig', kube.error)];
  const target = kube.target;
  if (!target)
    return [
      {
        id: 'k8s/api',
        status: 'skip',
        summary: 'skipped: no kubeconfig is configured (`kubeconfig:` in solokube.yaml, or kops exports one)',
      },
    ];
  const { runKubeDoctor, runIngressCheck } = await import('../k8s/doctor.js');
  const [kubeChecks, ingress] = await Promise.all([runKubeDoctor(target, signal), runIngressCheck(target, signal)]);
  return [...kubeChecks, ingress];
}

export function internetTargets(config: SolokubeConfig, facts: AwsFacts, clusterCaPem?: string): InternetTargets {
  const primary = facts.controlPlane?.primaryPublicIp;
  const eip = facts.elasticIp?.onControlPlane ? facts.elasticIp.publicIp : undefined;
  const apps = config.secondaryIp ? eip : primary;
  return {
    ...(apps ? { appsAddress: apps } : {}),
    ...(primary ? { primaryPublicIp: primary } : {}),
    ...(clusterCaPem ? { clusterCaPem } : {}),
  };
}

export async function runDoctor(i: DoctorInput): Promise<DoctorReport> {
  const kube = openKube(i);
  try {
    return await runDoctorWith(i, kube);
  } finally {
    kube.target?.client.close();
  }
}

async function runDoctorWith(i: DoctorInput, kube: KubeAccess): Promise<DoctorReport> {
  const deadlineMs = i.deadlineMs ?? DEFAULT_DOCTOR_DEADLINE_MS;
  const expiry = deadlineSignal(i.signal, deadlineMs, 'doctor deadline');
  try {
    return await runDoctorUnder(i, kube, expiry.signal, deadlineMs);
  } finally {
    expiry.clear();
  }
}

async function runDoctorUnder(
  i: DoctorInput,
  kube: KubeAccess,
  deadline: AbortSignal,
  deadlineMs: number,
): Promise<DoctorReport> {
  const hops = new Set<Hop>(i.hops ?? HOPS);
  const { checks: awsChecks, facts } = await runAwsDoctorWithFacts(i.config, i.clients, i.io, deadline, {
    deadlineMs,
  });
  const checks: Check[] = tagged('aws', awsChecks);
  const cp = facts.controlPlane;
  const phase: Promise<Check[]>[] = [];

  if (hops.has('node')) {
    phase.push(
      bounded(NODE_CHECK_IDS.ssh, deadline, deadlineMs, async () => {
        if (!cp)
          return [
            { id: NODE_CHECK_IDS.ssh, status: 'skip', summary: 'skipped: AWS did not find the control-plane instance' },
          ];
        return runNodeChecks({
          config: i.config,
          shell: () => i.access.shellFor(cp),
          primaryPrivateIp: cp.primaryPrivateIp,
          secondaryIp: facts.elasticIp?.onControlPlane ? facts.elasticIp.privateIp : undefined,
          signal: deadline,
        });
      }).then((c) => tagged('node', c)),
    );
  }
  if (hops.has('cluster'))
    phase.push(
      bounded('k8s/api', deadline, deadlineMs, () => clusterChecks(kube, deadline)).then((c) => tagged('cluster', c)),
    );

  const internetHops = (['dns', 'tls', 'e2e'] as const).filter((h) => hops.has(h));
  if (internetHops.length > 0) {
    const targets = internetTargets(i.config, facts, clusterCa(kube));
    phase.push(
      bounded('internet-probes', deadline, deadlineMs, async () => {
        const results = await i.vantage.probe(internetRequests(i.config, targets, internetHops), deadline);
        return internetChecks(i.config, targets, results, i.now?.() ?? new Date());
      }).then((c) =>
        // A failure of the probes as a whole (no child process, the deadline) counts against the first internet hop.
        c
          .map((x) => (x.hop ? x : { ...x, hop: 'dns' }))
          .filter((x) => internetHops.includes(x.hop as (typeof internetHops)[number])),
      ),
    );
  }
  for (const group of await Promise.all(phase)) checks.push(...group);
  const selected = inPathOrder(checks.filter((c) => hops.has(c.hop as Hop)));
  const broken = firstBroken(selected);
  return {
    cluster: i.config.name,
    ok: !broken,
    ...(broken
      ? {
          firstBroken: {
            hop: broken.hop ?? 'aws',
            id: broken.id,
            summary: broken.summary,
            ...(broken.remedy ? { remedy: broken.remedy } : {}),
          },
        }
      : {}),
    checks: selected,
  };
}
