// Process entry point for an instance's link to "AWS" in the sandbox (see instance-link.ts):
//   node dist/src/sandbox/env/instance-link-main.js --lab-record FILE --endpoint URL --imds-port N
// Opens, in the lab's gateway namespace, the forward to the instance's metadata service (routed
// from the node's 169.254.169.254) and the one to the emulator's endpoint, prints one JSON line
// {"pid":PID,"ec2":{"address":IP,"port":N}}, then keeps the gateway's NAT following the emulator's
// public addresses until SIGTERM. It runs in the host's network namespace: the forwards relay to
// 127.0.0.1, where the emulator and the metadata listener are.
import { parseArgs } from 'node:util';
import { attachLab } from '../lab/index.js';
import { forwardGatewayToHost, routeMetadataService } from '../lab/host-forward.js';
import { followGateway } from './instance-link.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'lab-record': { type: 'string' },
      endpoint: { type: 'string' },
      'imds-port': { type: 'string' },
    },
    strict: true,
  });
  const recordPath = values['lab-record'];
  const endpoint = values.endpoint;
  const imdsPort = Number(values['imds-port']);
  if (!recordPath || !endpoint || !Number.isInteger(imdsPort) || imdsPort <= 0)
    throw new Error('usage: instance-link-main.js --lab-record FILE --endpoint URL --imds-port N');
  const lab = await attachLab(recordPath);
  const imds = await forwardGatewayToHost(lab.gateway.netns, imdsPort);
  const ec2 = await forwardGatewayToHost(lab.gateway.netns, Number(new URL(endpoint).port));
  await routeMetadataService(lab.gateway.netns, lab.node.primaryAddress, imds);
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ec2: { address: ec2.address, port: ec2.port } })}\n`);
  const follower = followGateway(endpoint, lab, (msg) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`));
  const stop = (): void => {
    follower.stop();
    void Promise.all([imds.close(), ec2.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`instance link: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
