// The local sandbox: "AWS" is the emulator running in the background with its state on disk,
// starting as a fresh account that owns only the public hosted zone. `up --sandbox` then runs the
// same code path as against AWS: the state store, the kops cluster through the sandbox's kops (real
// kops where it can run, the stand-in for the rest, sandbox-kops.ts), whose launched instance the
// lab node plays (lab-node.ts): a systemd-booted Debian container whose private address is the
// instance ENI's, behind a gateway namespace that NATs public addresses the way AWS's internet
// gateway does. Only the endpoints differ.

import { mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import type { SolokubeConfig } from '../../config/schema.js';
import { SolokubeError } from '../../core/errors.js';
import type { IoHost } from '../../core/io.js';
import { info } from '../../core/io.js';
import { SshShell } from '../../node/index.js';
import type { NodeShell } from '../../node/index.js';
import type { NodeAccess } from '../../stack/node-step.js';
import { memoizedAccess } from '../../stack/node-access.js';
import { destroyLab, readLabRecord } from '../lab/index.js';
import type { Lab } from '../lab/index.js';
import { PUBLIC_SUBNET } from '../lab/index.js';
import type { KopsCli } from '../../kops/cli.js';
import { emulatorHealthy, isEmulatorAlive, startEmulatorProcess, stopEmulator } from './emulator-process.js';
import { stopSandboxDns } from './dns-process.js';
import { stopInstanceLink } from './instance-link.js';
import { attachRunningLab, LabNodeProvider, syncLabGateway, waitForControlPlane } from './lab-node.js';
import { readRecord, sandboxDir, sandboxKubeconfigPath, writeRecord } from './record.js';
import type { SandboxRecord } from './record.js';
import { sandboxKops } from './sandbox-kops.js';
import {
  appsCaCertPath,
  ensureSandboxAcmeListener,
  ensureSandboxIngress,
  sandboxIngressOptions,
  stopSandboxPebble,
} from './sandbox-ingress.js';
import type { SettingsOptions } from '../../ingress/index.js';

export { sandboxDir, type SandboxRecord };
export { SANDBOX_INSTANCE_PUBLIC_IP } from './sandbox-kops.js';

const CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

export interface Sandbox {
  record: SandboxRecord;
  /** The lab node playing the control-plane instance; absent until kops (its stand-in) launched one. */
  lab?: Lab;
  /** What the AWS clients need to talk to the emulator instead of AWS. */
  awsClientOverrides: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** SSH to the lab node through its forward port, with the host key the lab pinned (found when first used). */
  nodeAccess(io: IoHost): NodeAccess;
  /** The admin kubeconfig the sandbox's kops exported (the node's API through the lab's forward), once it exists. */
  kubeconfigPath?: string;
  /** Where the sandbox's kops exports it. */
  kopsKubeconfigPath: string;
  /** The SSH key handed to kops (the sandbox's own, never the user's). */
  sshPrivateKey: string;
  /** The sandbox's kops: real kops plus the stand-in, with the lab node as the launched instance. */
  kops(config: SolokubeConfig, clients: AwsClients, io: IoHost, signal: AbortSignal): Promise<KopsCli>;
  /** Make the gateway's NAT follow the emulator's public addresses (nothing to do without a node). */
  syncGateway(signal?: AbortSignal): Promise<void>;
  /** The same sandbox read again (after a run launched or removed its node). */
  reopen(): Promise<Sandbox>;
  /** What the ingress renders with here: Traefik trusts pebble's HTTPS listener. */
  ingressOptions: SettingsOptions;
  /** pebble's root, which signs the apps' certificates (what a client trusts), while pebble runs. */
  appsCaCertPath?: string;
}

/**
 * Start the emulator when it is not running (a fresh account owning only the hosted zone, or the
 * saved state), reuse the node when one runs; the same cluster name is required. The cluster and
 * its node come from `up`'s cluster stage.
 */
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
        ? `starting the sandbox AWS emulator (a fresh account owning only the zone ${config.dnsZone})`
        : 'restarting the sandbox AWS emulator from its saved state',
    );
    const started = await startEmulatorProcess({
      stateFile,
      logFile,
      region: config.region,
      publicIpPool: PUBLIC_SUBNET,
      ...(fresh ? { seedZone: config.dnsZone } : {}),
    });
    emulator = { pid: started.pid, endpoint: started.endpoint, stateFile, logFile };
  }
  const record: SandboxRecord = {
    version: 1,
    clusterName: config.name,
    dnsZone: config.dnsZone,
    region: config.region,
    emulator,
    ...(previous?.labRecordPath ? { labRecordPath: previous.labRecordPath } : {}),
    ...(previous?.instanceId ? { instanceId: previous.instanceId } : {}),
    ...(previous?.dns ? { dns: previous.dns } : {}),
    ...(previous?.pebble ? { pebble: previous.pebble } : {}),
    ...(previous?.instanceLink ? { instanceLink: previous.instanceLink } : {}),
    createdAt: previous?.createdAt ?? new Date().toISOString(),
  };
  await writeRecord(record);
  await ensureSandboxAcmeListener();
  const lab = await attachRunningLab(record.labRecordPath);
  // A node from an earlier run: Traefik and pebble come back if they were lost (a new node gets
  // them when it boots, through the node provider's hook).
  if (lab) await ensureSandboxIngress(lab, io);
  return handle((await readRecord()) ?? record, lab);
}

