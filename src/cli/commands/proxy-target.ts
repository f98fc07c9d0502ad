// From solokube.yaml plus the `proxy` flags to what the node layer needs: an SSH shell with the
// host key pinned, and a validated NodeSpec. The node's addresses come from the flags, or from AWS
// discovery (the control-plane instance and its secondary IP) for any flag left out; the interface
// and prefix length are read from the node when not given.

import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { expandHome } from '../../config/naming.js';
import type { SolokubeConfig } from '../../config/schema.js';
import { UsageError } from '../../core/errors.js';
import { MAX_PORT } from '../../config/validators.js';
import { discoverNodeLayout } from '../../node/discover.js';
import type { SshShell } from '../../node/ssh-shell.js';
import type { NodeShell, NodeSpec } from '../../node/index.js';
import type { CommandContext } from '../context.js';

export interface NodeTargetOptions {
  nodeHost?: string;
  sshPort?: number;
  sshUser?: string;
  sshKey?: string;
  knownHosts?: string;
  acceptNewHostKey?: boolean;
  primaryIp?: string;
  secondaryIp?: string;
  interface?: string;
  prefixLength?: number;
}

function intOption(flags: string, description: string, min: number, max: number): Option {
  return new Option(flags, description).argParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  });
}

/** The flags every `proxy` subcommand takes to reach the node. */
export function withNodeTargetOptions(cmd: Command): Command {
  return cmd
    .option('--node-host <host>', 'the node to reach over SSH (its public IP or DNS name)')
    .addOption(intOption('--ssh-port <port>', 'SSH port on the node (default 22)', 1, MAX_PORT))
    .option('--ssh-user <user>', 'SSH user (default: ssh.user in the config); not root means sudo -n')
    .option('--ssh-key <file>', 'SSH private key (default: ssh.privateKey in the config)')
    .option('--known-hosts <file>', "solokube's known-hosts file (default: ssh.knownHosts in the config)")
    .option('--accept-new-host-key', "record the node's SSH host key on first contact (never accepts a changed key)")
    .option('--primary-ip <ip>', "the node's primary private IP (where kube-apiserver answers)")
    .option('--secondary-ip <ip>', 'the secondary private IP the apps answer on')
    .option(
      '--interface <name>',
      'the node interface (default: nodeInterface in the config, else the one holding --primary-ip)',
    )
    .addOption(intOption('--prefix-length <n>', "the subnet's prefix length (default: read from the node)", 1, 32));
}

/** Where the node is and which addresses it has: the flags, and AWS discovery for what they leave out. */
export interface NodeTarget {
  host: string;
  primaryIp: string;
  secondaryIp: string;
  prefixLength?: number;
}

export async function resolveNodeTarget(
  ctx: CommandContext,
  config: SolokubeConfig,
  opts: NodeTargetOptions,
): Promise<NodeTarget> {
  if (!config.secondaryIp) {
    throw new UsageError(
      'the configuration says secondaryIp: false, so there is no data path to set up on the node',
      'Set secondaryIp: true in the config; with false, apps answer on the ingress NodePorts 30443/30080.',
    );
  }
  if (opts.nodeHost && opts.primaryIp && opts.secondaryIp) {
    return {
      host: opts.nodeHost,
      primaryIp: opts.primaryIp,
      secondaryIp: opts.secondaryIp,
      ...(opts.prefixLength ? { prefixLength: opts.prefixLength } : {}),
    };
  }
  // Whatever the flags leave out comes from AWS, as `secondary-ip setup` left it.
  const [{ withAwsClients }, { readAwsStatus }, { nodeAddressing }] = await Promise.all([
    import('../../aws/session.js'),
    import('../../aws/status.js'),
    import('../../aws/node-addressing.js'),
  ]);
  const found = nodeAddressing(
    await withAwsClients(config, (clients) => readAwsStatus(config, clients, ctx.io, ctx.signal)),
  );
  const host = opts.nodeHost ?? found.primaryPublicIp;
  if (!host)
    throw new UsageError(
      `the control-plane instance ${found.instanceId} has no public address`,
      'Pass --node-host with an address that reaches it over SSH.',
    );
  return {
    host,
    primaryIp: opts.primaryIp ?? found.primaryIp,
    secondaryIp: opts.secondaryIp ?? found.secondaryIp,
    prefixLength: opts.prefixLength ?? found.prefixLength,
  };
}

export async function nodeShell(
  ctx: CommandContext,
  config: SolokubeConfig,
  opts: NodeTargetOptions,
  target: NodeTarget,
): Promise<SshShell> {
  // Loaded here, not with the module: its host-key code needs node:crypto, which --help need not load.
  const { SshShell } = await import('../../node/ssh-shell.js');
  return new SshShell({
    host: target.host,
    ...(opts.sshPort ? { port: opts.sshPort } : {}),
    user: opts.sshUser ?? config.ssh.user,
    privateKeyPath: expandHome(opts.sshKey ?? config.ssh.privateKey),
    knownHostsPath: expandHome(opts.knownHosts ?? config.ssh.knownHosts),
    acceptNewHostKey: opts.acceptNewHostKey ?? false,
    io: ctx.io,
  });
}

/** The NodeSpec for the target; interface and prefix length are read from the node when not given. */
export async function nodeSpecForTarget(
  config: SolokubeConfig,
  opts: NodeTargetOptions,
  target: NodeTarget,
  shell: NodeShell,
): Promise<NodeSpec> {
  const given = opts.interface ?? config.nodeInterface;
  const { nodeSpecFor } = await import('../../stack/node-spec.js');
  const layout =
    given !== undefined && target.prefixLength !== undefined
      ? { interface: given, prefixLength: target.prefixLength }
      : await discoverNodeLayout(shell, target.primaryIp);
  return nodeSpecFor(
    config,
    {
      primaryIp: target.primaryIp,
      secondaryIp: target.secondaryIp,
      prefixLength: target.prefixLength ?? layout.prefixLength,
    },
    given ?? layout.interface,
  );
}
