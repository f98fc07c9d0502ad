// The lab node's root filesystem: a debootstrap'd Debian bookworm with systemd, sshd, HAProxy,
// iptables/nft and nginx (the stand-ins), cached outside the repo and shared read-only by every
// lab run (each run mounts it as the lower layer of its own overlay). Built into a temp dir and
// renamed into place only when complete, so a half-built image is never used.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SolokubeError } from '../../core/errors.js';
import { debug, info, type IoHost } from '../../core/io.js';
import { sleep } from '../../core/sleep.js';
import { isAlive } from './processes.js';
import { runOk } from './run.js';

/** Bump when the customisation below changes, so cached images are rebuilt. */
export const NODE_IMAGE_SCRIPT_VERSION = 1;
export const NODE_IMAGE_SUITE = 'bookworm';
export const NODE_IMAGE_MIRROR = 'http://deb.debian.org/debian';
export const NODE_IMAGE_CACHE_ROOT = '/var/cache/solokube';
const BUILD_TIMEOUT_MS = 20 * 60_000;
export const NODE_IMAGE_PACKAGES: readonly string[] = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'openssh-server',
  'haproxy',
  'iptables',
  'nftables',
  'iproute2',
  'nginx-light',
  'openssl',
  'ca-certificates',
  'sudo',
  'procps',
  // EC2 images have curl; the boot-time reclaim signs its EC2 calls with curl --aws-sigv4.
  'curl',
];

/** Units that only slow a lab boot down or want a terminal; masked like `systemctl mask` does. */
const MASKED_UNITS = [
  'console-getty.service',
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'dpkg-db-backup.timer',
  'fstrim.timer',
  'systemd-networkd-wait-online.service',
];

