// Shared set-up for the AWS tests: the emulator in-process on a free loopback port, seeded with a
// kops-made single-node cluster, and the solokube CLI run as a subprocess against it through
// AWS_ENDPOINT_URL with dummy credentials (the real SDK over HTTP; nothing leaves 127.0.0.1).

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kopsClusterSeed, startAwsEmulator } from '../../src/sandbox/aws/index.js';
import type { AwsEmulator, EmulatorSeed } from '../../src/sandbox/aws/index.js';
import type { AddressRecord, EmulatorStateView } from '../../src/sandbox/aws/model.js';
import { runMainInProcess } from '../support/in-process-cli.js';

// In-process SDK clients of the tests run on Node 20 too; the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Credentials for in-process clients (the emulator accepts any). */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDSOLOKUBETEST', secretAccessKey: 'solokube-test-secret' };

export const CLUSTER = 'c1.example.com';
export const ZONE = 'example.com';
export const APPS = 'apps.example.com';
export const REGION = 'eu-west-1';
const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

export const CONFIG_YAML = `name: ${CLUSTER}
dnsZone: ${ZONE}
appsDomain: ${APPS}
region: ${REGION}
apps:
  - name: hello
    port: 8080
`;

export interface Lab {
  emu: AwsEmulator;
  dir: string;
  configPath: string;
  /** Run the CLI; resolves with exit code, stdout, stderr and wall time. */
  cli(args: string[], opts?: { timeoutMs?: number }): Promise<CliRun>;
  close(): Promise<void>;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** stdout parsed, when --output json was passed. */
  json<T = JsonResult>(): T;
}

export interface JsonResult {
  ok: boolean;
  result?: { decision?: string; plan?: { steps: { id: string; action: string }[] } } & Record<string, unknown>;
  error?: { code: string; message: string; remedy?: string; details?: Record<string, unknown> };
}

export async function startLab(
  opts: { seed?: EmulatorSeed; config?: string; changeSyncPolls?: number } = {},
): Promise<Lab> {
  const emu = await startAwsEmulator({ region: REGION, changeSyncPolls: opts.changeSyncPolls ?? 1 });
  emu.seed(kopsClusterSeed({ clusterName: CLUSTER, dnsZone: ZONE, region: REGION }));
  if (opts.seed) emu.seed(opts.seed);
  emu.resetCalls();
  const dir = await mkdtemp(join(tmpdir(), 'solokube-aws-'));
  const configPath = join(dir, 'solokube.yaml');
  await writeFile(configPath, opts.config ?? CONFIG_YAML);
  return {
    emu,
    dir,
    configPath,
    cli: (args, o = {}) =>
      (CLI_AS_SUBPROCESS ? runCli : runCliInProcess)(
        emu.endpoint,
        ['-c', configPath, '--log-timestamps', 'none', ...args],
        o.timeoutMs ?? 60_000,
      ),
    async close() {
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function cliEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDSOLOKUBETEST',
    AWS_SECRET_ACCESS_KEY: 'solokube-test-secret',
    AWS_REGION: REGION,
    // Keep the SDK from reading this machine's AWS files or asking an instance metadata service.
    AWS_CONFIG_FILE: '/nonexistent/solokube-test',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/solokube-test',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * `lab.cli` runs the CLI's main() in this process unless SOLOKUBE_TEST_CLI_SUBPROCESS=1: these
 * tests are about what the commands do against AWS, not about the process, and a fresh Node per
 * command loaded the whole program and the SDK again each time (most of a unit run's time). What is
 * about the process — exit on signals, the bundle, stdout of a crash — is tested through runCli.
 */
const CLI_AS_SUBPROCESS = process.env.SOLOKUBE_TEST_CLI_SUBPROCESS === '1';

/** main() in this process with the environment, arguments and streams a subprocess would get. */
export async function runCliInProcess(
  endpoint: string,
  args: string[],
  timeoutMs: number,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  const r = await runMainInProcess(args, { env: { ...cliEnv(endpoint), ...extraEnv }, timeoutMs });
  return { ...r, json: <T>() => JSON.parse(r.stdout) as T };
}

/** Asynchronous on purpose: the emulator answers from this same event loop. */
export function runCli(
  endpoint: string,
  args: string[],
  timeoutMs: number,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...cliEnv(endpoint), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started, json: <T>() => JSON.parse(stdout) as T });
    });
  });
}

