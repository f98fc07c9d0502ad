// startLab: boots a real, systemd-booted Debian node in a container behind a gateway namespace,
// with a client namespace on the "internet" side, and returns a handle on it. See lab-handle.ts
// for what the handle offers and destroy.ts for teardown.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDnsName } from '../../config/validators.js';
import { SolokubeError, UsageError } from '../../core/errors.js';
import { info, type IoHost } from '../../core/io.js';
import {
  DEFAULT_NODE_PRIMARY,
  NODE_IF,
  VPC_GATEWAY,
  VPC_PREFIX_LENGTH,
  VPC_SUBNET,
  CLIENT_ADDRESS,
  INTERNET_DNS,
  assertInCidr,
} from './addresses.js';
import { destroyLab } from './destroy.js';
import { createLabNetwork, netnsPath } from './gateway.js';
import { writeClientResolver } from './client-hosts.js';
import { attachLab, DEFAULT_BOOT_TIMEOUT_MS, type Lab } from './lab-handle.js';
import { assertLabName, labPaths, netnsNames, newLabName } from './names.js';
import { ensureNodeImage } from './node-image.js';
import { writeNodeIdentity } from './node-files.js';
import { writeJsonAtomic, type LabRecord } from './record.js';
import { generateSshKeys, knownHostsLine } from './ssh-keys.js';
import { assertIngressMode, type IngressMode } from './standins.js';
import { run, runOk } from './run.js';
import { generateLabTls } from './tls.js';
import { refuseInUnitRun } from '../unit-only.js';
import {
  installNodeControlPlane,
  writeHostKubeconfig,
  type NodeControlPlaneFiles,
  type NodeControlPlaneSpec,
} from './node-control-plane.js';

export interface StartLabOptions {
  io: IoHost;
  /** Per-run name `skl-<6 hex>`; random when omitted. */
  name?: string;
  /** The node's primary private address inside 198.18.0.0/24 (default 198.18.0.10). */
  primaryAddress?: string;
  /** Names the API stand-in's certificate carries: api.<clusterName>. */
  clusterName?: string;
  /** Names the ingress stand-in's certificate carries: *.<appsDomain>. */
  appsDomain?: string;
  ingressMode?: IngressMode;
  /** Pin the node container to these CPUs (e.g. "1"), for the benchmark. */
  cpus?: string;
  bootTimeoutMs?: number;
  imageCacheRoot?: string;
  stateRoot?: string;
  /**
   * Run a real Kubernetes control plane in the node (kube-apiserver on *:443, as kops does)
   * instead of the nginx stand-in for it; the host gets an admin kubeconfig through a forward.
   */
  controlPlane?: NodeControlPlaneSpec;
  /** Extra addresses the API's certificate names (the instance's public IPv4). */
  apiAddresses?: readonly string[];
}

