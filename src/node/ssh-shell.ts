// SshShell: a remote node over SSH (the ssh2 library), key authentication, host key pinned through
// host-keys.ts before any command can run. SSH carries a command line, not an argv, so every argv is
// joined by shell-quote.ts; a non-root user gets `sudo -n --` in front (never a password prompt).

import { readFile } from 'node:fs/promises';
import type { Client, ClientChannel } from 'ssh2';
import { SolokubeError } from '../core/errors.js';
import { raceAbort } from '../core/sleep.js';
import type { IoHost } from '../core/io.js';
import { SshFileError, checkHostKey, defaultKnownHostsPath, knownHostName, readKnownHostKeys } from './host-keys.js';
import { quoteCommand } from './shell-quote.js';
import type { NodeShell, RunOptions, RunResult } from './shell.js';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  NodeCommandError,
  NodeCommandTimeoutError,
  inOwnProcessGroup,
  killGroupCommand,
  readFileVia,
  reportedProcessGroup,
  withoutGroupReport,
  writeFileAtomicVia,
} from './shell.js';

export interface SshShellOptions {
  host: string;
  port?: number;
  user: string;
  /** The private key itself, or a path to it. */
  privateKey?: string | Buffer;
  privateKeyPath?: string;
  passphrase?: string;
  /** solokube's own known-hosts file; default ~/.solokube/known_hosts. */
  knownHostsPath?: string;
  /** --accept-new-host-key: record an unknown host's key without asking. Never accepts a changed one. */
  acceptNewHostKey?: boolean;
  io: IoHost;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

const HOST = /^[A-Za-z0-9.:-]{1,253}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
// A person answering the host-key question must not be cut off by the handshake timeout.
const CONFIRM_GRACE_MS = 300_000;
// Bound on waiting for a stopped command's group id and for the kill that follows.
const KILL_WAIT_MS = 5_000;

export class SshConnectError extends SolokubeError {
  constructor(where: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super({
      code: 'node.ssh-connect-failed',
      message: `Could not open an SSH session to ${where}: ${why}`,
      remedy:
        'Check the node address, that sshd runs and port 22 is open to you, and the user and key (solokube uses key authentication only).',
      actor: 'node',
      cause,
    });
  }
}

export class SshShell implements NodeShell {
  readonly description: string;
  private readonly port: number;
  private readonly commandTimeoutMs: number;
  private readonly sudo: boolean;
  private connection: Promise<Client> | undefined;
  private current: Client | undefined;

  constructor(private readonly opts: SshShellOptions) {
    if (!HOST.test(opts.host))
      throw new SolokubeError({
        code: 'node.bad-host',
        message: `Invalid SSH host ${JSON.stringify(opts.host)}.`,
        remedy: 'Give an IP address or DNS name.',
        actor: 'user',
        exitCode: 2,
      });
    if (!USER.test(opts.user))
      throw new SolokubeError({
        code: 'node.bad-user',
        message: `Invalid SSH user ${JSON.stringify(opts.user)}.`,
        remedy: 'Give a plain Unix user name such as ubuntu, admin or root.',
        actor: 'user',
        exitCode: 2,
      });
    this.port = opts.port ?? 22;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.sudo = opts.user !== 'root';
    this.description = `${opts.user}@${knownHostName(opts.host, this.port)}`;
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const signal = opts.signal;
    if (signal?.aborted) throw signal.reason;
    // In its own process group (shell.ts), so that stopping it kills it and all it started.
    const line = quoteCommand(this.sudo ? ['sudo', '-n', '--', ...inOwnProcessGroup(argv)] : inOwnProcessGroup(argv));
    // An abort while the connection is still being opened stops the wait (the connection itself
    // is kept for later commands, or fails on its own connect timeout).
    const client = signal ? await raceAbort(this.connect(), signal) : await this.connect();
    const timeoutMs = opts.timeoutMs ?? this.commandTimeoutMs;
    const result = await new Promise<RunResult>((resolve, reject) => {
      client.exec(line, (execErr, channel) => {
        if (execErr) return reject(new SshConnectError(this.description, execErr));
        // Listeners go on inside this callback: ssh2 may already hold the command's exit status and
        // CLOSE in the same read, and emits them synchronously right after this returns.
        this.collect(client, channel, argv, timeoutMs, opts.input ?? '', signal).then(resolve, reject);
      });
    });
    if (result.code !== 0 && !opts.allowFailure) throw new NodeCommandError(this.description, argv, result);
    return result;
  }

