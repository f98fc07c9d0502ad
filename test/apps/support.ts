// Shared set-up for the image tests: the AWS emulator in-process (ECR API + registry on loopback),
// solokube's AWS clients pointed at it, podman/skopeo with a per-test storage and configuration
// (vfs driver: overlay needs kernel features this machine's container may not have; nothing
// touches the machine's global image store or auth files), and a small git project whose
// Dockerfile builds FROM scratch (nothing is pulled from the internet).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import type { ContainerTools } from '../../src/apps/engine.js';
import { startAwsEmulator, type AwsEmulator, type CallRecord } from '../../src/sandbox/aws/index.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { controlPlaneTaint } from '../../src/k8s/resources/control-plane-taint.js';
import type { KubeTarget } from '../../src/k8s/target.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const REGION = 'eu-west-1';
export const CREDENTIALS = { accessKeyId: 'AKIDSOLOKUBETEST', secretAccessKey: 'solokube-test-secret' };

export interface ImageLab {
  dir: string;
  emu: AwsEmulator;
  clients: AwsClients;
  tools: ContainerTools;
  close(): Promise<void>;
}

/** podman/skopeo settings that keep a test's images, cache and credentials in its own directory. */
export function isolatedTools(dir: string): ContainerTools {
  const storage = join(dir, 'storage.conf');
  const conf = join(dir, 'containers.conf');
  writeFileSync(
    storage,
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(dir, 'graph')}"\nrunroot = "${join(dir, 'run')}"\n`,
  );
  // podman refuses to start when REGISTRY_AUTH_FILE names a file that is not there.
  writeFileSync(join(dir, 'auth.json'), '{"auths":{}}', { mode: 0o600 });
  writeFileSync(
    conf,
    `[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nevents_logfile_path = "${join(dir, 'events.log')}"\n`,
  );
  return {
    podman: 'podman',
    skopeo: 'skopeo',
    env: {
      CONTAINERS_STORAGE_CONF: storage,
      CONTAINERS_CONF: conf,
      REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
      XDG_RUNTIME_DIR: join(dir, 'xdg'),
    },
  };
}

export async function startImageLab(): Promise<ImageLab> {
  const dir = mkdtempSync(join(tmpdir(), 'solokube-apps-test-'));
  mkdirSync(join(dir, 'xdg'), { mode: 0o700 });
  const emu = await startAwsEmulator({ region: REGION, registryDir: join(dir, 'registry') });
  const clients = createAwsClients({
    region: REGION,
    endpoint: emu.endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 2,
  });
  return {
    dir,
    emu,
    clients,
    tools: isolatedTools(dir),
    async close() {
      clients.destroy();
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const GIT = ['-c', 'user.name=solokube test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];

/** A git project with a FROM-scratch Dockerfile copying one static file; committed. */
export function makeProject(
  root: string,
  content = 'hello from solokube\n',
  dockerfile = 'FROM scratch\nCOPY hello.txt /hello.txt\n',
): string {
  const dir = join(root, 'project');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'hello.txt'), content);
  execFileSync('git', ['init', '-q', dir]);
  commitAll(dir, 'initial');
  return dir;
}

export function commitAll(dir: string, message: string): void {
  execFileSync('git', ['-C', dir, ...GIT, 'add', '-A']);
  execFileSync('git', ['-C', dir, ...GIT, 'commit', '-q', '-m', message]);
}

export function registryCalls(emu: AwsEmulator, op?: string): CallRecord[] {
  return emu.calls().filter((c) => c.service === 'registry' && (op === undefined || c.operation === op));
}

export function ecrCalls(emu: AwsEmulator): string[] {
  return emu
    .calls()
    .filter((c) => c.service === 'ecr')
    .map((c) => c.operation);
}

/** The kops-like test node loses its control-plane taint, as `up` does before apps can run there. */
export async function untaintNode(target: KubeTarget): Promise<void> {
  await planAndApply([controlPlaneTaint(target)], {
    io: new RecordingIoHost(),
    signal: AbortSignal.timeout(60_000),
    mode: 'converge',
    yes: true,
    dryRun: false,
  });
}
