// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// The node layer end to end: the REAL node resources, applied over SSH (SshShell, pinned host key)
// to the lab's systemd-booted Debian node, checked with real HTTPS from the lab's client namespace
// through the lab gateway's Elastic-IP-style NAT. Needs root (the lab boots a container).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import { planConverge } from '../../src/core/plan.js';
import { startLab } from '../../src/sandbox/lab/index.js';
import type { Lab } from '../../src/sandbox/lab/index.js';
import { nodeResources, parseNodeSpec, SshShell } from '../../src/node/index.js';
import type { NodeSpec, NodeSpecInput } from '../../src/node/index.js';
import { installHaproxyConfig, ProxyConfigInvalidError } from '../../src/node/resources/proxy-config.js';
import { ProxyReloadError } from '../../src/node/resources/haproxy-service.js';
import { InterfaceMissingError, NodeCommandError } from '../../src/node/index.js';
import { execFileSync } from 'node:child_process';
import { assertAnsweredBy, httpFromClient, httpsFromClient, nodeSnapshot } from './support/lab-checks.js';

const SECONDARY = '198.18.0.20';
const EIP_SECONDARY = '198.19.1.20';
const EIP_PRIMARY = '198.19.1.10';
const CLIENT = /client=198\.19\.0\.100 /;