export const MUTATING = new Set([
  'AllocateAddress',
  'AssociateAddress',
  'DisassociateAddress',
  'ReleaseAddress',
  'AssignPrivateIpAddresses',
  'UnassignPrivateIpAddresses',
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress',
  'ModifyNetworkInterfaceAttribute',
  'CreateTags',
  'DeleteTags',
  'ChangeResourceRecordSets',
]);

/** Operation names the emulator saw, in order. */
export function operations(emu: AwsEmulator): string[] {
  return emu.calls().map((c) => c.operation);
}

export function mutatingCalls(emu: AwsEmulator): string[] {
  return operations(emu).filter((op) => MUTATING.has(op));
}

export function addressesOf(state: EmulatorStateView, cluster = CLUSTER): AddressRecord[] {
  return Object.values(state.addresses).filter((a) => a.tags['solokube.io/cluster'] === cluster);
}

export function controlPlaneEni(state: EmulatorStateView) {
  const eni = Object.values(state.networkInterfaces).find(
    (n) =>
      n.attachment?.deviceIndex === 0 && state.instances[n.attachment.instanceId]?.tags.KubernetesCluster === CLUSTER,
  );
  if (!eni) throw new Error('no control-plane ENI in the emulator state');
  return eni;
}

export function ourGroups(state: EmulatorStateView) {
  return Object.values(state.securityGroups).filter((g) => g.tags['solokube.io/cluster'] === CLUSTER);
}

export interface LibraryLab {
  lab: Lab;
  clients: import('../../src/aws/clients.js').AwsClients;
  config: import('../../src/config/schema.js').SolokubeConfig;
  io: import('../../src/core/io.js').RecordingIoHost;
  signal: AbortSignal;
}

/** A lab plus in-process clients, config, IoHost and signal for library-level tests; always torn down. */
export async function withLibraryLab(
  fn: (l: LibraryLab) => Promise<void>,
  opts: Parameters<typeof startLab>[0] & {
    clientOptions?: Partial<import('../../src/aws/clients.js').AwsClientOptions>;
  } = {},
): Promise<void> {
  const { createAwsClients } = await import('../../src/aws/clients.js');
  const { parseConfig } = await import('../../src/config/load.js');
  const { RecordingIoHost } = await import('../../src/core/io.js');
  const lab = await startLab(opts);
  const clients = createAwsClients({
    region: REGION,
    endpoint: lab.emu.endpoint,
    credentials: TEST_CREDENTIALS,
    ...opts.clientOptions,
  });
  try {
    await fn({
      lab,
      clients,
      config: parseConfig(opts.config ?? CONFIG_YAML, 'test'),
      io: new RecordingIoHost(),
      signal: new AbortController().signal,
    });
  } finally {
    clients.destroy();
    await lab.close();
  }
}

/** The control-plane ENI's secondary private IPs, sorted. */
export function secondaryIpsOnEni(lab: Lab): string[] {
  return controlPlaneEni(lab.emu.state())
    .privateIps.filter((p) => !p.primary)
    .map((p) => p.address)
    .sort();
}

const SECONDARY_IP_TAG_PREFIX = 'solokube.io/secondary-ip/';

/** The addresses the control-plane ENI's tags record as this cluster's secondary IPs, sorted. */
export function recordedSecondaryIps(lab: Lab): string[] {
  return Object.entries(controlPlaneEni(lab.emu.state()).tags)
    .filter(([k, v]) => k.startsWith(SECONDARY_IP_TAG_PREFIX) && v === CLUSTER)
    .map(([k]) => k.slice(SECONDARY_IP_TAG_PREFIX.length))
    .sort();
}
