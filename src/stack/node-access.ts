// Reaching the node: over SSH to the control-plane instance's public address with the configured
// user and key, its host key pinned in solokube's known-hosts file (first contact only with
// --accept-new-host-key or a yes on a terminal).

import { expandHome } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import { SolokubeError } from '../core/errors.js';
import type { IoHost } from '../core/io.js';
import { SshShell } from '../node/index.js';
import type { NodeShell } from '../node/index.js';
import type { ControlPlane } from '../aws/resources/control-plane.js';
import type { NodeAccess } from './node-step.js';

/** One shell per command, opened on first use, closed by close(). */
export function memoizedAccess(open: (cp: ControlPlane) => NodeShell): NodeAccess {
  let shell: NodeShell | undefined;
  return {
    async shellFor(cp) {
      shell ??= open(cp);
      return shell;
    },
    async close() {
      await shell?.close();
      shell = undefined;
    },
  };
}

export function sshAccess(config: SolokubeConfig, io: IoHost, opts: { acceptNewHostKey: boolean }): NodeAccess {
  return memoizedAccess((cp) => {
    if (!cp.primaryPublicIp) {
      throw new SolokubeError({
        code: 'node.no-public-address',
        message: `the control-plane instance ${cp.instanceId} has no public address to reach it over SSH`,
        remedy: 'Run solokube where the node is reachable, or give the instance a public address.',
        actor: 'user',
      });
    }
    return new SshShell({
      host: cp.primaryPublicIp,
      user: config.ssh.user,
      privateKeyPath: expandHome(config.ssh.privateKey),
      knownHostsPath: expandHome(config.ssh.knownHosts),
      acceptNewHostKey: opts.acceptNewHostKey,
      io,
    });
  });
}
