// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// The node's path to its instance metadata service (IMDS) after the secondary address is set up or
// changed, as `up` does. AWS answers IMDS only for the instance's own addresses, and the reclaim
// unit, the kubelet and the AWS tools on the node all depend on it; in an earlier lab run a
// networkd reload put the secondary address first and cut that path. Here the lab's metadata
// service is reachable only from the node's PRIMARY address (the gateway's DNAT matches it), so an
// answer proves both that the path works and that the node's own traffic leaves from the primary.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { nodeResources, parseNodeSpec } from '../../src/node/index.js';
import { IMDS_ADDRESS, forwardGatewayToHost, routeMetadataService } from '../../src/sandbox/lab/host-forward.js';
import type { HostForward } from '../../src/sandbox/lab/host-forward.js';
import { labShellForSuite } from './support/lab-shell.js';

describe('the node keeps its metadata path through secondary address changes', { timeout: 300_000 }, () => {
  const io = new RecordingIoHost();
  const node = labShellForSuite(io);
  const imds = createServer((_req, res) => res.end('ami-id\n'));
  let forward: HostForward | undefined;
  after(async () => {
    await forward?.close();
    await new Promise((r) => imds.close(r));
  });

  const converge = (secondaryIp: string, mode: 'converge' | 'destroy' = 'converge') => {
    const spec = parseNodeSpec({
      clusterName: node.lab.clusterName,
      apiServerNames: [`api.${node.lab.clusterName}`],
      primaryIp: node.lab.node.primaryAddress,
      secondaryIp,
      prefixLength: 24,
      interface: 'host0',
      proxy: 'direct',
    });
    const resources = nodeResources(spec, node.shell).filter((r) => r.id === 'node/secondary-address');
    return planAndApply(resources, { io, signal: AbortSignal.timeout(60_000), mode, yes: true, dryRun: false });
  };

  /** The source the node picks towards IMDS, and whether IMDS answers it (within 5 s). */
  const metadataPath = async (): Promise<{ source: string | undefined; answered: boolean; detail: string }> => {
    const route = await node.lab.node.exec(['ip', '-4', '-o', 'route', 'get', IMDS_ADDRESS]);
    const source = /\bsrc (\S+)/.exec(route.stdout)?.[1];
    const get = await node.lab.node.exec([
      'curl',
      '-sS',
      '--max-time',
      '5',
      `http://${IMDS_ADDRESS}/latest/meta-data/`,
    ]);
    return { source, answered: get.code === 0 && get.stdout === 'ami-id\n', detail: `${route.stdout} ${get.stderr}` };
  };

  const assertPathFromPrimary = async (when: string) => {
    const p = await metadataPath();
    assert.equal(p.source, node.lab.node.primaryAddress, `${when}: the node's source towards IMDS (${p.detail})`);
    assert.ok(p.answered, `${when}: IMDS answers the node (${p.detail})`);
  };

  test('GIVEN IMDS reachable from the primary address WHEN the secondary address is set up, changed and networkd restarts THEN IMDS answers the node from its primary address right after each', async () => {
    await new Promise<void>((r) => imds.listen(0, '127.0.0.1', r));
    forward = await forwardGatewayToHost(node.lab.gateway.netns, (imds.address() as AddressInfo).port);
    await routeMetadataService(node.lab.gateway.netns, node.lab.node.primaryAddress, forward);
    await assertPathFromPrimary('before solokube');

    await converge('198.18.0.21');
    await assertPathFromPrimary('right after the secondary address was set up');

    // A rerun of `up` after the Elastic IP moved to another secondary address (a reclaimed node).
    await converge('198.18.0.22');
    await assertPathFromPrimary('right after the secondary address changed');

    await node.lab.node.exec(['systemctl', 'restart', 'systemd-networkd']);
    await node.lab.node.exec(['networkctl', 'reconfigure', 'host0']);
    await new Promise((res) => setTimeout(res, 1_500));
    await assertPathFromPrimary('after systemd-networkd restarted');

    await converge('198.18.0.22', 'destroy');
    await assertPathFromPrimary('after the secondary address was removed');
  });

  // Found by this file and NOT fixed yet: the node's primary address, acquired again (EC2 gives it
  // by DHCP; a lease that lapses, a networkd restart that drops it), comes back after the secondary
  // one, the kernel promotes the secondary to the subnet's first address and picks it as the source
  // of everything, IMDS included. PreferredLifetime=0 in the drop-in does not prevent it (IPv4 source
  // selection ignores deprecation; checked here with `preferred_lft 0` as well). The kernel prefers
  // a first address whose subnet holds the gateway, so a /32 secondary would never be picked; that
  // changes the node spec (which requires the subnet's prefix) and the reclaim script, for a later change.
  test(
    'GIVEN the secondary address set up WHEN the primary address is acquired again THEN IMDS still answers the node from its primary address',
    { todo: 'the secondary becomes the source; see the comment above' },
    async () => {
      await converge('198.18.0.21');
      await assertPathFromPrimary('right after the secondary address was set up');
      // What a DHCP client does when it acquires the primary address again (EC2 gives the primary by
      // DHCP): the address goes and comes back, after the secondary one, with the default route.
      const gateway = /default via (\S+)/.exec(
        (await node.lab.node.exec(['ip', '-4', 'route', 'show', 'default'])).stdout,
      )?.[1];
      assert.ok(gateway, 'the node has a default route');
      const primary = `${node.lab.node.primaryAddress}/24`;
      const readd = await node.lab.node.exec([
        'sh',
        '-c',
        'ip addr del "$1" dev host0 && ip addr add "$1" dev host0 && ip route replace default via "$2" dev host0',
        'sh',
        primary,
        gateway,
      ]);
      assert.equal(readd.code, 0, readd.stderr);
      await assertPathFromPrimary('after the primary address was acquired again');
      await converge('198.18.0.21', 'destroy');
    },
  );
});