describe('node data path in the lab, through the real resources over SSH', { timeout: 600_000 }, () => {
  let lab: Lab;
  let shell: SshShell;
  let before0: Record<string, string>;
  const io = new RecordingIoHost();
  const signal = new AbortController().signal;

  const app = (): string => `shop.${lab.appsDomain}`;
  const api = (): string => `api.${lab.clusterName}`;
  function nodeSpec(overrides: Partial<NodeSpecInput> = {}): NodeSpec {
    return parseNodeSpec({
      clusterName: lab.clusterName,
      apiServerNames: [api(), `api.internal.${lab.clusterName}`],
      primaryIp: lab.node.primaryAddress,
      secondaryIp: SECONDARY,
      prefixLength: lab.node.prefixLength,
      interface: lab.node.interface,
      proxy: 'haproxy',
      ...overrides,
    });
  }
  async function converge(spec: NodeSpec): Promise<void> {
    await planAndApply(nodeResources(spec, shell), { io, signal, mode: 'converge', yes: true, dryRun: false });
  }
  async function assertConverged(spec: NodeSpec): Promise<void> {
    const { plan } = await planConverge(nodeResources(spec, shell), io, signal);
    assert.deepEqual(
      plan.steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.id} ${JSON.stringify(s.changes)}`),
      [],
    );
  }

  /** Test setup inside the node (not the code under test): a file with owner and mode. */
  async function writeOnNode(path: string, content: string, mode: string, owner: string): Promise<void> {
    const r = await lab.node.exec(
      ['sh', '-c', 'cat > "$1" && chmod "$2" "$1" && chown "$3" "$1"', 'sh', path, mode, owner],
      { input: content },
    );
    assert.equal(r.code, 0, r.stderr);
  }

  before(async () => {
    lab = await startLab({ io });
    shell = new SshShell({
      host: lab.node.ssh.host,
      port: lab.node.ssh.port,
      user: lab.node.ssh.user,
      privateKeyPath: lab.node.ssh.privateKeyPath,
      knownHostsPath: lab.node.ssh.knownHostsPath,
      io,
      connectTimeoutMs: 15_000,
    });
    await lab.gateway.mapPublicIp(EIP_PRIMARY, lab.node.primaryAddress);
    await lab.gateway.mapPublicIp(EIP_SECONDARY, SECONDARY);
    before0 = await nodeSnapshot(lab);
  });
  after(async () => {
    await shell?.close();
    await lab?.destroy();
  });

  test('GIVEN a non-root SSH user WHEN running commands THEN they run through sudo -n, and without sudo rights they fail instead of prompting', async () => {
    const publicKey = execFileSync('ssh-keygen', ['-y', '-f', lab.node.ssh.privateKeyPath], { encoding: 'utf8' });
    for (const user of ['skn-admin', 'skn-nosudo']) {
      await lab.node.exec(['useradd', '-m', '-s', '/bin/bash', user]);
      await lab.node.exec(['install', '-d', '-m', '700', '-o', user, `/home/${user}/.ssh`]);
      await writeOnNode(`/home/${user}/.ssh/authorized_keys`, publicKey, '600', user);
    }
    await writeOnNode('/etc/sudoers.d/skn-admin', 'skn-admin ALL=(ALL) NOPASSWD: ALL\n', '440', 'root');
    // sudo resolves the host name; the lab node has no DNS, and EC2 nodes resolve their own name.
    await lab.node.exec([
      'sh',
      '-c',
      'cp -p /etc/hosts /etc/hosts.skn-saved && echo "127.0.1.1 $(hostname)" >> /etc/hosts',
    ]);
    const connect = (user: string): SshShell =>
      new SshShell({
        host: lab.node.ssh.host,
        port: lab.node.ssh.port,
        user,
        privateKeyPath: lab.node.ssh.privateKeyPath,
        knownHostsPath: lab.node.ssh.knownHostsPath,
        io,
      });
    const admin = connect('skn-admin');
    const nosudo = connect('skn-nosudo');
    try {
      assert.equal((await admin.run(['id', '-u'])).stdout, '0\n');
      await admin.writeFileAtomic('/etc/skn-sudo-test', 'written as root\n', 0o600);
      assert.equal(await admin.readFile('/etc/skn-sudo-test'), 'written as root\n');
      await assert.rejects(nosudo.run(['id', '-u'], { timeoutMs: 10_000 }), NodeCommandError);
    } finally {
      await admin.close();
      await nosudo.close();
      await lab.node.exec([
        'sh',
        '-c',
        'mv -f /etc/hosts.skn-saved /etc/hosts; rm -f /etc/skn-sudo-test /etc/sudoers.d/skn-admin; userdel -r skn-admin; userdel -r skn-nosudo',
      ]);
    }
  });

  test('GIVEN a wrong interface name WHEN planning THEN a typed error says so and nothing changes', async () => {
    await assert.rejects(
      planAndApply(nodeResources(nodeSpec({ interface: 'nosuch0' }), shell), {
        io,
        signal,
        mode: 'converge',
        yes: true,
        dryRun: false,
      }),
      InterfaceMissingError,
    );
    assert.deepEqual(await nodeSnapshot(lab), before0);
  });

  test(
    'GIVEN a fresh node WHEN set up in haproxy mode THEN apps answer on the secondary address ' +
      '443 and 80, the API on the primary 443, stats stay private',
    async () => {
      const spec = nodeSpec();
      const { plan } = await planConverge(nodeResources(spec, shell), io, signal);
      // The lab image already has nftables and HAProxy: the packages step has nothing to do.
      assert.deepEqual(plan.steps.map((s) => `${s.id} ${s.action}`).sort(), [
        'node/boot-unit create',
        'node/packages unchanged',
        'node/proxy-config create',
        'node/redirect-rules create',
        'node/secondary-address create',
      ]);
      await converge(spec);

      assertAnsweredBy(
        await httpsFromClient(lab, app(), EIP_SECONDARY),
        'ingress',
        new RegExp(`host=${app().replaceAll('.', '\\.')} scheme=https`),
      );
      assertAnsweredBy(await httpsFromClient(lab, api(), EIP_PRIMARY), 'apiserver');
      // The primary address's 443 is untouched: whatever the name, the API server answers.
      assertAnsweredBy(await httpsFromClient(lab, app(), EIP_PRIMARY, { verify: false }), 'apiserver');
      // SNI routing: the API's name on the secondary address still reaches the API server.
      assertAnsweredBy(await httpsFromClient(lab, api(), EIP_SECONDARY), 'apiserver');
      assertAnsweredBy(await httpFromClient(lab, app(), EIP_SECONDARY), 'ingress', /xff=198\.19\.0\.100/);
      for (const address of [EIP_SECONDARY, EIP_PRIMARY]) {
        assert.equal((await httpFromClient(lab, 'stats', address, 8404)).ok, false, `stats reachable on ${address}`);
      }
      // The node has no curl; bash's /dev/tcp speaks enough HTTP to see the stats page answer.
      const stats = await lab.node.exec([
        'bash',
        '-c',
        'exec 3<>/dev/tcp/127.0.0.1/8404; printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3; head -1 <&3',
      ]);
      assert.match(stats.stdout, /^HTTP\/1\.[01] 200/, 'stats answer on the node loopback');
    },
  );

  test('GIVEN a converged node WHEN set up three more times THEN nothing changes and there is one table and one config', async () => {
    const spec = nodeSpec();
    for (let i = 0; i < 3; i++) {
      await assertConverged(spec);
      await converge(spec);
    }
    const tables = (await lab.node.exec(['nft', 'list', 'tables'])).stdout
      .split('\n')
      .filter((l) => l.includes('solokube'));
    assert.deepEqual(tables, ['table ip solokube']);
    const rules = (await lab.node.exec(['nft', 'list', 'table', 'ip', 'solokube'])).stdout.match(/redirect to/g) ?? [];
    assert.equal(rules.length, 2, 'one rule in prerouting, one in output');
    const haproxyFiles = (await lab.node.exec(['ls', '/etc/haproxy'])).stdout.split('\n');
    assert.equal(haproxyFiles.filter((f) => f === 'haproxy.cfg').length, 1);
    assert.deepEqual(
      haproxyFiles.filter((f) => /solokube-(new|tmp)/.test(f)),
      [],
      'no leftover candidate or temp files',
    );
  });

  test('GIVEN an invalid HAProxy config WHEN installing it THEN it is refused and the live config stays', async () => {
    const live = await shell.readFile('/etc/haproxy/haproxy.cfg');
    await assert.rejects(
      installHaproxyConfig(shell, '# Managed by solokube\nfrontend broken\n    bind :notaport\n'),
      ProxyConfigInvalidError,
    );
    assert.equal(await shell.readFile('/etc/haproxy/haproxy.cfg'), live);
    assert.equal(await shell.readFile('/etc/haproxy/haproxy.cfg.solokube-new'), undefined);
  });

  test('GIVEN a set-up node WHEN it really reboots THEN address, rules and HAProxy come back with no solokube command', async () => {
    const bootsBefore = await lab.node.bootCount();
    await lab.node.reboot({ timeoutMs: 120_000 });
    assert.equal(await lab.node.bootCount(), bootsBefore + 1);
    assertAnsweredBy(await httpsFromClient(lab, app(), EIP_SECONDARY), 'ingress');
    assertAnsweredBy(await httpFromClient(lab, app(), EIP_SECONDARY), 'ingress');
    assertAnsweredBy(await httpsFromClient(lab, api(), EIP_PRIMARY), 'apiserver');
    await assertConverged(nodeSpec());
  });

  test('GIVEN PROXY protocol v2 WHEN applied THEN the ingress sees the client real address', async () => {
    await lab.node.setIngressMode({ proxyProtocol: true, direct: false });
    const spec = nodeSpec({ proxyProtocol: true });
    await converge(spec);
    assertAnsweredBy(await httpsFromClient(lab, app(), EIP_SECONDARY), 'ingress', CLIENT);
    assertAnsweredBy(await httpFromClient(lab, app(), EIP_SECONDARY), 'ingress', CLIENT);
    await assertConverged(spec);
  });

  test('GIVEN direct mode WHEN applied THEN the kernel alone redirects 443 and 80 and the ingress sees the client real address', async () => {
    // Switch solokube first: HAProxy lets go of :8443, which the hostNetwork ingress then takes.
    const spec = nodeSpec({ proxy: 'direct' });
    await converge(spec);
    await lab.node.setIngressMode({ proxyProtocol: false, direct: true });
    assertAnsweredBy(await httpsFromClient(lab, app(), EIP_SECONDARY), 'ingress', CLIENT);
    assertAnsweredBy(await httpFromClient(lab, app(), EIP_SECONDARY), 'ingress', CLIENT);
    assertAnsweredBy(await httpsFromClient(lab, api(), EIP_PRIMARY), 'apiserver');
    assert.ok(
      !(await shell.readFile('/etc/haproxy/haproxy.cfg'))?.startsWith('# Managed by solokube'),
      'the previous HAProxy config is back',
    );
    await assertConverged(spec);
  });

  test(
    'GIVEN the hostNetwork ingress still holds :8443 WHEN switching to haproxy mode THEN ' +
      'HAProxy refusing to load is a typed error and its previous config stays on disk',
    async () => {
      const cfgBefore = await shell.readFile('/etc/haproxy/haproxy.cfg');
      await assert.rejects(converge(nodeSpec()), ProxyReloadError);
      assert.equal(await shell.readFile('/etc/haproxy/haproxy.cfg'), cfgBefore);
      assert.equal(await shell.readFile('/etc/haproxy/haproxy.cfg.before-solokube'), undefined, 'no stray backup');
      assert.equal(
        (await lab.node.exec(['systemctl', 'is-active', 'haproxy'])).stdout.trim(),
        'active',
        'the old HAProxy keeps running',
      );
      // Converging direct mode again repairs the rules the failed run had already switched.
      await converge(nodeSpec({ proxy: 'direct' }));
      await assertConverged(nodeSpec({ proxy: 'direct' }));
      assertAnsweredBy(await httpFromClient(lab, app(), EIP_SECONDARY), 'ingress', CLIENT);
    },
  );

  test('GIVEN a set-up node WHEN removed THEN it is as it was and the API still answers on 443', async () => {
    // Back to haproxy mode first, so removal has the most to undo.
    await lab.node.setIngressMode({ proxyProtocol: false, direct: false });
    await converge(nodeSpec());
    assertAnsweredBy(await httpsFromClient(lab, app(), EIP_SECONDARY), 'ingress');
    const r = await planAndApply(nodeResources(nodeSpec(), shell), {
      io,
      signal,
      mode: 'destroy',
      yes: true,
      dryRun: false,
    });
    // Installed packages stay: they may serve others on the node.
    assert.deepEqual(r.report?.steps.map((s) => `${s.id} ${s.action}`).sort(), [
      'node/boot-unit delete',
      'node/packages unchanged',
      'node/proxy-config delete',
      'node/redirect-rules delete',
      'node/secondary-address delete',
    ]);
    assert.deepEqual(await nodeSnapshot(lab), before0);
    assertAnsweredBy(await httpsFromClient(lab, api(), EIP_PRIMARY), 'apiserver');
    assert.equal(
      (await httpsFromClient(lab, app(), EIP_SECONDARY)).ok,
      false,
      'nothing answers on the secondary address any more',
    );
    for (const spec of [nodeSpec(), nodeSpec({ proxy: 'direct' })]) {
      const again = await planAndApply(nodeResources(spec, shell), {
        io,
        signal,
        mode: 'destroy',
        yes: true,
        dryRun: false,
      });
      assert.equal(again.decision, 'nothing-to-do');
    }
  });
});
