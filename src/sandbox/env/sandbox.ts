// The local sandbox: "AWS" is the emulator running in the background with its state on disk,
// seeded with what kops makes; "the control-plane instance" is the lab node, a systemd-booted
// Debian container whose private address matches the emulator's ENI, behind a gateway namespace
// that NATs public addresses the way AWS's internet gateway does. `up --sandbox` then runs the
// same code path as against AWS; only the endpoints differ.

import { mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { SolokubeConfig } from '../../config/schema.js';
import { SolokubeError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import { info } from '../../core/io.js';
import { sleep } from '../../core/sleep.js';
import { SshShell } from '../../node/index.js';
import type { NodeShell } from '../../node/index.js';
import type { NodeAccess } from '../../stack/node-step.js';
import { memoizedAccess } from '../../stack/node-access.js';
import {
  attachLab,
  destroyLab,
  readLabRecord,
  startLab,
  DEFAULT_NODE_PRIMARY,
  INTERNET_DNS,
  PUBLIC_SUBNET,
} from '../lab/index.js';
import type { Lab } from '../lab/index.js';
import { writeJsonAtomic } from '../lab/record.js';
import type { NodeControlPlaneSpec } from '../lab/node-control-plane.js';
import { ensureGoTools } from '../gotools/build.js';
import {
  emulatorHealthy,
  emulatorState,
  isEmulatorAlive,
  startEmulatorProcess,
  stopEmulator,
} from './emulator-process.js';
import { publicMappings, syncGateway } from './gateway-sync.js';
import { isSandboxDnsAlive, startSandboxDns, stopSandboxDns } from './dns-process.js';

/** One sandbox per machine (override for tests that need their own). */
export function sandboxDir(): string {
  return process.env.SOLOKUBE_SANDBOX_DIR ?? '/var/lib/solokube/sandbox';
}

/** The instance's own public address in the sandbox ("auto-assigned" by the emulator's seed). */
export const SANDBOX_INSTANCE_PUBLIC_IP = '198.19.1.10';

const recordSchema = z.object({
  version: z.literal(1),
  clusterName: z.string(),
  dnsZone: z.string(),
  region: z.string(),
  emulator: z.object({ pid: z.number().int(), endpoint: z.string().url(), stateFile: z.string(), logFile: z.string() }),
  labRecordPath: z.string(),
  /** The DNS server answering the emulator's zones on the lab's internet side (absent in records from before it existed). */
  dns: z.object({ pid: z.number().int(), netns: z.string(), address: z.string() }).optional(),
  createdAt: z.string(),
});
export type SandboxRecord = z.infer<typeof recordSchema>;

export interface Sandbox {
  record: SandboxRecord;
  lab: Lab;
  /** What the AWS clients need to talk to the emulator instead of AWS. */
  awsClientOverrides: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** SSH to the lab node through its forward port, with the host key the lab pinned. */
  nodeAccess(io: IoHost): NodeAccess;
  /** The admin kubeconfig of the node's real control plane (through the lab's loopback forward). */
  kubeconfigPath?: string;
  /** Make the gateway's NAT follow the emulator's public addresses. */
  syncGateway(signal?: AbortSignal): Promise<void>;
}

const recordPath = (): string => join(sandboxDir(), 'sandbox.json');

/** Start what is missing (emulator, lab), reuse what runs; the same cluster name is required. */
export async function ensureSandbox(config: SolokubeConfig, io: IoHost): Promise<Sandbox> {
  const dir = sandboxDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const previous = await readRecord();
  if (previous && previous.clusterName !== config.name) {
    throw new SolokubeError({
      code: 'sandbox.other-cluster',
      message: `the sandbox runs cluster ${previous.clusterName}, not ${config.name}`,
      remedy: `Run \`solokube down --sandbox\` with that cluster's configuration first.`,
      actor: 'user',
      exitCode: 2,
    });
  }
  const stateFile = join(dir, 'aws-state.json');
  const logFile = join(dir, 'aws-emulator.log');
  let emulator = previous?.emulator;
  if (!emulator || !isEmulatorAlive(emulator.pid) || !(await emulatorHealthy(emulator.endpoint))) {
    const fresh = !existsSync(stateFile);
    info(
      io,
      fresh
        ? 'starting the sandbox AWS emulator (fresh account with a kops-made cluster)'
        : 'restarting the sandbox AWS emulator from its saved state',
    );
    const started = await startEmulatorProcess({
      stateFile,
      logFile,
      region: config.region,
      publicIpPool: PUBLIC_SUBNET,
      ...(fresh
        ? { seedKops: { clusterName: config.name, dnsZone: config.dnsZone, publicIp: SANDBOX_INSTANCE_PUBLIC_IP } }
        : {}),
    });
    emulator = { pid: started.pid, endpoint: started.endpoint, stateFile, logFile };
  }
  let lab = previous ? await attachRunningLab(previous.labRecordPath) : undefined;
  if (!lab) {
    info(
      io,
      'booting the sandbox node (a systemd-booted Debian container; the first run builds its image, about a minute)',
    );
    lab = await startLab({
      io,
      clusterName: config.name,
      appsDomain: config.appsDomain,
      primaryAddress: DEFAULT_NODE_PRIMARY,
      apiAddresses: [SANDBOX_INSTANCE_PUBLIC_IP],
      controlPlane: await nodeControlPlane(emulator.endpoint, io),
    });
  }
  let dns = previous?.dns;
  if (!dns || dns.netns !== lab.record.netns.gw || !isSandboxDnsAlive(dns)) {
    if (dns) await stopSandboxDns(dns);
    info(io, `starting the sandbox DNS on ${INTERNET_DNS}:53 (the emulator's Route 53 zones, for the internet side)`);
    dns = await startSandboxDns({
      labName: lab.name,
      gwNetns: lab.record.netns.gw,
      address: INTERNET_DNS,
      stateFile,
      logFile: join(dir, 'dns.log'),
    });
  }
  const record: SandboxRecord = {
    version: 1,
    clusterName: config.name,
    dnsZone: config.dnsZone,
    region: config.region,
    emulator,
    labRecordPath: lab.record.recordPath,
    dns,
    createdAt: previous?.createdAt ?? new Date().toISOString(),
  };
  await writeJsonAtomic(recordPath(), record);
  const sandbox = handle(record, lab);
  await sandbox.syncGateway();
  if (sandbox.kubeconfigPath) await waitForControlPlane(sandbox.kubeconfigPath, config.name, io);
  return sandbox;
}

const CONTROL_PLANE_WAIT_MS = 240_000;

/**
 * Waits, as `kops validate cluster --wait` does, until the node's API answers and its node is
 * Ready (a fresh boot starts etcd, kube-apiserver and the controllers; a reused one answers at once).
 */
async function waitForControlPlane(kubeconfigPath: string, clusterName: string, io: IoHost): Promise<void> {
  const { KubeClient } = await import('../../k8s/client.js');
  const client = KubeClient.fromKubeconfig(kubeconfigPath, { clusterName, requestTimeoutMs: 3_000 });
  const started = Date.now();
  let told = 0;
  let last = '';
  try {
    while (Date.now() - started < CONTROL_PLANE_WAIT_MS) {
      try {
        const nodes = await client.request<{
          items: { status?: { conditions?: { type: string; status: string }[] } }[];
        }>({ method: 'GET', path: '/api/v1/nodes' });
        if (nodes.items.some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))) {
          if (told > 0)
            info(
              io,
              `the sandbox node's Kubernetes API answers and its node is Ready (${Math.round((Date.now() - started) / 1000)} s)`,
            );
          return;
        }
        last = 'the node is not Ready yet';
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      if (Date.now() - started >= told * 10_000) {
        info(
          io,
          `waiting for the sandbox node's Kubernetes control plane (${Math.round((Date.now() - started) / 1000)} s; ${last})`,
        );
        told += 1;
      }
      await sleep(1_000);
    }
  } finally {
    client.close();
  }
  throw new SolokubeError({
    code: 'sandbox.control-plane-not-ready',
    message: `the sandbox node's Kubernetes control plane did not become ready within ${CONTROL_PLANE_WAIT_MS / 1000} s (last: ${last})`,
    remedy:
      'Look at the node\'s units (`journalctl -u "solokube-lab-*"` inside it), or run `solokube down --sandbox --yes` and `up --sandbox` again.',
  });
}

/** The running sandbox, or undefined when there is none. Starts nothing. */
export async function openSandbox(): Promise<Sandbox | undefined> {
  const record = await readRecord();
  if (!record || !isEmulatorAlive(record.emulator.pid)) return undefined;
  const lab = await attachRunningLab(record.labRecordPath);
  return lab ? handle(record, lab) : undefined;
}

export interface SandboxRemoval {
  lab?: string;
  emulatorPid?: number;
  dir: string;
}

/** Stop and remove everything of the sandbox: node container, namespaces, processes, state. */
export async function removeSandbox(io: IoHost): Promise<SandboxRemoval> {
  const record = await readRecord();
  const removal: SandboxRemoval = { dir: sandboxDir() };
  if (record) {
    if (record.dns) await stopSandboxDns(record.dns);
    if (existsSync(record.labRecordPath)) {
      const lab = await readLabRecord(record.labRecordPath);
      info(io, `removing the sandbox node ${lab.name} and its namespaces`);
      await destroyLab(lab);
      removal.lab = lab.name;
    }
    await stopEmulator(record.emulator.pid);
    removal.emulatorPid = record.emulator.pid;
  }
  await rm(sandboxDir(), { recursive: true, force: true });
  return removal;
}

async function readRecord(): Promise<SandboxRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = recordSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new SolokubeError({
      code: 'sandbox.record',
      message: `${recordPath()} is not a sandbox record solokube wrote`,
      remedy: `Remove ${sandboxDir()} by hand if nothing of the sandbox runs.`,
      actor: 'user',
    });
  }
  return parsed.data;
}