/** The running sandbox (its emulator answers), or undefined when there is none. Starts nothing. */
export async function openSandbox(): Promise<Sandbox | undefined> {
  const record = await readRecord();
  if (!record || !isEmulatorAlive(record.emulator.pid)) return undefined;
  return handle(record, await attachRunningLab(record.labRecordPath));
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
  if (!record) {
    await rm(sandboxDir(), { recursive: true, force: true });
    return removal;
  }
  // Every part is stopped even when an earlier one fails (a node that will not go must not leave the
  // emulator running unrecorded); the directory, which records them, goes only when all went.
  const failures: unknown[] = [];
  const attempt = async (step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (err) {
      failures.push(err);
    }
  };
  if (record.dns) await attempt(() => stopSandboxDns(record.dns!));
  if (record.instanceLink) await attempt(() => stopInstanceLink(record.instanceLink!));
  if (record.pebble) await attempt(() => stopSandboxPebble(record.pebble!));
  if (record.labRecordPath && existsSync(record.labRecordPath))
    await attempt(async () => {
      const lab = await readLabRecord(record.labRecordPath!);
      info(io, `removing the sandbox node ${lab.name} and its namespaces`);
      await destroyLab(lab);
      removal.lab = lab.name;
    });
  await attempt(async () => {
    await stopEmulator(record.emulator.pid);
    removal.emulatorPid = record.emulator.pid;
  });
  if (failures.length > 0) throw failures[0];
  await rm(sandboxDir(), { recursive: true, force: true });
  return removal;
}

function handle(record: SandboxRecord, lab: Lab | undefined): Sandbox {
  const endpoint = record.emulator.endpoint;
  const appsCa = appsCaCertPath(record);
  return {
    record,
    ingressOptions: sandboxIngressOptions(),
    ...(appsCa ? { appsCaCertPath: appsCa } : {}),
    ...(lab ? { lab } : {}),
    ...(existsSync(sandboxKubeconfigPath()) ? { kubeconfigPath: sandboxKubeconfigPath() } : {}),
    kopsKubeconfigPath: sandboxKubeconfigPath(),
    sshPrivateKey: join(sandboxDir(), 'id_ed25519'),
    awsClientOverrides: { endpoint, credentials: CREDENTIALS },
    nodeAccess(io: IoHost): NodeAccess {
      // The node may boot during the run (kops' stand-in launches it), so it is found when first used.
      let current = lab;
      const opened = memoizedAccess((): NodeShell => {
        if (!current)
          throw new SolokubeError({
            code: 'sandbox.no-node',
            message: 'the sandbox has no node (kops has not launched the control-plane instance)',
            remedy: 'Run `solokube up --sandbox`.',
          });
        return new SshShell({
          host: current.node.ssh.host,
          port: current.node.ssh.port,
          user: current.node.ssh.user,
          privateKeyPath: current.node.ssh.privateKeyPath,
          knownHostsPath: current.node.ssh.knownHostsPath,
          io,
        });
      });
      return {
        async shellFor(cp) {
          current ??= await attachRunningLab((await readRecord())?.labRecordPath);
          return opened.shellFor(cp);
        },
        close: () => opened.close(),
      };
    },
    kops: (config, clients, io, signal) =>
      sandboxKops({
        config,
        clients,
        io,
        signal,
        endpoint,
        credentials: CREDENTIALS,
        nodeProvider: new LabNodeProvider({
          config,
          io,
          endpoint,
          stateFile: record.emulator.stateFile,
          onNodeReady: (lab) => ensureSandboxIngress(lab, io),
        }),
      }),
    async syncGateway(signal?: AbortSignal): Promise<void> {
      const now = lab ?? (await attachRunningLab((await readRecord())?.labRecordPath));
      if (now) await syncLabGateway(endpoint, now, signal);
    },
    async reopen(): Promise<Sandbox> {
      const again = (await readRecord()) ?? record;
      return handle(again, await attachRunningLab(again.labRecordPath));
    },
  };
}

export { waitForControlPlane };
