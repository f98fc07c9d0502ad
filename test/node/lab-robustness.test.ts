// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// Node robustness on the lab's real systemd-booted Debian node, reached over SSH: an aborted or
// timed-out command is really stopped on the node (its process and its children are gone), and
// the secondary address survives a restart of the node's network manager. Needs root.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { RecordingIoHost } from '../../src/core/io.js';
import { SshShell } from '../../src/node/ssh-shell.js';
import { planAndApply } from '../../src/core/run.js';
import { nodeResources, parseNodeSpec } from '../../src/node/index.js';
import { NodeCommandTimeoutError } from '../../src/node/shell.js';
import { labShellForSuite } from './support/lab-shell.js';

const SECONDARY = '198.18.0.21';

describe('node robustness on the lab node', { timeout: 300_000 }, () => {
  const io = new RecordingIoHost();
  const node = labShellForSuite(io);

  /** A command whose child (sleep 300) would outlive a kill of just the command; it writes both PIDs. */
  const lingering = (pidFile: string): string[] => ['sh', '-c', 'sleep 300 & echo "$$ $!" > "$1"; wait', 'sh', pidFile];
  const pidsOnNode = async (pidFile: string): Promise<number[]> => {
    for (let i = 0; i < 200; i++) {
      const r = await node.lab.node.exec(['cat', pidFile]);
      if (r.code === 0 && r.stdout.trim().includes(' ')) return r.stdout.trim().split(' ').map(Number);
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error(`${pidFile} never appeared on the node`);
  };
  const runningOnNode = async (pid: number): Promise<boolean> => {
    const r = await node.lab.node.exec([
      'sh',
      '-c',
      'test -e "/proc/$1" && ! grep -q "^State:[[:space:]]*Z" "/proc/$1/status"',
      'sh',
      String(pid),
    ]);
    return r.code === 0;
  };
  const goneOnNode = async (pid: number): Promise<boolean> => {
    for (let i = 0; i < 60 && (await runningOnNode(pid)); i++) await new Promise((res) => setTimeout(res, 50));
    return !(await runningOnNode(pid));
  };

  test(
    'GIVEN a command running on the node over SSH WHEN its signal aborts THEN run rejects ' +
      'with the reason and the remote process and its child are gone',
    async () => {
      const ctl = new AbortController();
      const reason = new Error('interrupted by the user');
      const running = node.shell.run(lingering('/run/skn-abort.pids'), { signal: ctl.signal });
      const [shPid, sleepPid] = await pidsOnNode('/run/skn-abort.pids');
      assert.equal(await runningOnNode(sleepPid!), true, 'the remote sleep runs before the abort');
      ctl.abort(reason);
      await assert.rejects(running, (e: unknown) => e === reason);
      assert.equal(await goneOnNode(shPid!), true, `remote command ${shPid} is gone`);
      assert.equal(await goneOnNode(sleepPid!), true, `remote sleep ${sleepPid} is gone`);
      // The connection still serves the next command.
      assert.equal((await node.shell.run(['echo', 'still here'])).stdout, 'still here\n');
    },
  );

  test(
    'GIVEN a non-root SSH user whose commands run through sudo WHEN a command is aborted THEN ' +
      'the root-owned process and its child are gone too',
    async () => {
      const publicKey = execFileSync('ssh-keygen', ['-y', '-f', node.lab.node.ssh.privateKeyPath], {
        encoding: 'utf8',
      }).trim();
      const setup = await node.lab.node.exec([
        'sh',
        '-c',
        [
          'useradd -m -s /bin/sh skn-sudo',
          'install -d -m 700 -o skn-sudo /home/skn-sudo/.ssh',
          'printf "%s\\n" "$1" > /home/skn-sudo/.ssh/authorized_keys && chown skn-sudo ' +
            '/home/skn-sudo/.ssh/authorized_keys && chmod 600 /home/skn-sudo/.ssh/authorized_keys',
          'echo "skn-sudo ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/skn-sudo && chmod 440 /etc/sudoers.d/skn-sudo',
          // sudo resolves the host name; the lab node has no DNS.
          'grep -q "$(hostname)" /etc/hosts || echo "127.0.1.1 $(hostname)" >> /etc/hosts',
        ].join(' && '),
        'sh',
        publicKey,
      ]);
      assert.equal(setup.code, 0, setup.stderr);
      const s = node.lab.node.ssh;
      const sudoShell = new SshShell({
        host: s.host,
        port: s.port,
        user: 'skn-sudo',
        privateKeyPath: s.privateKeyPath,
        knownHostsPath: s.knownHostsPath,
        io,
      });
      try {
        const ctl = new AbortController();
        const running = sudoShell.run(lingering('/run/skn-sudo-abort.pids'), { signal: ctl.signal });
        const [shPid, sleepPid] = await pidsOnNode('/run/skn-sudo-abort.pids');
        assert.equal(
          (await node.lab.node.exec(['ps', '-o', 'user=', '-p', String(sleepPid)])).stdout.trim(),
          'root',
          'the command runs as root',
        );
        ctl.abort(new Error('stop'));
        await assert.rejects(running, /stop/);
        assert.equal(await goneOnNode(shPid!), true, `remote command ${shPid} is gone`);
        assert.equal(await goneOnNode(sleepPid!), true, `remote sleep ${sleepPid} is gone`);
      } finally {
        await sudoShell.close();
      }
    },
  );

  test('GIVEN a command on the node over SSH WHEN its timeout passes THEN the remote process and its child are gone', async () => {
    const running = node.shell.run(lingering('/run/skn-timeout.pids'), { timeoutMs: 1_500 });
    const [shPid, sleepPid] = await pidsOnNode('/run/skn-timeout.pids');
    await assert.rejects(running, NodeCommandTimeoutError);
    assert.equal(await goneOnNode(shPid!), true, `remote command ${shPid} is gone`);
    assert.equal(await goneOnNode(sleepPid!), true, `remote sleep ${sleepPid} is gone`);
  });

  test(
    'GIVEN the secondary address set up WHEN systemd-networkd restarts THEN the address is ' +
      'still on the interface; after removal it stays gone',
    async () => {
      const spec = parseNodeSpec({
        clusterName: node.lab.clusterName,
        apiServerNames: [`api.${node.lab.clusterName}`],
        primaryIp: node.lab.node.primaryAddress,
        secondaryIp: SECONDARY,
        prefixLength: 24,
        interface: 'host0',
        proxy: 'direct',
      });
      const address = nodeResources(spec, node.shell).filter((r) => r.id === 'node/secondary-address');
      const run = (mode: 'converge' | 'destroy') =>
        planAndApply(address, { io, signal: AbortSignal.timeout(60_000), mode, yes: true, dryRun: false });
      const restartNetworkd = async () => {
        await node.lab.node.exec(['systemctl', 'restart', 'systemd-networkd']);
        await node.lab.node.exec(['networkctl', 'reconfigure', 'host0']);
        // reconfigure only queues the work: give it a moment to start, then wait until networkd says
        // host0 is configured again (bounded), so a slow machine does not read a half-done link.
        await new Promise((res) => setTimeout(res, 1_500));
        await node.lab.node.exec(['/lib/systemd/systemd-networkd-wait-online', '--interface=host0', '--timeout=20']);
      };
      const hasSecondary = async () =>
        (await node.lab.node.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'host0'])).stdout.includes(
          `${SECONDARY}/32`,
        );
      await run('converge');
      assert.equal(await hasSecondary(), true);
      await restartNetworkd();
      assert.equal(await hasSecondary(), true, 'the address survived the network manager restart');
      assert.equal((await run('converge')).decision, 'nothing-to-do');

      await run('destroy');
      assert.equal(await hasSecondary(), false);
      await restartNetworkd();
      assert.equal(await hasSecondary(), false, 'removal removed its network configuration too');
      assert.equal(
        (await node.lab.node.exec(['sh', '-c', 'ls /etc/systemd/network/*.d 2>/dev/null || true'])).stdout.trim(),
        '',
      );
    },
  );
});