export function nodeImageKey(packages: readonly string[] = NODE_IMAGE_PACKAGES): string {
  const text = JSON.stringify({
    v: NODE_IMAGE_SCRIPT_VERSION,
    suite: NODE_IMAGE_SUITE,
    packages: [...packages].sort(),
  });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export interface NodeImageOptions {
  io: IoHost;
  cacheRoot?: string;
  /**
   * An existing bookworm rootfs with the same packages to copy instead of running debootstrap
   * (a head start on a machine that has one). The customisation runs on the copy either way.
   */
  seedFrom?: string;
  /** debootstrap is bounded; on a slow mirror raise this. */
  timeoutMs?: number;
}

/** The cached image's path, building it first when it is missing. */
export async function ensureNodeImage(opts: NodeImageOptions): Promise<string> {
  const cacheRoot = opts.cacheRoot ?? NODE_IMAGE_CACHE_ROOT;
  const key = nodeImageKey();
  const final = join(cacheRoot, `node-image-${key}`);
  if (existsSync(final)) {
    debug(opts.io, `node image cached at ${final}`);
    return final;
  }
  await mkdir(cacheRoot, { recursive: true });
  // Parallel test files on a fresh machine all want the image: one builds, the others wait for it.
  if (await waitForLiveBuild(opts.io, cacheRoot, key, final, opts.timeoutMs ?? BUILD_TIMEOUT_MS)) return final;
  const tmp = join(cacheRoot, `.node-image-${key}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  const started = Date.now();
  try {
    if (opts.seedFrom) {
      info(opts.io, `node image: copying ${opts.seedFrom} as a head start`);
      await runOk(['cp', '-a', '--', opts.seedFrom, tmp], { timeoutMs: 10 * 60_000 });
    } else {
      info(opts.io, `node image: debootstrap ${NODE_IMAGE_SUITE} from ${NODE_IMAGE_MIRROR} (about a minute)`);
      await runOk(
        [
          'debootstrap',
          '--variant=minbase',
          `--include=${NODE_IMAGE_PACKAGES.join(',')}`,
          NODE_IMAGE_SUITE,
          tmp,
          NODE_IMAGE_MIRROR,
        ],
        { timeoutMs: opts.timeoutMs ?? BUILD_TIMEOUT_MS, onLine: debootstrapProgress(opts.io) },
      );
    }
    info(opts.io, 'node image: customising');
    await customise(tmp, key);
    try {
      await rename(tmp, final);
    } catch (err) {
      // Another run finished the same image first; theirs is as good as ours.
      if (!existsSync(final)) throw err;
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw new SolokubeError({
      code: 'lab.image-build-failed',
      message: `building the lab node image failed: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
      remedy: `Needs root, debootstrap and access to ${NODE_IMAGE_MIRROR}; rerun to retry from scratch.`,
      actor: 'solokube',
    });
  }
  info(opts.io, `node image ready at ${final} in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  return final;
}

/** debootstrap prints "I: Retrieving foo", "I: Unpacking bar" per package: report phase changes, keep the rest for --debug. */
function debootstrapProgress(io: IoHost): (line: string) => void {
  let phase = '';
  return (line) => {
    const m = /^I: (Retrieving|Validating|Extracting|Installing|Unpacking|Configuring)/.exec(line);
    if (m?.[1] && m[1] !== phase) {
      phase = m[1];
      info(io, `node image: debootstrap ${phase.toLowerCase()} packages`);
    }
    debug(io, `debootstrap: ${line}`);
  };
}

/**
 * Temp dirs of builds whose process died (killed mid-debootstrap) are removed. While another live
 * process builds the same image, wait for it: true once the image is there, false when there is
 * no (longer a) live build and the caller should build.
 */
async function waitForLiveBuild(
  io: IoHost,
  cacheRoot: string,
  key: string,
  final: string,
  timeoutMs: number,
): Promise<boolean> {
  const pattern = new RegExp(`^\\.node-image-${key}\\.tmp-(\\d+)-[0-9a-f]+$`);
  const end = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    if (existsSync(final)) return true;
    let live = false;
    for (const entry of await readdir(cacheRoot)) {
      const pid = Number(pattern.exec(entry)?.[1] ?? 0);
      if (pid <= 0) continue;
      if (isAlive(pid)) live = true;
      else await rm(join(cacheRoot, entry), { recursive: true, force: true });
    }
    if (!live || Date.now() > end) return existsSync(final);
    if (!told) info(io, 'node image: another process is building it; waiting');
    told = true;
    await sleep(1000);
  }
}

/** Static, run-independent changes. Per-run identity (host keys, address, hostname) is written by the lab. */
async function customise(root: string, key: string): Promise<void> {
  // Host keys are generated per run by the lab so callers can pin them; none may come from the image.
  for (const f of await readdir(join(root, 'etc/ssh'))) {
    if (f.startsWith('ssh_host_')) await unlink(join(root, 'etc/ssh', f));
  }
  await writeFile(
    join(root, 'etc/ssh/sshd_config.d/solokube-lab.conf'),
    [
      '# solokube lab: key-only root login, the per-run ed25519 host key only',
      'HostKey /etc/ssh/ssh_host_ed25519_key',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UseDNS no',
      '',
    ].join('\n'),
  );
  // Empty machine-id: systemd fills it at boot (from the container UUID), so no two runs share one.
  await writeFile(join(root, 'etc/machine-id'), '');
  // The stand-ins' nginx config is written per run; the stock site would hold port 80.
  await rm(join(root, 'etc/nginx/sites-enabled/default'), { force: true });
  // systemd-networkd configures host0 at every boot, the way EC2's DHCP client would.
  await enableUnit(root, 'multi-user.target.wants', 'systemd-networkd.service');
  await enableUnit(root, 'sockets.target.wants', 'systemd-networkd.socket');
  for (const unit of MASKED_UNITS) {
    const link = join(root, 'etc/systemd/system', unit);
    await rm(link, { force: true });
    await symlink('/dev/null', link);
  }
  await rm(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
  await mkdir(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
  await writeFile(join(root, 'etc/solokube-lab-image'), `${key}\n`);
}

async function enableUnit(root: string, wantsDir: string, unit: string): Promise<void> {
  const dir = join(root, 'etc/systemd/system', wantsDir);
  await mkdir(dir, { recursive: true });
  const link = join(dir, unit);
  await rm(link, { force: true });
  await symlink(`/lib/systemd/system/${unit}`, link);
}
