// Installing what the data path needs when a node image lacks it (kops' Ubuntu and Debian images
// ship nft; HAProxy usually has to be installed). apt only: kops control-plane images are Debian
// or Ubuntu.

import type { NodeShell } from '../shell.js';

const APT_TIMEOUT_MS = 600_000;

export async function isInstalled(shell: NodeShell, binary: string): Promise<boolean> {
  return (await shell.run(['sh', '-c', 'command -v "$1"', 'sh', binary], { allowFailure: true })).code === 0;
}

/** Install `pkg` with apt when `binary` is not on the node's PATH. */
export async function ensureInstalled(shell: NodeShell, binary: string, pkg: string): Promise<void> {
  if (await isInstalled(shell, binary)) return;
  await shell.run(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '--no-install-recommends', pkg], { timeoutMs: APT_TIMEOUT_MS });
}