  private collect(
    client: Client,
    channel: ClientChannel,
    argv: readonly string[],
    timeoutMs: number,
    input: string,
    signal: AbortSignal | undefined,
  ): Promise<RunResult> {
    return new Promise<RunResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let exitCode: number | undefined;
      let stopped = false;
      const stderrText = (): string => Buffer.concat(err).toString('utf8');
      // sshd does not kill a command whose channel closes (nor, in OpenSSH, on a signal request), so
      // the command's process group is killed through a second channel, then this one is dropped.
      const stop = (why: unknown): void => {
        if (stopped) return;
        stopped = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        void this.killRemoteGroup(client, stderrText).finally(() => {
          channel.close();
          reject(why);
        });
      };
      const timer = setTimeout(() => stop(new NodeCommandTimeoutError(this.description, argv, timeoutMs)), timeoutMs);
      const onAbort = (): void => stop(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      // The remote command may start (and the signal abort) before ssh2 hands us the channel.
      if (signal?.aborted) onAbort();
      channel.on('data', (d: Buffer) => out.push(d));
      channel.stderr.on('data', (d: Buffer) => err.push(d));
      channel.on('exit', (code: number | null) => {
        exitCode = code ?? 255;
      });
      channel.on('close', () => {
        if (stopped) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve({
          code: exitCode ?? 255,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: withoutGroupReport(stderrText()),
        });
      });
      channel.end(input);
    });
  }

  /** Kill the remote command's process group once its wrapper has reported it; bounded, never throws. */
  private async killRemoteGroup(client: Client, stderr: () => string): Promise<void> {
    const giveUpAt = Date.now() + KILL_WAIT_MS;
    let pgid = reportedProcessGroup(stderr());
    while (pgid === undefined && Date.now() < giveUpAt) {
      await new Promise((r) => setTimeout(r, 20));
      pgid = reportedProcessGroup(stderr());
    }
    if (pgid === undefined) return;
    const kill = killGroupCommand(pgid);
    const line = quoteCommand(this.sudo ? ['sudo', '-n', '--', ...kill] : kill);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, KILL_WAIT_MS);
      try {
        client.exec(line, (e, ch) => {
          if (e) {
            clearTimeout(timer);
            return resolve();
          }
          ch.on('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ch.resume();
          ch.stderr.resume();
          ch.end();
        });
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  readFile(path: string): Promise<string | undefined> {
    return readFileVia(this, path);
  }

  writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
    return writeFileAtomicVia(this, path, content, mode);
  }

  async close(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    this.current = undefined;
    if (c) (await c.catch(() => undefined))?.end();
  }

  /** One connection, opened on first use and reopened after it drops (e.g. the node rebooted). */
  private connect(): Promise<Client> {
    this.connection ??= this.open().catch((err: unknown) => {
      this.connection = undefined;
      throw err;
    });
    return this.connection;
  }

  private async open(): Promise<Client> {
    const o = this.opts;
    const privateKey =
      o.privateKey ??
      (o.privateKeyPath
        ? await readFile(o.privateKeyPath).catch((err: unknown) => {
            throw new SshFileError('key', o.privateKeyPath!, err);
          })
        : undefined);
    if (privateKey === undefined)
      throw new SolokubeError({
        code: 'node.no-ssh-key',
        message: 'No SSH private key was given.',
        remedy: 'Pass the key file (--ssh-key or sshKey in solokube.yaml).',
        actor: 'user',
        exitCode: 2,
      });
    const hostName = knownHostName(o.host, this.port);
    const policy = {
      knownHostsPath: o.knownHostsPath ?? defaultKnownHostsPath(),
      acceptNewHostKey: o.acceptNewHostKey ?? false,
      io: o.io,
    };
    await readKnownHostKeys(policy.knownHostsPath, hostName); // an unreadable file fails here, before connecting
    const connectTimeoutMs = o.connectTimeoutMs ?? 20_000;
    let hostKeyError: unknown;
    // ssh2 is loaded on the first connection: importing this module (every CLI command does) stays cheap.
    const { Client } = await import('./ssh2-client.js');
    const client = new Client();
    return new Promise<Client>((resolve, reject) => {
      client.on('ready', () => {
        this.current = client;
        resolve(client);
      });
      client.on('error', (err) => reject(hostKeyError ?? new SshConnectError(this.description, err)));
      client.on('close', () => {
        if (this.current === client) {
          this.current = undefined;
          this.connection = undefined;
        }
        reject(hostKeyError ?? new SshConnectError(this.description, new Error('connection closed')));
      });
      client.connect({
        host: o.host,
        port: this.port,
        username: o.user,
        privateKey,
        ...(o.passphrase ? { passphrase: o.passphrase } : {}),
        readyTimeout: connectTimeoutMs + (o.io.interactive && !policy.acceptNewHostKey ? CONFIRM_GRACE_MS : 0),
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
          checkHostKey(hostName, key, policy).then(
            () => verify(true),
            (err: unknown) => {
              hostKeyError = err;
              verify(false);
            },
          );
        },
      });
    });
  }
}
