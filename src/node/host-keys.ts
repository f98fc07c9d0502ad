// SSH host-key pinning in solokube's own known-hosts file (OpenSSH line format, `host type base64`,
// with `[host]:port` for ports other than 22). An unknown host is recorded only when the caller
// passed --accept-new-host-key or a person confirmed the fingerprint on a terminal; a changed key is a
// hard error. Checking is never turned off.

import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SolokubeError } from '../core/errors.js';
import type { IoHost } from '../core/io.js';
import { info } from '../core/io.js';

export function defaultKnownHostsPath(): string {
  return join(homedir(), '.solokube', 'known_hosts');
}

/** The name a host is recorded under, as OpenSSH writes it. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's fingerprint: SHA256 of the key blob, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('SSH host key blob too short');
  const len = keyBlob.readUInt32BE(0);
  if (len < 1 || len > 64 || 4 + len > keyBlob.length) throw new Error('SSH host key blob malformed');
  return keyBlob.subarray(4, 4 + len).toString('ascii');
}

export interface KnownHostKey {
  type: string;
  blob: Buffer;
}

/** Keys recorded for hostName; lines for other hosts, comments and blank lines are skipped. */
export async function readKnownHostKeys(path: string, hostName: string): Promise<KnownHostKey[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SshFileError('known-hosts', path, err);
  }
  const keys: KnownHostKey[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0]?.startsWith('#')) continue;
    const [hosts, type, b64] = fields as [string, string, string];
    if (hosts.split(',').includes(hostName)) keys.push({ type, blob: Buffer.from(b64, 'base64') });
  }
  return keys;
}

/** An SSH file solokube needs cannot be read: names the file and where it is configured. */
export class SshFileError extends SolokubeError {
  constructor(kind: 'key' | 'known-hosts', path: string, cause: unknown) {
    const why =
      (cause as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'does not exist'
        : `cannot be read (${(cause as Error).message})`;
    super({
      code: kind === 'key' ? 'node.ssh-key-unreadable' : 'node.known-hosts-unreadable',
      message: kind === 'key' ? `The SSH private key ${path} ${why}.` : `solokube's known-hosts file ${path} ${why}.`,
      remedy:
        kind === 'key'
          ? 'Point ssh.privateKey in solokube.yaml (or --ssh-key) at the private key whose .pub kops installed on the node, readable by this user.'
          : 'Point ssh.knownHosts in solokube.yaml (or --known-hosts) at a readable file; it may be absent, solokube then creates it.',
      actor: 'user',
      exitCode: 2,
      cause,
    });
  }
}

export async function recordKnownHostKey(path: string, hostName: string, blob: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await appendFile(path, `${hostName} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
}

export class HostKeyUnknownError extends SolokubeError {
  constructor(hostName: string, fp: string, knownHostsPath: string) {
    super({
      code: 'node.host-key-unknown',
      message: `The SSH host key of ${hostName} is not known to solokube (${fp}); not connecting.`,
      remedy:
        `Verify ${fp} on the node (\`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\`, or the ` +
        `EC2 console output), then rerun with --accept-new-host-key to record it ` +
        `in ${knownHostsPath}.`,
      actor: 'user',
      details: { host: hostName, fingerprint: fp },
    });
  }
}

export class HostKeyChangedError extends SolokubeError {
  constructor(hostName: string, recorded: string[], presented: string, knownHostsPath: string) {
    super({
      code: 'node.host-key-changed',
      message:
        `The SSH host key of ${hostName} CHANGED: recorded ${recorded.join(', ')}, the node now ` +
        `presents ${presented}. Nothing was run. This is what a man-in-the-middle attack looks ` +
        `like; it also happens when the instance was replaced.`,
      remedy:
        `If the node was really replaced (e.g. by kops), verify ${presented} on it, delete ` +
        `the ${hostName} line from ${knownHostsPath}, and rerun with --accept-new-host-key.`,
      actor: 'user',
      details: { host: hostName, recorded, presented },
    });
  }
}

export interface HostKeyPolicy {
  knownHostsPath: string;
  acceptNewHostKey: boolean;
  io: IoHost;
}

/**
 * Decide about the key a host presented: resolves when it is (now) trusted, throws
 * HostKeyUnknownError / HostKeyChangedError otherwise. A host with recorded keys must present one of
 * them; a different one is "changed" even when its type differs (a server does not switch key types
 * on its own between runs of the same client).
 */
export async function checkHostKey(hostName: string, presented: Buffer, policy: HostKeyPolicy): Promise<void> {
  const recorded = await readKnownHostKeys(policy.knownHostsPath, hostName);
  const fp = fingerprint(presented);
  if (recorded.some((k) => k.blob.equals(presented))) return;
  if (recorded.length > 0)
    throw new HostKeyChangedError(
      hostName,
      recorded.map((k) => fingerprint(k.blob)),
      fp,
      policy.knownHostsPath,
    );
  const accepted =
    policy.acceptNewHostKey ||
    (policy.io.interactive &&
      (await policy.io.confirm(
        `The SSH host key of ${hostName} is ${keyTypeOf(presented)} ${fp}. Trust it and record it in ${policy.knownHostsPath}?`,
      )));
  if (!accepted) throw new HostKeyUnknownError(hostName, fp, policy.knownHostsPath);
  await recordKnownHostKey(policy.knownHostsPath, hostName, presented);
  info(policy.io, `recorded the SSH host key of ${hostName} (${fp}) in ${policy.knownHostsPath}`);
}
