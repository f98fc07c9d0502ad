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

  test(
    'GIVEN IMDS reachable from the primary address WHEN the secondary address is set up, ' +
      'changed and networkd restarts THEN IMDS answers the node from its primary address right after each',
    async () => {
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
      // reconfigure only queues the work: give it a moment to start, then wait until networkd says
      // host0 is configured again (bounded), so a slow machine does not read a half-done link.
      await new Promise((res) => setTimeout(res, 1_500));
      await node.lab.node.exec(['/lib/systemd/systemd-networkd-wait-online', '--interface=host0', '--timeout=20']);
      await assertPathFromPrimary('after systemd-networkd restarted');

      await converge('198.18.0.22', 'destroy');
      await assertPathFromPrimary('after the secondary address was removed');
    },
  );

  /** The secondary address's prefixes on host0, e.g. ['32']. */
  const secondaryPrefixes = async (address: string): Promise<string[]> => {
    const r = await node.lab.node.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'host0']);
    return [...r.stdout.matchAll(/\binet (\S+)\/(\d+)/g)].filter((m) => m[1] === address).map((m) => m[2]!);
  };

  /** What a DHCP client does when it acquires the primary address again (EC2 gives it by DHCP). */
  const reacquirePrimary = async () => {
    const gateway = /default via (\S+)/.exec(
      (await node.lab.node.exec(['ip', '-4', 'route', 'show', 'default'])).stdout,
    )?.[1];
    assert.ok(gateway, 'the node has a default route');
    // The address goes and comes back, after the secondary one, with the default route.
    const readd = await node.lab.node.exec([
      'sh',
      '-c',
      'ip addr del "$1" dev host0 && ip addr add "$1" dev host0 && ip route replace default via "$2" dev host0',
      'sh',
      `${node.lab.node.primaryAddress}/24`,
      gateway,
    ]);
    assert.equal(readd.code, 0, readd.stderr);
  };

  // With the subnet's prefix the secondary was the kernel's "secondary" of the primary's prefix: when
  // the primary came back after it, the kernel promoted it and made it the source of everything (this
  // test failed so before the address became a /32). A /32 is a prefix of its own and never promoted.
  test('GIVEN the secondary address set up WHEN the primary address is acquired again THEN IMDS still answers the node from its primary address', async () => {
    await converge('198.18.0.21');
    assert.deepEqual(await secondaryPrefixes('198.18.0.21'), ['32'], 'the secondary is on host0 as a /32');
    await assertPathFromPrimary('right after the secondary address was set up');
    await reacquirePrimary();
    await assertPathFromPrimary('after the primary address was acquired again');
    assert.deepEqual(await secondaryPrefixes('198.18.0.21'), ['32'], 'the /32 stayed as it was');
    await converge('198.18.0.21', 'destroy');
    assert.deepEqual(await secondaryPrefixes('198.18.0.21'), []);
  });

  test(
    'GIVEN a node set up by an earlier solokube (the secondary with the subnet prefix) WHEN ' +
      'up converges THEN the plan shows the prefix change, the address ends as a /32 only, and a ' +
      'rerun changes nothing',
    async () => {
      // As the earlier solokube left it: the address with the subnet prefix, and its networkd drop-in.
      const old = await node.lab.node.exec([
        'sh',
        '-c',
        'ip addr add 198.18.0.23/24 dev host0 && mkdir -p "${1%/*}" && printf "%s\\n" "$2" "[Address]" "Address=198.18.0.23/24" "PreferredLifetime=0" >"$1"',
        'sh',
        '/etc/systemd/network/10-host0.network.d/50-solokube-secondary-ip.conf',
        `# Managed by solokube for cluster ${node.lab.clusterName}.`,
      ]);
      assert.equal(old.code, 0, old.stderr);
      const first = await converge('198.18.0.23');
      assert.equal(first.decision, 'apply', 'the old prefix is a change');
      const step = first.plan.steps.find((st) => st.id === 'node/secondary-address');
      assert.equal(step?.action, 'update');
      assert.deepEqual(
        step?.changes.find((c) => c.field === 'prefixLength'),
        { field: 'prefixLength', from: 24, to: 32 },
        'the plan shows the prefix change',
      );
      assert.ok(
        step?.changes.some((c) => c.field === 'networkdDropIn'),
        'the plan shows the drop-in change',
      );
      assert.deepEqual(await secondaryPrefixes('198.18.0.23'), ['32'], 'the /24 is gone, the /32 is there');
      await assertPathFromPrimary('after the prefix changed');
      assert.equal((await converge('198.18.0.23')).decision, 'nothing-to-do', 'idempotent afterwards');
      await converge('198.18.0.23', 'destroy');
      assert.deepEqual(await secondaryPrefixes('198.18.0.23'), []);
    },
  );
});
