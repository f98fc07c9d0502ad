// test:integration — needs root, network namespaces and the lab node.
// The reclaim proven on a real node: the lab's systemd-booted Debian node runs the rendered unit
// (systemctl start), reaching the emulator's per-instance IMDSv2 at 169.254.169.254 and its EC2
// endpoint through forwards in the lab's gateway namespace (loopback and 198.18.0.0/15 only). The
// emulator is seeded as after an instance replacement: the ENI has no secondary IP, the cluster's
// Elastic IP is allocated, tagged and unattached. Needs root (the lab boots a container).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssociateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DisassociateAddressCommand,
  EC2Client,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planConverge } from '../../src/core/plan.js';
import { SshShell } from '../../src/node/index.js';
import { nodePackages } from '../../src/node/resources/packages.js';
import { redirectRules } from '../../src/node/resources/redirect-rules.js';
import { secondaryAddress } from '../../src/node/resources/secondary-address.js';
import { SECONDARY_IP_TAG_PREFIX as UP_SECONDARY_IP_TAG_PREFIX } from '../../src/aws/resources/secondary-private-ip.js';
import {
  parseReclaimState,
  SECONDARY_IP_TAG_PREFIX,
  reclaimSpecFor,
  RECLAIM_PATHS,
  RECLAIM_UNIT_NAME,
  renderReclaimPolicyStatements,
  renderReclaimScript,
  renderReclaimUnit,
} from '../../src/reclaim/index.js';
import { kopsClusterSeed, startAwsEmulator, type AwsEmulator, type ImdsEndpoint } from '../../src/sandbox/aws/index.js';
import { labPrerequisites, startLab, type Lab } from '../../src/sandbox/lab/index.js';
import { forwardGatewayToHost, routeMetadataService, type HostForward } from '../../src/sandbox/lab/host-forward.js';
import { writeReclaimEnvironment } from '../../src/sandbox/env/instance-link.js';
import { nodeSpecFor } from '../../src/stack/node-spec.js';
import { clientConfig } from '../sandbox/aws/harness.js';
import { httpsFromClient, assertAnsweredBy } from '../node/support/lab-checks.js';

const CLUSTER = 'c1.example.com';
const EIP = '198.19.1.1';
const ROLE = `masters.${CLUSTER}`;
const config = { ...parseConfig(EXAMPLE_CONFIG, 'example'), region: 'us-east-1', proxy: 'direct' as const };
const spec = reclaimSpecFor(config);
const MUTATING = new Set([
  'AssignPrivateIpAddresses',
  'CreateTags',
  'DeleteTags',
  'AssociateAddress',
  'DisassociateAddress',
  'UnassignPrivateIpAddresses',
]);

