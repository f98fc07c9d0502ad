// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// The test control plane itself: it comes up with the pinned Kubernetes version, registers a node
// that looks like kops' control-plane node (labels and taint), stops everything it started by PID,
// and leaves nothing running when the process that started it is killed outright.
// Nothing here asks for root beyond the binary cache under /var/cache/solokube; CI is root.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RecordingIoHost } from '../../src/core/io.js';
import type { NodeObject } from '../../src/k8s/types.js';
import { startControlPlane, sweepStaleControlPlaneDirs } from '../../src/sandbox/k8s/control-plane.js';
import { isAlive, waitGone } from '../../src/sandbox/lab/processes.js';
import { kubectlGet } from '../support/control-plane.js';

describe('the test control plane', () => {
  test(
    'GIVEN the pinned binaries WHEN a control plane starts THEN kubectl sees v1.36.3 and one ' +
      'Ready kops-like control-plane node with its taint, and stop ends every process',
    async () => {
      const started = Date.now();
      const cp = await startControlPlane({ io: new RecordingIoHost() });
      const pids = Object.values(cp.pids());
      try {
        const readyMs = Date.now() - started;
        assert.ok(readyMs < 45_000, `ready after ${readyMs} ms`);
        const version = await cp.kubectl(['version', '-o', 'json']);
        assert.equal(JSON.parse(version.stdout).serverVersion.gitVersion, 'v1.36.3');
        const node = (await kubectlGet(cp, ['node', cp.nodeName!])) as NodeObject;
        const labels = node.metadata.labels ?? {};
        assert.equal(labels['node-role.kubernetes.io/control-plane'], '');
        assert.match(labels['kops.k8s.io/instancegroup'] ?? '', /^control-plane-/);
        assert.equal(labels['node.kubernetes.io/instance-type'], 't3.medium');
        assert.equal(labels['topology.kubernetes.io/zone'], 'eu-west-1a');
        assert.deepEqual(node.spec?.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
        assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
        assert.equal(pids.length, 5);
        assert.ok(pids.every(isAlive));
      } finally {
        await cp.stop();
      }
      assert.deepEqual(pids.filter(isAlive), [], 'every component is gone');
      assert.equal(existsSync(cp.dir), false, 'the working directory is removed');
    },
  );

  test('GIVEN a process that started a control plane WHEN it is killed with SIGKILL THEN none of the components outlive it', async () => {
    const script = fileURLToPath(new URL('./support/start-and-hang.js', import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let dir = '';
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        dir =
          out
            .split('\n')
            .find((l) => l.startsWith('DIR '))
            ?.slice(4) ?? dir;
        const line = out.split('\n').find((l) => l.startsWith('PIDS '));
        if (line) resolve(line.slice(5).split(',').map(Number));
      });
      child.on('exit', (code) => reject(new Error(`the starter exited early (${code})`)));
    });
    assert.equal(pids.length, 5);
    assert.ok(pids.every(isAlive));
    child.kill('SIGKILL');
    for (const pid of pids)
      assert.ok(await waitGone(pid, 10_000), `component ${pid} still runs after its starter died`);
    assert.ok(await waitGone(child.pid!, 5_000));
    assert.ok(
      (await sweepStaleControlPlaneDirs()).includes(dir),
      "the next start sweeps the dead run's working directory",
    );
    assert.equal(existsSync(dir), false);
  });
});
