// From solokube.yaml plus the `proxy` flags to what the node layer needs: an SSH shell with the
// host key pinned, and a validated NodeSpec. Until AWS discovery lands, the node's addresses come
// from flags; the interface and prefix length are read from the node when not given.

import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { expandHome, names } from '../../config/naming.js';
import type { SolokubeConfig } from '../../config/schema.js';
import { UsageError } from '../../core/errors.js';
import { discoverNodeLayout } from '../../node/discover.js';
import { parseNodeSpec, SshShell } from '../../node/index.js';
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
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  });
}

/** The flags every `proxy` subcommand takes to reach the node. */
export function withNodeTargetOptions(cmd: Command): Command {
  return cmd
    .option('--node-host <host>', 'the node to reach over SSH (its public IP or DNS name)')
    .addOption(intOption('--ssh-port <port>', 'SSH port on the node (default 22)', 1, 65535))
    .option('--ssh-user <user>', 'SSH user (default: ssh.user in the config); not root means sudo -n')
    .option('--ssh-key <file>', 'SSH private key (default: ssh.privateKey in the config)')
    .option('--known-hosts <file>', "solokube's known-hosts file (default: ssh.knownHosts in the config)")
    .option('--accept-new-host-key', "record the node's SSH host key on first contact (never accepts a changed key)")
    .option('--primary-ip <ip>', "the node's primary private IP (where kube-apiserver answers)")
    .option('--secondary-ip <ip>', 'the secondary private IP the apps answer on')
    .option('--interface <name>', 'the node interface (default: nodeInterface in the config, else the one holding --primary-ip)')
    .addOption(intOption('--prefix-length <n>', "the subnet's prefix length (default: read from the node)", 1, 32));
}

export function nodeShell(ctx: CommandContext, config: SolokubeConfig, opts: NodeTargetOptions): SshShell {
  if (!opts.nodeHost) throw new UsageError('--node-host is required: solokube cannot find the node by itself yet', 'Pass --node-host <public IP of the control-plane node>.');
  return new SshShell({
    host: opts.nodeHost,
    ...(opts.sshPort ? { port: opts.sshPort } : {}),
    user: opts.sshUser ?? config.ssh.user,
    privateKeyPath: expandHome(opts.sshKey ?? config.ssh.privateKey),
    knownHostsPath: expandHome(opts.knownHosts ?? config.ssh.knownHosts),
    acceptNewHostKey: opts.acceptNewHostKey ?? false,
    io: ctx.io,
  });
}

export async function nodeSpecFor(config: SolokubeConfig, opts: NodeTargetOptions, shell: NodeShell): Promise<NodeSpec> {
  if (!config.secondaryIp) {
    throw new UsageError('the configuration says secondaryIp: false, so there is no data path to set up on the node', 'Set secondaryIp: true in the config; with false, apps answer on the ingress NodePorts 30443/30080.');
  }
  const missing = [!opts.primaryIp && '--primary-ip', !opts.secondaryIp && '--secondary-ip'].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`${missing.join(' and ')} required: solokube cannot read the node's addresses from AWS yet`, "Pass the addresses shown in the EC2 console for the node's network interface.");
  const primaryIp = opts.primaryIp as string;
  const given = opts.interface ?? config.nodeInterface;
  const layout = given !== undefined && opts.prefixLength !== undefined ? { interface: given, prefixLength: opts.prefixLength } : await discoverNodeLayout(shell, primaryIp);
  return parseNodeSpec(
    {
      clusterName: config.name,
      apiServerNames: names(config).apiServerNames,
      primaryIp,
      secondaryIp: opts.secondaryIp as string,
      prefixLength: opts.prefixLength ?? layout.prefixLength,
      interface: given ?? layout.interface,
      proxy: config.proxy,
      proxyProtocol: config.proxyProtocol,
    },
    'the node settings (config and flags)',
  );
}