describe('reclaim on a lab node', { timeout: 600_000 }, async () => {
  const missing = await labPrerequisites();
  const io = new RecordingIoHost();
  let lab: Lab;
  let emu: AwsEmulator;
  let imds: ImdsEndpoint;
  let ec2: EC2Client;
  let shell: SshShell;
  const forwards: HostForward[] = [];
  let instanceId = '';
  let eniId = '';
  let allocationId = '';

  const node = async (argv: string[], input?: string) =>
    lab.node.exec(argv, { timeoutMs: 120_000, ...(input === undefined ? {} : { input }) });
  const startUnit = () => node(['systemctl', 'start', RECLAIM_UNIT_NAME]);
  const lastRun = async () => parseReclaimState((await node(['cat', RECLAIM_PATHS.state])).stdout);
  const journal = async () => (await node(['journalctl', '-u', RECLAIM_UNIT_NAME, '-o', 'cat', '--no-pager'])).stdout;
  const eni = async () =>
    (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))).NetworkInterfaces![0]!;
  const address = async () =>
    (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }))).Addresses![0]!;
  /** The addresses the ENI's tags record as the cluster's, by up's rule (key prefix, value the cluster). */
  const recordsNow = async () =>
    ((await eni()).TagSet ?? [])
      .filter((t) => t.Key?.startsWith(UP_SECONDARY_IP_TAG_PREFIX) && t.Value === CLUSTER)
      .map((t) => t.Key!.slice(UP_SECONDARY_IP_TAG_PREFIX.length))
      .sort();

  /** Back to what an instance replacement leaves: no secondary IP, no tag, the Elastic IP idle; the node bare. */
  async function resetToReplaced(): Promise<void> {
    emu.clearFaults();
    const secondaries = ((await eni()).PrivateIpAddresses ?? [])
      .filter((p) => p.Primary === false)
      .map((p) => p.PrivateIpAddress!);
    const a = await address();
    if (a.AssociationId) await ec2.send(new DisassociateAddressCommand({ AssociationId: a.AssociationId }));
    if (secondaries.length > 0)
      await ec2.send(
        new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: secondaries }),
      );
    const records = ((await eni()).TagSet ?? []).filter((t) => t.Key?.startsWith(SECONDARY_IP_TAG_PREFIX));
    if (records.length > 0)
      await ec2.send(new DeleteTagsCommand({ Resources: [eniId], Tags: records.map((t) => ({ Key: t.Key! })) }));
    for (const ip of secondaries)
      for (const prefix of [32, lab.node.prefixLength])
        await node(['ip', 'addr', 'del', `${ip}/${prefix}`, 'dev', lab.node.interface]);
    await node(['sh', '-c', 'nft delete table ip solokube 2>/dev/null; rm -f /etc/solokube/nat-rules.nft']);
    await lab.gateway.unmapPublicIp(EIP);
    emu.resetCalls();
  }
  const secondariesNow = async () =>
    ((await eni()).PrivateIpAddresses ?? []).filter((p) => p.Primary === false).map((p) => p.PrivateIpAddress!);

  before(async () => {
    if (missing.length > 0) return;
    lab = await startLab({
      io,
      clusterName: CLUSTER,
      appsDomain: 'example.com',
      ingressMode: { proxyProtocol: false, direct: true },
    });
    emu = await startAwsEmulator({ publicIpPool: '198.19.1.0/24' });
    ec2 = new EC2Client(clientConfig(emu.endpoint));
    shell = new SshShell({
      host: lab.node.ssh.host,
      port: lab.node.ssh.port,
      user: lab.node.ssh.user,
      privateKeyPath: lab.node.ssh.privateKeyPath,
      knownHostsPath: lab.node.ssh.knownHostsPath,
      io,
      connectTimeoutMs: 15_000,
    });
    // The instance EC2 describes is this node: same primary address, same MAC.
    const mac = (await node(['cat', `/sys/class/net/${lab.node.interface}/address`])).stdout.trim();
    const seed = kopsClusterSeed({
      clusterName: CLUSTER,
      dnsZone: 'example.com',
      publicIp: '198.19.1.10',
      primaryPrivateIp: lab.node.primaryAddress,
    });
    seed.instances = seed.instances!.map((i) => ({ ...i, macAddress: mac, iamRole: ROLE }));
    seed.addresses = [
      {
        publicIp: EIP,
        tags: {
          'solokube.io/cluster': CLUSTER,
          'solokube.io/role': 'apps-elastic-ip',
          Name: `solokube-apps.${CLUSTER}`,
        },
      },
    ];
    emu.seed(seed);
    const state = emu.state();
    instanceId = Object.keys(state.instances)[0]!;
    eniId = Object.values(state.networkInterfaces).find(
      (e) => e.attachment?.instanceId === instanceId,
    )!.networkInterfaceId;
    allocationId = Object.values(state.addresses).find((a) => a.publicIp === EIP)!.allocationId;
    imds = await emu.serveImds(instanceId, { callerHops: 1 });
    const imdsForward = await forwardGatewayToHost(lab.gateway.netns, imds.port);
    const ec2Forward = await forwardGatewayToHost(lab.gateway.netns, emu.port);
    forwards.push(imdsForward, ec2Forward);
    await routeMetadataService(lab.gateway.netns, lab.node.primaryAddress, imdsForward);
    // What the kops fragment's cloud-config writes, plus the sandbox's endpoint override (the same
    // file the sandbox writes on a node it links to its instance).
    await node(['mkdir', '-p', '/usr/local/lib/solokube', '/etc/solokube']);
    await node(['sh', '-c', 'cat > "$1" && chmod 0755 "$1"', 'sh', RECLAIM_PATHS.script], renderReclaimScript(spec));
    await node(['sh', '-c', 'cat > "$1"', 'sh', RECLAIM_PATHS.unit], renderReclaimUnit(spec));
    await writeReclaimEnvironment(lab, ec2Forward, { SOLOKUBE_RECLAIM_ATTEMPTS: '3' });
    assert.equal((await node(['systemctl', 'daemon-reload'])).code, 0);
    assert.equal((await node(['systemctl', 'enable', RECLAIM_UNIT_NAME])).code, 0);
  });

  after(async () => {
    await shell?.close();
    for (const f of forwards) await f.close();
    await emu?.close();
    await lab?.destroy();
  });

  test(
    'GIVEN a role policy without AssociateAddress on the Elastic IP WHEN the unit runs THEN it fails clearly, records it, and changes nothing',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      emu.putRolePolicy(
        ROLE,
        renderReclaimPolicyStatements(spec).filter((s) => s.Sid !== 'SolokubeReclaimElasticIp'),
      );
      const r = await startUnit();
      assert.notEqual(r.code, 0, 'systemctl start reports the failure');
      const log = await journal();
      assert.match(
        log,
        /FAILED: dry run: AssociateAddress: HTTP 403 UnauthorizedOperation.*ec2:AssociateAddress on resource: arn:aws:ec2:us-east-1:123456789012:elastic-ip\//,
      );
      const last = await lastRun();
      assert.equal(last.kind === 'ran' && last.last.result, 'failed');
      assert.match(last.kind === 'ran' ? last.last.message : '', /UnauthorizedOperation/);
      assert.equal((await node(['systemctl', 'is-failed', RECLAIM_UNIT_NAME])).stdout.trim(), 'failed');
      // Nothing else changed: no secondary IP, no tag, no association, no address or rules on the node.
      const e = await eni();
      assert.deepEqual(
        e.PrivateIpAddresses?.map((p) => p.PrivateIpAddress),
        [lab.node.primaryAddress],
      );
      assert.deepEqual(await recordsNow(), [], 'no record of a secondary IP');
      assert.equal((await address()).AssociationId, undefined);
      assert.equal((await node(['nft', 'list', 'table', 'ip', 'solokube'])).code, 1);
      const addrs = (await node(['ip', '-4', '-o', 'addr', 'show', 'dev', lab.node.interface])).stdout;
      assert.equal(addrs.trim().split('\n').length, 1, addrs);
      assert.equal(
        emu.calls().some((c) => MUTATING.has(c.operation) && c.status === 200),
        false,
      );
    },
  );

  test(
    'GIVEN the reclaim policy WHEN the unit runs THEN a secondary IP is assigned and tagged, the Elastic IP is on it, and the node has exactly what up sets',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      emu.putRolePolicy(ROLE, renderReclaimPolicyStatements(spec));
      const r = await startUnit();
      assert.equal(r.code, 0, `${r.stderr}\n${await journal()}`);
      const e = await eni();
      const secondary = e.PrivateIpAddresses?.find((p) => p.Primary === false)?.PrivateIpAddress;
      assert.ok(secondary, 'a secondary private IP was assigned');
      assert.deepEqual(await recordsNow(), [secondary], 'the ENI records it as ours, as up reads it');
      // The record was written before the assignment (so no interruption leaves an unproven address).
      const order = emu
        .calls()
        .filter((c) => c.status === 200 && (c.operation === 'CreateTags' || c.operation === 'AssignPrivateIpAddresses'))
        .map((c) => c.operation);
      assert.deepEqual(order, ['CreateTags', 'AssignPrivateIpAddresses']);
      const a = await address();
      assert.deepEqual([a.NetworkInterfaceId, a.PrivateIpAddress], [eniId, secondary]);
      // The node: address and rules exactly as up's own resources want them (a plan of zero changes).
      const upSpec = nodeSpecFor(
        config,
        { primaryIp: lab.node.primaryAddress, secondaryIp: secondary, prefixLength: lab.node.prefixLength },
        lab.node.interface,
      );
      const { plan } = await planConverge(
        [nodePackages(upSpec, shell), secondaryAddress(upSpec, shell), redirectRules(upSpec, shell)],
        io,
        new AbortController().signal,
      );
      assert.deepEqual(
        plan.steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.id} ${JSON.stringify(s.changes)}`),
        [],
      );
      const last = await lastRun();
      assert.ok(
        last.kind === 'ran' &&
          last.last.result === 'ok' &&
          last.last.secondaryIp === secondary &&
          last.last.elasticIp === EIP,
      );
      // record, secondary IP, association, address, networkd drop-in, rules
      assert.equal(last.kind === 'ran' && last.last.changes.length, 6);
      assert.ok(
        imds.requests().some((q) => q.method === 'PUT' && q.status === 200),
        'the node used IMDSv2 tokens',
      );
      // And the app answers on the Elastic IP once the internet gateway maps it (as AWS does on association).
      await lab.gateway.mapPublicIp(EIP, secondary);
      assertAnsweredBy(await httpsFromClient(lab, 'hello.example.com', EIP), 'ingress', /host=hello\.example\.com/);
    },
  );

  test(
    'GIVEN a reclaimed node WHEN the unit runs again THEN it changes nothing, in EC2 or on the node',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async (t) => {
      const before1 = {
        eni: await eni(),
        address: await address(),
        rules: (await node(['nft', 'list', 'table', 'ip', 'solokube'])).stdout,
      };
      emu.resetCalls();
      const r = await startUnit();
      assert.equal(r.code, 0, await journal());
      assert.deepEqual(
        emu
          .calls()
          .filter((c) => MUTATING.has(c.operation))
          .map((c) => c.operation),
        [],
      );
      const last = await lastRun();
      assert.ok(last.kind === 'ran' && last.last.result === 'ok');
      assert.deepEqual(last.kind === 'ran' ? last.last.changes : undefined, []);
      assert.deepEqual(await eni(), before1.eni);
      assert.deepEqual(await address(), before1.address);
      assert.equal((await node(['nft', 'list', 'table', 'ip', 'solokube'])).stdout, before1.rules);
      const log = await journal();
      assert.match(log, /nothing to change: 198\.19\.1\.1 -> /);
      t.diagnostic(`journal of ${RECLAIM_UNIT_NAME}:\n${log}`);
    },
  );

  test(
    "GIVEN an operator restarting the unit by hand again and again WHEN it is started beyond systemd's default burst of 5 THEN every start runs",
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      // The script's own errors tell the operator to restart the unit; systemd's default start
      // limit (5 in 10 s) would refuse the sixth try with "Start request repeated too quickly".
      for (let i = 1; i <= 7; i++) {
        const r = await startUnit();
        assert.equal(r.code, 0, `start ${i}: ${r.stderr}\n${await journal()}`);
      }
      assert.doesNotMatch(await journal(), /Start request repeated too quickly/);
    },
  );

  test(
    'GIVEN the unit enabled WHEN the node reboots (address and rules gone with its network namespace) THEN the unit restores them at boot, with no EC2 change',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      const before1 = await lastRun();
      emu.resetCalls();
      await lab.node.reboot();
      const last = await lastRun();
      assert.ok(
        last.kind === 'ran' && before1.kind === 'ran' && last.last.at >= before1.last.at && last.last.result === 'ok',
        JSON.stringify(last),
      );
      const secondary = last.kind === 'ran' ? last.last.secondaryIp : '';
      // networkd brings the address back at boot from the drop-in; the rules are the unit's to restore.
      assert.deepEqual(last.kind === 'ran' ? last.last.changes : [], [
        `loaded redirect rules for ${secondary} (/etc/solokube/nat-rules.nft)`,
      ]);
      const addrs = (await lab.node.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', lab.node.interface])).stdout;
      assert.match(addrs, new RegExp(`inet ${secondary.replace(/\./g, '\\.')}/32`));
      assert.deepEqual(
        emu
          .calls()
          .filter((c) => MUTATING.has(c.operation))
          .map((c) => c.operation),
        [],
      );
      const upSpec = nodeSpecFor(
        config,
        { primaryIp: lab.node.primaryAddress, secondaryIp: secondary, prefixLength: lab.node.prefixLength },
        lab.node.interface,
      );
      const fresh = new SshShell({
        host: lab.node.ssh.host,
        port: lab.node.ssh.port,
        user: lab.node.ssh.user,
        privateKeyPath: lab.node.ssh.privateKeyPath,
        knownHostsPath: lab.node.ssh.knownHostsPath,
        io,
        connectTimeoutMs: 15_000,
      });
      try {
        const { plan } = await planConverge(
          [nodePackages(upSpec, fresh), secondaryAddress(upSpec, fresh), redirectRules(upSpec, fresh)],
          io,
          new AbortController().signal,
        );
        assert.deepEqual(
          plan.steps.filter((s) => s.action !== 'unchanged').map((s) => s.id),
          [],
        );
      } finally {
        await fresh.close();
      }
      assertAnsweredBy(await httpsFromClient(lab, 'hello.example.com', EIP), 'ingress', /host=hello\.example\.com/);
    },
  );

  test(
    'GIVEN a node an earlier reclaim left with the subnet prefix WHEN the unit runs THEN the ' +
      'address becomes a /32 with its drop-in, with no EC2 change, and up finds nothing to do',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      const [secondary] = await secondariesNow();
      assert.ok(secondary);
      const iface = lab.node.interface;
      const dropIn = `/etc/systemd/network/10-${iface}.network.d/50-solokube-secondary-ip.conf`;
      const old = await node([
        'sh',
        '-c',
        'ip addr del "$1/32" dev "$3" && ip addr add "$1/$2" dev "$3" && printf "[Address]\\nAddress=%s/%s\\nPreferredLifetime=0\\n" "$1" "$2" >"$4"',
        'sh',
        secondary,
        String(lab.node.prefixLength),
        iface,
        dropIn,
      ]);
      assert.equal(old.code, 0, old.stderr);
      emu.resetCalls();
      const r = await startUnit();
      assert.equal(r.code, 0, await journal());
      const last = await lastRun();
      assert.deepEqual(last.kind === 'ran' ? last.last.changes : [], [
        `removed ${secondary}/${lab.node.prefixLength} from ${iface}`,
        `added ${secondary}/32 to ${iface}`,
        `wrote ${dropIn}`,
      ]);
      const addrs = (await node(['ip', '-4', '-o', 'addr', 'show', 'dev', iface])).stdout;
      assert.deepEqual(
        [...addrs.matchAll(/inet (\S+)/g)].map((m) => m[1]).filter((a) => a!.startsWith(`${secondary}/`)),
        [`${secondary}/32`],
      );
      assert.deepEqual(
        emu
          .calls()
          .filter((c) => MUTATING.has(c.operation))
          .map((c) => c.operation),
        [],
      );
      const upSpec = nodeSpecFor(
        config,
        { primaryIp: lab.node.primaryAddress, secondaryIp: secondary, prefixLength: lab.node.prefixLength },
        iface,
      );
      const { plan } = await planConverge([secondaryAddress(upSpec, shell)], io, new AbortController().signal);
      assert.deepEqual(
        plan.steps.filter((st) => st.action !== 'unchanged').map((st) => `${st.id} ${JSON.stringify(st.changes)}`),
        [],
      );
    },
  );

  test(
    'GIVEN EC2 throttles twice and loses the reply of AssignPrivateIpAddresses WHEN the unit ' +
      'runs THEN it retries, adopts the address it got, and assigns exactly one',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      await resetToReplaced();
      emu.injectFault({
        service: 'ec2',
        operation: 'AssociateAddress',
        kind: 'error',
        code: 'RequestLimitExceeded',
        status: 503,
        times: 2,
      });
      emu.injectFault({
        service: 'ec2',
        operation: 'AssignPrivateIpAddresses',
        phase: 'after',
        kind: 'reset',
        times: 1,
      });
      const r = await startUnit();
      assert.equal(r.code, 0, await journal());
      const secondaries = await secondariesNow();
      assert.equal(secondaries.length, 1, `exactly one secondary: ${secondaries.join(', ')}`);
      assert.deepEqual(await recordsNow(), secondaries);
      const a = await address();
      assert.deepEqual([a.NetworkInterfaceId, a.PrivateIpAddress], [eniId, secondaries[0]]);
      const calls = emu.calls().map((c) => `${c.operation} ${c.status}`);
      assert.deepEqual(
        calls.filter((c) => c.startsWith('AssignPrivateIpAddresses')),
        ['AssignPrivateIpAddresses 0'],
        'the lost call is not repeated blindly',
      );
      assert.equal(calls.filter((c) => c === 'AssociateAddress 503').length, 2);
      assert.match(await journal(), /attempt 1 failed \(.*RequestLimitExceeded/);
    },
  );

  test(
    'GIVEN the Elastic IP is held by another interface WHEN the unit runs THEN it does not move it: it fails after its retries and changes nothing',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      await resetToReplaced();
      const subnetId = Object.keys(emu.state().subnets)[0]!;
      emu.seed({
        networkInterfaces: [
          { networkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1', subnetId, privateIpAddresses: ['198.18.0.77'] },
        ],
      });
      await ec2.send(
        new AssociateAddressCommand({
          AllocationId: allocationId,
          NetworkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1',
          PrivateIpAddress: '198.18.0.77',
        }),
      );
      emu.resetCalls();
      const r = await startUnit();
      const calls = emu.calls();
      assert.notEqual(r.code, 0);
      const refusedMove = new RegExp(
        String.raw`FAILED: Elastic IP 198\.19\.1\.1 \(eipalloc-[0-9a-f]+\) is associated with eni-0aaaaaaaaaaaaaaa1 ` +
          String.raw`198\.18\.0\.77, not with this node's secondary address; it is not moved silently`,
      );
      assert.match(await journal(), refusedMove);
      assert.equal((await address()).NetworkInterfaceId, 'eni-0aaaaaaaaaaaaaaa1');
      assert.deepEqual(await secondariesNow(), []);
      // One reading, then the conflict check SOLOKUBE_RECLAIM_ATTEMPTS (3) times with backoff in between.
      assert.equal(calls.filter((c) => c.operation === 'DescribeAddresses').length, 1 + 3);
      assert.equal(
        calls.some((c) => MUTATING.has(c.operation)),
        false,
      );
      const last = await lastRun();
      assert.equal(last.kind === 'ran' && last.last.result, 'failed');
      const held = await address();
      await ec2.send(new DisassociateAddressCommand({ AssociationId: held.AssociationId! }));
    },
  );

  test(
    'GIVEN no Elastic IP tagged for the cluster WHEN the unit runs THEN it fails at once, naming the tags, and changes nothing',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      await resetToReplaced();
      await ec2.send(new DeleteTagsCommand({ Resources: [allocationId], Tags: [{ Key: 'solokube.io/cluster' }] }));
      emu.resetCalls();
      try {
        const r = await startUnit();
        const calls = emu.calls();
        assert.notEqual(r.code, 0);
        assert.match(
          await journal(),
          /FAILED: no Elastic IP tagged solokube\.io\/cluster=c1\.example\.com, solokube\.io\/role=apps-elastic-ip/,
        );
        assert.equal(
          calls.filter((c) => c.operation === 'DescribeAddresses').length,
          1,
          'not retried: waiting cannot help',
        );
        assert.equal(
          calls.some((c) => MUTATING.has(c.operation)),
          false,
        );
        assert.deepEqual(await secondariesNow(), []);
      } finally {
        await ec2.send(
          new CreateTagsCommand({ Resources: [allocationId], Tags: [{ Key: 'solokube.io/cluster', Value: CLUSTER }] }),
        );
      }
    },
  );
  test(
    'GIVEN the address the unit chose is taken by another interface before its assignment ' +
      'WHEN the unit runs THEN it removes that record, chooses another, and ends with one recorded secondary',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      await resetToReplaced();
      emu.injectFault({
        service: 'ec2',
        operation: 'AssignPrivateIpAddresses',
        kind: 'error',
        code: 'InvalidIPAddress.InUse',
        status: 400,
        times: 1,
      });
      const r = await startUnit();
      assert.equal(r.code, 0, await journal());
      const secondaries = await secondariesNow();
      assert.equal(secondaries.length, 1, secondaries.join(', '));
      assert.deepEqual(await recordsNow(), secondaries, 'only the assigned address is recorded');
      const calls = emu
        .calls()
        .filter((c) => MUTATING.has(c.operation) && c.status !== 412) // 412: the dry runs before
        .map((c) => `${c.operation} ${c.status}`);
      assert.deepEqual(calls, [
        'CreateTags 200',
        'AssignPrivateIpAddresses 400',
        'DeleteTags 200',
        'CreateTags 200',
        'AssignPrivateIpAddresses 200',
        'AssociateAddress 200',
      ]);
      assert.match(await journal(), /was taken by another interface before our assignment; choosing another/);
    },
  );

  test(
    'GIVEN a role policy without AssignPrivateIpAddresses WHEN the unit runs THEN it fails clearly and the record it wrote first is gone: nothing changed',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      await resetToReplaced();
      emu.putRolePolicy(
        ROLE,
        renderReclaimPolicyStatements(spec).map((st) =>
          st.Sid === 'SolokubeReclaimInterface' ? { ...st, Action: 'ec2:AssociateAddress' } : st,
        ),
      );
      try {
        const r = await startUnit();
        assert.notEqual(r.code, 0);
        assert.match(
          await journal(),
          /FAILED: AssignPrivateIpAddresses: HTTP 403 UnauthorizedOperation.*ec2:AssignPrivateIpAddresses/,
        );
        assert.deepEqual(await secondariesNow(), []);
        assert.deepEqual(await recordsNow(), [], 'the record of the refused address was removed');
        assert.equal((await address()).AssociationId, undefined);
        const last = await lastRun();
        assert.equal(last.kind === 'ran' && last.last.result, 'failed');
      } finally {
        emu.putRolePolicy(ROLE, renderReclaimPolicyStatements(spec));
      }
    },
  );
});
