// The sandbox's ingress half: the real Traefik (run on the node by the lab's kubelet stand-in from the
// Deployment `up` applies) and pebble, the ACME test server, on the internet side as Let's Encrypt
// would be. The sandbox's configuration points the ACME directory at pebble and hands Traefik the CA
// of pebble's HTTPS listener (acmeCaPem), which is minted once per sandbox and kept in its directory,
// so a second `up` renders the same ConfigMap. pebble's PID goes in the sandbox record; `down` ends it.

import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SolokubeConfig } from '../../config/schema.js';
import type { IoHost } from '../../core/io.js';
import { info } from '../../core/io.js';
import type { SettingsOptions } from '../../ingress/index.js';
import { ensureGoTools } from '../gotools/build.js';
import { rememberRoot } from '../ingress/issued-roots.js';
import { ensurePebbleListener, sandboxCertLifetime, startLabPebble, PEBBLE_ACME_PORT } from '../ingress/pebble.js';
import { CLIENT_ADDRESS, VPC_SUBNET } from '../lab/addresses.js';
import type { Lab } from '../lab/index.js';
import { enableKubeletStandin } from '../lab/kubelet-standin.js';
import { isAlive, isOurProcess, signal, waitGone } from '../lab/processes.js';
import { readRecord, sandboxDir, writeRecord } from './record.js';
import type { SandboxRecord } from './record.js';

/**
 * SOLOKUBE_SANDBOX_INGRESS=none: the sandbox runs neither Traefik nor pebble (Traefik's Deployment is
 * still applied; nothing runs it). Only for test/ingress/lab-traefik.test.ts, which runs its own
 * pebble and a file-provider Traefik on the same ports.
 */
export function sandboxRunsIngress(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SOLOKUBE_SANDBOX_INGRESS !== 'none';
}

/** pebble's ACME directory, as the node reaches it through the gateway (the client namespace's address). */
export const SANDBOX_ACME_DIRECTORY = `https://${CLIENT_ADDRESS}:${PEBBLE_ACME_PORT}/dir`;

/** Where the sandbox keeps pebble's listener certificate (it outlives the node). */
const listenerDir = (): string => join(sandboxDir(), 'pebble-listener');

/** The sandbox's ACME settings on top of solokube.yaml's: the sandbox has no internet, only pebble. */
export function sandboxConfig(config: SolokubeConfig): SolokubeConfig {
  return { ...config, acme: SANDBOX_ACME_DIRECTORY };
}

/** Mint pebble's listener certificate for this sandbox unless it has one (before anything renders Traefik). */
export async function ensureSandboxAcmeListener(): Promise<void> {
  await ensurePebbleListener(listenerDir());
}

/** What the ingress renders with in the sandbox: Traefik trusts pebble's listener (once it was minted). */
export function sandboxIngressOptions(): SettingsOptions {
  const ca = join(listenerDir(), 'listener-ca.pem');
  return {
    ...(existsSync(ca) ? { acmeCaPem: readFileSync(ca, 'utf8') } : {}),
    // The lab has no kube-proxy to masquerade HAProxy's connection into kops' pod range: its NodePort
    // stand-in (node-ports.ts) leaves the node's own address, somewhere in the VPC subnet, as the peer.
    proxyProtocolPeers: [VPC_SUBNET],
  };
}

/**
 * On a node with a control plane: the kubelet stand-in runs Traefik, and pebble answers on the
 * internet side (started when its recorded process is not alive). Safe to call on every run.
 */
export async function ensureSandboxIngress(lab: Lab, io: IoHost): Promise<void> {
  if (!lab.record.controlPlane || !sandboxRunsIngress()) return;
  const bins = await ensureGoTools(['traefik'], { io });
  await enableKubeletStandin(lab.record, { traefik: bins.traefik! });
  const record = await readRecord();
  if (!record) return;
  if (record.pebble && record.pebble.netns === lab.client.netns && isOurProcess(record.pebble.pid, ['pebble'])) return;
  if (record.pebble) await stopSandboxPebble(record.pebble);
  info(io, `starting pebble, the ACME test server, on the sandbox's internet side (${SANDBOX_ACME_DIRECTORY})`);
  const lifetime = sandboxCertLifetime();
  const pebble = await startLabPebble(lab, {
    listenerDir: listenerDir(),
    ...(lifetime ? { certificateValiditySeconds: lifetime } : {}),
  });
  // What a client on the internet side trusts: every root this lab's pebble handed out for the apps
  // (certificates from before a pebble restart still chain to an earlier one), the lab's bundle
  // (with the cluster's CA) for kube-apiserver on the primary address.
  const clientCaPath = join(dirname(pebble.issuingRootPath), 'client-ca-bundle.pem');
  const [root, labBundle] = await Promise.all([
    readFile(pebble.issuingRootPath, 'utf8'),
    readFile(lab.caCertPath, 'utf8'),
  ]);
  const roots = await rememberRoot(join(dirname(pebble.issuingRootPath), 'issued-roots.pem'), root);
  await writeFile(clientCaPath, `${roots}${labBundle}`);
  const again = (await readRecord()) ?? record;
  await writeRecord({
    ...again,
    pebble: { pid: pebble.pid, netns: lab.client.netns, issuingRootPath: pebble.issuingRootPath, clientCaPath },
  });
}

/** What a client trusts for the apps' certificates (pebble's root) and the API's, while pebble runs. */
export function appsCaCertPath(record: SandboxRecord): string | undefined {
  const p = record.pebble;
  return p && isOurProcess(p.pid, ['pebble']) && existsSync(p.clientCaPath) ? p.clientCaPath : undefined;
}

export async function stopSandboxPebble(p: NonNullable<SandboxRecord['pebble']>): Promise<void> {
  // By PID, and only while that PID is still pebble (not a process that reused the number).
  if (!isAlive(p.pid) || !isOurProcess(p.pid, ['pebble'])) return;
  signal(p.pid, 'SIGTERM');
  if (!(await waitGone(p.pid, 5_000))) signal(p.pid, 'SIGKILL');
}
