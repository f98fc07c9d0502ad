// The SSH key kops installs on the node (and solokube uses to reach it): the configured key as it
// is, or — only when the private key file does not exist — a new ed25519 key pair, mode 0600,
// made with ssh-keygen and announced, so nobody is surprised by a key appearing in ~/.ssh.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { expandHome } from '../config/naming.js';
import { SolokubeError } from '../core/errors.js';
import { info, type IoHost } from '../core/io.js';

export interface SshKeyFiles {
  privateKey: string;
  publicKey: string;
  created: boolean;
}

export async function ensureSshKey(configured: string, io: IoHost, signal: AbortSignal): Promise<SshKeyFiles> {
  const privateKey = expandHome(configured);
  const publicKey = `${privateKey}.pub`;
  if (existsSync(privateKey)) {
    if (!existsSync(publicKey)) {
      throw new SolokubeError({
        code: 'ssh.no-public-key',
        message: `${publicKey} is missing (kops needs the public half of ${privateKey})`,
        remedy: `Write it with \`ssh-keygen -y -f ${privateKey} > ${publicKey}\`.`,
        actor: 'user',
      });
    }
    return { privateKey, publicKey, created: false };
  }
  await mkdir(dirname(privateKey), { recursive: true, mode: 0o700 });
  const r = await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'solokube', '-f', privateKey], {
    reject: false,
    cancelSignal: signal,
    stdin: 'ignore',
  });
  if (r.exitCode !== 0) {
    throw new SolokubeError({
      code: 'ssh.keygen',
      message: `could not create an SSH key at ${privateKey}: ${String(r.stderr).trim() || String(r.message)}`,
      remedy: 'Install OpenSSH (ssh-keygen), or set ssh.privateKey in solokube.yaml to a key you have.',
      actor: 'user',
    });
  }
  info(
    io,
    `created a new ed25519 SSH key ${privateKey} (mode 0600) for the cluster's node; kops installs its public half`,
  );
  return { privateKey, publicKey, created: true };
}