async function attachRunningLab(path: string): Promise<Lab | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const lab = await attachLab(path);
    await lab.node.waitReady(30_000);
    return lab;
  } catch {
    // A lab that no longer answers is cleaned away and replaced; the emulator keeps the AWS side.
    await destroyLab(await readLabRecord(path)).catch(() => undefined);
    return undefined;
  }
}

/**
 * The node runs a real Kubernetes control plane, as kops' instance does: the Go-built binaries (built
 * once per machine, with progress) and a Node named after the emulator's control-plane instance.
 */
async function nodeControlPlane(endpoint: string, io: IoHost): Promise<NodeControlPlaneSpec> {
  const bins = await ensureGoTools(['k8s', 'etcd', 'kwok'], { io });
  const state = await emulatorState(endpoint);
  const instance = Object.values(state.instances).find(
    (i) => i.tags['k8s.io/role/control-plane'] === '1' && i.state === 'running',
  );
  if (!instance)
    throw new SolokubeError({
      code: 'sandbox.no-instance',
      message: 'the sandbox emulator holds no running control-plane instance',
      remedy: 'Run `solokube down --sandbox --yes`, then `up --sandbox` again.',
    });
  const toolDir = (bin: string | undefined): string => dirname(dirname(bin ?? ''));
  return {
    toolDirs: { k8s: toolDir(bins['kube-apiserver']), etcd: toolDir(bins.etcd), kwok: toolDir(bins.kwok) },
    node: { instanceId: instance.instanceId, zone: instance.availabilityZone, instanceType: instance.instanceType },
  };
}

function handle(record: SandboxRecord, lab: Lab): Sandbox {
  return {
    record,
    lab,
    ...(lab.record.controlPlane ? { kubeconfigPath: lab.record.controlPlane.kubeconfigPath } : {}),
    awsClientOverrides: {
      endpoint: record.emulator.endpoint,
      credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    },
    nodeAccess(io: IoHost): NodeAccess {
      return memoizedAccess(
        (): NodeShell =>
          new SshShell({
            host: lab.node.ssh.host,
            port: lab.node.ssh.port,
            user: lab.node.ssh.user,
            privateKeyPath: lab.node.ssh.privateKeyPath,
            knownHostsPath: lab.node.ssh.knownHostsPath,
            io,
          }),
      );
    },
    async syncGateway(signal?: AbortSignal): Promise<void> {
      const state = await emulatorState(record.emulator.endpoint, signal);
      const mappings = Object.keys(state.networkInterfaces).flatMap((eni) => publicMappings(state, eni));
      await syncGateway(lab.gateway, mappings);
    },
  };
}
