// SshShell: a remote node over SSH (the ssh2 library), key authentication, host key pinned through
// host-keys.ts before any command can run. SSH carries a command line, not an argv, so every argv is
// joined by shell-quote.ts; a non-root user gets `sudo -n --` in front (never a password prompt).

import { readFile } from 'node:fs/promises';
import type { Client, ClientChannel } from 'ssh2';
import { SolokubeError } from '../core/errors.js';
import type { IoHost } from '../core/io.js';
import { checkHostKey, defaultKnownHostsPath, knownHostName } from './host-keys.js';
import { quoteCommand } from './shell-quote.js';
import type { NodeShell, RunOptions, RunResult } from './shell.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, NodeCommandError, NodeCommandTimeoutError, readFileVia, writeFileAtomicVia } from './shell.js';

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

export class SshConnectError extends SolokubeError {
  constructor(where: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super({
      code: 'node.ssh-connect-failed',
      message: `Could not open an SSH session to ${where}: ${why}`,
      remedy: 'Check the node address, that sshd runs and port 22 is open to you, and the user and key (solokube uses key authentication only).',
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
    if (!HOST.test(opts.host)) throw new SolokubeError({ code: 'node.bad-host', message: `Invalid SSH host ${JSON.stringify(opts.host)}.`, remedy: 'Give an IP address or DNS name.', actor: 'user', exitCode: 2 });
    if (!USER.test(opts.user)) throw new SolokubeError({ code: 'node.bad-user', message: `Invalid SSH user ${JSON.stringify(opts.user)}.`, remedy: 'Give a plain Unix user name such as ubuntu, admin or root.', actor: 'user', exitCode: 2 });
    this.port = opts.port ?? 22;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.sudo = opts.user !== 'root';
    this.description = `${opts.user}@${knownHostName(opts.host, this.port)}`;
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const line = quoteCommand(this.sudo ? ['sudo', '-n', '--', ...argv] : argv);
    const client = await this.connect();
    const timeoutMs = opts.timeoutMs ?? this.commandTimeoutMs;
    const result = await new Promise<RunResult>((resolve, reject) => {
      client.exec(line, (execErr, channel) => {
        if (execErr) return reject(new SshConnectError(this.description, execErr));
        // Listeners go on inside this callback: ssh2 may already hold the command's exit status and
        // CLOSE in the same read, and emits them synchronously right after this returns.
        this.collect(channel, argv, timeoutMs, opts.input ?? '').then(resolve, reject);
      });
    });
    if (result.code !== 0 && !opts.allowFailure) throw new NodeCommandError(this.description, argv, result);
    return result;
  }

  private collect(channel: ClientChannel, argv: readonly string[], timeoutMs: number, input: string): Promise<RunResult> {
    return new Promise<RunResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let exitCode: number | undefined;
      const timer = setTimeout(() => {
        // Ask sshd to kill the command, then drop the channel; either way the caller is told.
        try {
          channel.signal('KILL');
        } catch {
          /* the channel may already be closing */
        }
        channel.close();
        reject(new NodeCommandTimeoutError(this.description, argv, timeoutMs));
      }, timeoutMs);
      channel.on('data', (d: Buffer) => out.push(d));
      channel.stderr.on('data', (d: Buffer) => err.push(d));
      channel.on('exit', (code: number | null) => {
        exitCode = code ?? 255;
      });
      channel.on('close', () => {
        clearTimeout(timer);
        resolve({ code: exitCode ?? 255, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      channel.end(input);
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
    const privateKey = o.privateKey ?? (o.privateKeyPath ? await readFile(o.privateKeyPath) : undefined);
    if (privateKey === undefined) throw new SolokubeError({ code: 'node.no-ssh-key', message: 'No SSH private key was given.', remedy: 'Pass the key file (--ssh-key or sshKey in solokube.yaml).', actor: 'user', exitCode: 2 });
    const hostName = knownHostName(o.host, this.port);
    const policy = { knownHostsPath: o.knownHostsPath ?? defaultKnownHostsPath(), acceptNewHostKey: o.acceptNewHostKey ?? false, io: o.io };
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