export async function startLab(opts: StartLabOptions): Promise<Lab> {
  refuseInUnitRun('the lab node');
  const name = opts.name ?? newLabName();
  assertLabName(name);
  const primaryAddress = opts.primaryAddress ?? DEFAULT_NODE_PRIMARY;
  assertInCidr('node primary address', primaryAddress, VPC_SUBNET);
  const clusterName = opts.clusterName ?? 'cluster.lab.test';
  const appsDomain = opts.appsDomain ?? `apps.${clusterName}`;
  for (const n of [clusterName, appsDomain]) {
    if (!isDnsName(n)) throw new UsageError(`not a DNS name: ${JSON.stringify(n)}`, 'Use lower-case DNS names.');
  }
  const ingressMode = opts.ingressMode ?? { proxyProtocol: false, direct: false };
  assertIngressMode(ingressMode);
  if (opts.cpus !== undefined && !/^[0-9]+([,-][0-9]+)*$/.test(opts.cpus))
    throw new UsageError(`not a CPU list: ${JSON.stringify(opts.cpus)}`, 'Use e.g. "1" or "0-1".');

  const started = Date.now();
  const imagePath = await ensureNodeImage({
    io: opts.io,
    ...(opts.imageCacheRoot ? { cacheRoot: opts.imageCacheRoot } : {}),
  });
  const paths = labPaths(name, opts.stateRoot);
  const netns = netnsNames(name);
  const record: LabRecord = {
    version: 1,
    name,
    createdAt: new Date().toISOString(),
    imagePath,
    dir: paths.dir,
    root: paths.root,
    upper: paths.upper,
    work: paths.work,
    recordPath: paths.record,
    statusPath: paths.status,
    logPath: paths.log,
    knownHostsPath: `${paths.keys}/known_hosts`,
    netns,
    machineName: name,
    node: {
      interface: NODE_IF,
      primaryAddress,
      prefixLength: VPC_PREFIX_LENGTH,
      gateway: VPC_GATEWAY,
      ...(opts.cpus ? { cpus: opts.cpus } : {}),
    },
    client: { address: CLIENT_ADDRESS },
    ssh: {
      host: '127.0.0.1',
      port: 0,
      user: 'root',
      privateKeyPath: `${paths.keys}/id_ed25519`,
      hostPublicKey: '',
      hostKeyFingerprint: '',
    },
    tls: { caCertPath: '', apiCertPath: '', apiKeyPath: '', ingressCertPath: '', ingressKeyPath: '' },
    clusterName,
    appsDomain,
    ingressMode,
    supervisorPid: 0,
  };
  info(opts.io, `lab ${name}: starting node ${primaryAddress} from ${imagePath}`);
  try {
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    for (const d of [paths.upper, paths.work, paths.root]) await mkdir(d, { recursive: true });
    await writeJsonAtomic(paths.record, record); // from here on, destroyLab(record) can clean up
    await runOk([
      'mount',
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${imagePath},upperdir=${paths.upper},workdir=${paths.work}`,
      paths.root,
    ]);
    const keys = await generateSshKeys(paths.keys, name);
    record.tls = await generateLabTls(paths.tls, {
      labName: name,
      apiNames: [`api.${clusterName}`, `api.internal.${clusterName}`, 'kubernetes', 'kubernetes.default'],
      apiAddresses: [primaryAddress],
      ingressNames: [`*.${appsDomain}`, appsDomain],
    });
    let controlPlaneFiles: NodeControlPlaneFiles | undefined;
    if (opts.controlPlane) {
      controlPlaneFiles = await installNodeControlPlane(paths.root, join(paths.dir, 'k8s'), opts.controlPlane, {
        primaryAddress,
        dnsNames: [`api.${clusterName}`, `api.internal.${clusterName}`],
        extraAddresses: opts.apiAddresses ?? [],
      });
    }
    await writeNodeIdentity(paths.root, {
      hostname: name,
      primaryAddress,
      keys,
      tls: record.tls,
      ingressMode,
      realApi: controlPlaneFiles !== undefined,
    });
    await createLabNetwork(netns);
    await writeClientResolver(netns.client, INTERNET_DNS);
    const forward = await listenLoopback();
    const port = (forward.address() as { port: number }).port;
    const apiForward = controlPlaneFiles ? await listenLoopback() : undefined;
    if (controlPlaneFiles && apiForward) {
      const apiForwardPort = (apiForward.address() as { port: number }).port;
      const kubeconfigPath = join(paths.dir, 'kubeconfig');
      await writeHostKubeconfig(kubeconfigPath, clusterName, apiForwardPort, controlPlaneFiles.hostPki);
      record.controlPlane = {
        binds: controlPlaneFiles.binds,
        ...(controlPlaneFiles.stateBinds.length > 0 ? { stateBinds: controlPlaneFiles.stateBinds } : {}),
        kubeconfigPath,
        apiForwardPort,
      };
      // Clients of the lab trust both the stand-ins' CA and the cluster's own (as kops makes one).
      const bundle = join(paths.tls, 'ca-bundle.crt');
      await writeFile(
        bundle,
        `${await readFile(record.tls.caCertPath, 'utf8')}${await readFile(controlPlaneFiles.hostPki.caCert, 'utf8')}`,
      );
      record.tls = { ...record.tls, caCertPath: bundle };
    }
    record.ssh = {
      ...record.ssh,
      port,
      hostPublicKey: keys.hostPublicKey,
      hostKeyFingerprint: keys.hostKeyFingerprint,
      privateKeyPath: keys.clientPrivateKeyPath,
    };
    await writeFile(record.knownHostsPath, `${knownHostsLine('127.0.0.1', port, keys.hostPublicKey)}\n`, {
      mode: 0o600,
    });
    await writeJsonAtomic(paths.record, record);
    record.supervisorPid = await startSupervisor(record, forward, apiForward);
    await writeJsonAtomic(paths.record, record);
    const lab = await attachLab(record);
    await lab.node.waitReady(opts.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS);
    info(opts.io, `lab ${name}: node booted, sshd on 127.0.0.1:${port} (${Date.now() - started} ms)`, {
      ms: Date.now() - started,
    });
    return lab;
  } catch (err) {
    // The console log goes with the lab's directory; keep its end in the error for diagnosis.
    const tail = (await readFile(paths.log, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n').trim();
    await destroyLab(record).catch(() => undefined);
    if (err instanceof SolokubeError && err.exitCode === 2) throw err;
    throw new SolokubeError({
      code: 'lab.start-failed',
      message: `lab ${name} did not start: ${err instanceof Error ? err.message : String(err)}${tail ? `\nlast lines of its console:\n${tail}` : ''}`,
      cause: err,
      remedy:
        'The lab was removed again. Check the cause above (root, overlayfs, network namespaces, systemd-nspawn) and retry.',
      actor: 'solokube',
    });
  }
}

function listenLoopback(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve(server));
  });
}

/**
 * Starts the detached supervisor inside the gateway namespace and hands it the forward socket,
 * which was opened here in the host namespace (a socket keeps the namespace it was created in).
 */
async function startSupervisor(record: LabRecord, forward: Server, apiForward?: Server): Promise<number> {
  const main = fileURLToPath(new URL('./supervisor-main.js', import.meta.url));
  const logFd = openSync(record.logPath, 'a');
  const child = spawn(
    'nsenter',
    [`--net=${netnsPath(record.netns.gw)}`, '--', process.execPath, main, record.recordPath],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd, 'ipc'],
    },
  );
  closeSync(logFd);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the lab supervisor did not start within 15 s')), 15_000);
      child.once('exit', (code) => reject(new Error(`the lab supervisor exited (${code}); see ${record.logPath}`)));
      child.on('message', (msg) => {
        if (msg === 'hello') {
          if (apiForward) child.send('api-forward', apiForward);
          child.send('ssh-forward', forward);
        }
        if (msg === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    forward.close();
    apiForward?.close();
    if (child.connected) child.disconnect();
    child.unref();
  }
  if (child.pid === undefined) throw new Error('the lab supervisor has no PID');
  return child.pid;
}

/** True when the machine can run a lab (root, nspawn, namespaces). Tests use it to fail with a clear reason. */
export async function labPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root');
  for (const tool of ['systemd-nspawn', 'debootstrap', 'nsenter', 'ip', 'iptables', 'openssl', 'ssh-keygen']) {
    const r = await run(['sh', '-c', 'command -v "$1"', 'sh', tool]);
    if (r.code !== 0) missing.push(tool);
  }
  return missing;
}
