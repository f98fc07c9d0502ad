// Reaching a service on the host's loopback from inside the lab: a listening socket opened in the
// gateway namespace at an address of the lab's own plan (the VPC gateway 198.18.0.1), whose
// connections this process relays to 127.0.0.1:<port>. Used for the AWS emulator's endpoint and
// for an instance's metadata service, which the node expects at 169.254.169.254:80: a DNAT in the
// gateway namespace, for that node's address only, sends it to its forward. Nothing listens on the
// host's own interfaces and no traffic leaves loopback or the lab's namespaces.
//
// The forward lives as long as this process (tests, the sandbox runner); close() ends it.
import { spawn } from 'node:child_process';
import { connect, Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { VPC_GATEWAY, assertInCidr, VPC_SUBNET } from './addresses.js';
import { inNetns } from './gateway.js';
import { runOk } from './run.js';

export interface HostForward {
  /** Where the lab reaches it: the gateway address and port. */
  address: string;
  port: number;
  close(): Promise<void>;
}

export const IMDS_ADDRESS = '169.254.169.254';
const IMDS_CHAIN = 'SKL-IMDS';

/** Listens in the gateway namespace on VPC_GATEWAY:<free port> and relays each connection to 127.0.0.1:targetPort. */
export async function forwardGatewayToHost(gwNetns: string, targetPort: number): Promise<HostForward> {
  const main = fileURLToPath(new URL('./listen-in-netns-main.js', import.meta.url));
  const argv = inNetns(gwNetns, [process.execPath, main, VPC_GATEWAY, '0']);
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the gateway listener did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`the gateway listener exited (${code})`)));
    child.on('message', (msg, handle) => {
      if (msg === 'listening' && handle instanceof Server) {
        clearTimeout(timer);
        resolve(handle);
      }
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = (server.address() as { port: number }).port;
  return {
    address: VPC_GATEWAY,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Sends the node's metadata requests (169.254.169.254:80 from nodeAddress) to a forward. One rule per
 * node address, so several nodes in one lab each reach their own instance's metadata service.
 */
export async function routeMetadataService(gwNetns: string, nodeAddress: string, forward: HostForward): Promise<void> {
  assertInCidr('node address', nodeAddress, VPC_SUBNET);
  const ipt = (args: string[]) => runOk(inNetns(gwNetns, ['iptables', '-w', '-t', 'nat', ...args]));
  const chains = await ipt(['-S']);
  if (!chains.split('\n').includes(`-N ${IMDS_CHAIN}`)) {
    await ipt(['-N', IMDS_CHAIN]);
    await ipt(['-I', 'PREROUTING', '1', '-j', IMDS_CHAIN]);
  }
  // A replacement instance keeps the node's address but gets its own metadata service: replace the rule.
  for (const rule of (await ipt(['-S', IMDS_CHAIN]))
    .split('\n')
    .filter((l) => l.startsWith(`-A ${IMDS_CHAIN} -s ${nodeAddress}/32 `))) {
    await ipt(['-D', ...rule.split(' ').slice(1)]);
  }
  await ipt([
    '-A',
    IMDS_CHAIN,
    '-s',
    `${nodeAddress}/32`,
    '-d',
    `${IMDS_ADDRESS}/32`,
    '-p',
    'tcp',
    '--dport',
    '80',
    '-j',
    'DNAT',
    '--to-destination',
    `${forward.address}:${forward.port}`,
  ]);
}
