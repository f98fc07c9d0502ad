// Building an app's image for the node's architecture, reproducibly: `podman build --timestamp 0`
// gives the same image for the same inputs, and the image is exported to an OCI layout whose
// manifest digest is the digest it will have in ECR (the push copies it with digests preserved).
// So "is this build already in ECR?" is answered before anything is pushed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IoHost } from '../core/io.js';
import { info } from '../core/io.js';
import { archForInstanceType, hostArch, type ImageArch } from './arch.js';
import { BINFMT_DIR, EmulationMissingError, dockerfileRunsPrograms, emulationAvailable } from './emulation.js';
import { DEFAULT_TOOLS, runTool, type ContainerTools } from './engine.js';
import { gitVersionTag } from './git-version.js';
import { validateAppName, validateImageTag } from './input.js';

export interface BuildImageOptions {
  app: string;
  /** The project directory (git repository); the tag comes from its commit. */
  projectDir: string;
  /** Absolute paths, already checked with resolveProjectPath. */
  dockerfile: string;
  context: string;
  /** The node's instance type; decides the architecture. */
  instanceType: string;
  /** Overrides the git-derived tag. */
  tag?: string;
  tools?: ContainerTools;
  /** Where the OCI layout is written (default: a new directory under the system's temp dir; the caller removes it). */
  workDir?: string;
  /** For tests: where binfmt_misc registrations are read. */
  binfmtDir?: string;
  /** For tests: the machine's architecture. */
  machineArch?: string;
  io: IoHost;
  signal: AbortSignal;
}

export interface BuiltImage {
  app: string;
  tag: string;
  arch: ImageArch;
  /** The image in the local store: localhost/solokube/<app>:<tag>. */
  localRef: string;
  /** OCI layout directory holding the image under `tag`. */
  ociLayout: string;
  /** sha256 of the manifest: the digest the image has in ECR once pushed. */
  manifestDigest: string;
  commit?: string;
  dirty?: boolean;
}

export async function buildImage(o: BuildImageOptions): Promise<BuiltImage> {
  const app = validateAppName(o.app);
  const tools = o.tools ?? DEFAULT_TOOLS;
  const arch = archForInstanceType(o.instanceType);
  const machine = hostArch(o.machineArch);
  const binfmtDir = o.binfmtDir ?? BINFMT_DIR;
  if (
    arch !== machine &&
    dockerfileRunsPrograms(readFileSync(o.dockerfile, 'utf8')) &&
    !emulationAvailable(arch, binfmtDir)
  ) {
    throw new EmulationMissingError(arch, machine, o.instanceType, binfmtDir);
  }
  const version = o.tag !== undefined ? { tag: validateImageTag(o.tag) } : await gitVersionTag(o.projectDir, o.signal);
  const localRef = `localhost/solokube/${app}:${version.tag}`;
  const remedy = 'Read the build output above; fix the Dockerfile or context and rerun.';
  info(
    o.io,
    `building ${app} for linux/${arch} as ${localRef}${arch !== machine ? ` (cross-build from ${machine})` : ''}`,
  );
  const build = (noCache: boolean) =>
    runTool(
      tools.podman,
      [
        'build',
        '--timestamp',
        '0',
        '--platform',
        `linux/${arch}`,
        ...(noCache ? ['--no-cache'] : []),
        '--file',
        o.dockerfile,
        '--tag',
        localRef,
        o.context,
      ],
      { env: tools.env, signal: o.signal, what: `building ${app}`, remedy },
    );
  const builtArch = async () =>
    (
      await runTool(tools.podman, ['image', 'inspect', '--format', '{{.Architecture}}', localRef], {
        env: tools.env,
        signal: o.signal,
        what: `inspecting ${localRef}`,
        remedy,
      })
    ).stdout.trim();
  await build(false);
  // podman 4.3's layer cache ignores --platform: a step cached for another architecture is reused
  // as is. Checked, and rebuilt without the cache when that happened.
  if ((await builtArch()) !== arch) {
    info(o.io, `the build cache held ${app} for another architecture; rebuilding for ${arch} without it`);
    await build(true);
    const got = await builtArch();
    if (got !== arch) throw new Error(`podman built ${got} although linux/${arch} was asked for`);
  }

  const ociLayout = join(o.workDir ?? mkdtempSync(join(tmpdir(), 'solokube-image-')), app);
  rmSync(ociLayout, { recursive: true, force: true });
  mkdirSync(ociLayout, { recursive: true, mode: 0o700 });
  await runTool(tools.podman, ['push', '--quiet', localRef, `oci:${ociLayout}:${version.tag}`], {
    env: tools.env,
    signal: o.signal,
    what: `exporting ${app}`,
    remedy,
  });
  const index = JSON.parse(readFileSync(join(ociLayout, 'index.json'), 'utf8')) as {
    manifests?: { digest?: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests?.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === version.tag);
  if (!entry?.digest) throw new Error(`the exported OCI layout ${ociLayout} has no manifest for ${version.tag}`);
  info(o.io, `built ${app}:${version.tag} ${entry.digest}`);
  return {
    app,
    tag: version.tag,
    arch,
    localRef,
    ociLayout,
    manifestDigest: entry.digest,
    ...('commit' in version ? { commit: version.commit, dirty: version.dirty } : {}),
  };
}
