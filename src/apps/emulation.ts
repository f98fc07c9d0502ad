// Cross-building: an image for another CPU needs user-mode emulation only when the build runs
// programs of that CPU (RUN steps); COPY/ADD/ENV/... steps do not execute anything. Emulation is a
// binfmt_misc registration of a qemu interpreter (Debian: qemu-user-static + binfmt-support or
// systemd-binfmt; see shared/reference/ecr-registry-notes.md §3.3).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SolokubeError } from '../core/errors.js';
import type { ImageArch } from './arch.js';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

const QEMU_NAME: Record<ImageArch, string> = { arm64: 'qemu-aarch64', amd64: 'qemu-x86_64' };

/** True when the Dockerfile has a RUN instruction (which executes in the target architecture). */
export function dockerfileRunsPrograms(text: string): boolean {
  return /^\s*RUN\s/im.test(text);
}

export function emulationAvailable(arch: ImageArch, binfmtDir = BINFMT_DIR): boolean {
  try {
    return readFileSync(join(binfmtDir, QEMU_NAME[arch]), 'utf8').split('\n')[0]?.trim() === 'enabled';
  } catch {
    return false;
  }
}

export class EmulationMissingError extends SolokubeError {
  constructor(target: ImageArch, host: string, instanceType: string, binfmtDir: string) {
    super({
      code: 'apps.emulation-missing',
      message:
        `the node (${instanceType}) runs ${target} but this machine is ${host}, and the ` +
        `Dockerfile has RUN steps that need ${target} emulation, which is not registered ` +
        `(${join(binfmtDir, QEMU_NAME[target])} is missing or disabled)`,
      remedy:
        `Install user-mode emulation and register it: on Debian/Ubuntu \`apt-get install ` +
        `qemu-user-static binfmt-support\` (or \`systemctl restart systemd-binfmt\` after ` +
        `installing qemu-user-static); in a container it must be registered on the host. Or build ` +
        `on a ${target} machine, or use a Dockerfile without RUN steps.`,
      actor: 'user',
      details: { target, host, binfmt: join(binfmtDir, QEMU_NAME[target]) },
    });
  }
}
