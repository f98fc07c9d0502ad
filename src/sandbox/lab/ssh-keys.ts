// The lab's SSH identity: a per-run host key installed in the node before its first boot (so a
// caller can pin it from the start) and a per-run client key authorised for root.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOk } from './run.js';

export interface LabSshKeys {
  /** Private key of the node's host key; copied into the node. */
  hostPrivateKeyPath: string;
  /** `ssh-ed25519 AAAA...` (no comment), the line a known_hosts entry carries. */
  hostPublicKey: string;
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  clientPrivateKeyPath: string;
  clientPublicKey: string;
}

export async function generateSshKeys(dir: string, comment: string): Promise<LabSshKeys> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const host = join(dir, 'ssh_host_ed25519_key');
  const client = join(dir, 'id_ed25519');
  await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `${comment} host`, '-f', host]);
  await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `${comment} client`, '-f', client]);
  const hostPublicKey = stripComment(await readFile(`${host}.pub`, 'utf8'));
  return {
    hostPrivateKeyPath: host,
    hostPublicKey,
    hostKeyFingerprint: sshFingerprint(hostPublicKey),
    clientPrivateKeyPath: client,
    clientPublicKey: stripComment(await readFile(`${client}.pub`, 'utf8')),
  };
}

/** `type base64` of an OpenSSH public key line, without its comment. */
function stripComment(line: string): string {
  const [type, blob] = line.trim().split(/\s+/);
  if (!type || !blob) throw new Error(`not an OpenSSH public key line: ${line}`);
  return `${type} ${blob}`;
}

/** OpenSSH's SHA256 fingerprint: base64 (unpadded) of the SHA-256 of the key blob. */
export function sshFingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key line: ${publicKeyLine}`);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** A known_hosts line for host:port (OpenSSH brackets non-22 ports). */
export function knownHostsLine(host: string, port: number, publicKeyLine: string): string {
  const where = port === 22 ? host : `[${host}]:${port}`;
  return `${where} ${publicKeyLine}`;
}
