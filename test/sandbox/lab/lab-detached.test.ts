// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// A lab outlives the process that started it (issue 5's `up --sandbox` / `down --sandbox`), and
// destroying it from another process leaves nothing behind. Needs root (CI is root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { attachLab, destroyLab, readLabRecord } from '../../../src/sandbox/lab/index.js';
import { labCgroupDirs } from '../../../src/sandbox/lab/cgroup.js';
import { isMounted } from '../../../src/sandbox/lab/destroy.js';
import { netnsPath } from '../../../src/sandbox/lab/gateway.js';
import { childPids, isAlive } from '../../../src/sandbox/lab/processes.js';
import { readSupervisorStatus } from '../../../src/sandbox/lab/record.js';
import { run } from '../../../src/sandbox/lab/run.js';
import { readSshBanner } from '../../../src/sandbox/lab/ssh-probe.js';

test(
  'GIVEN a lab started by a process that has exited WHEN another process attaches and ' +
    'destroys it THEN it worked until then and no namespace, process, mount or directory is ' +
    'left',
  async (t) => {
    const fixture = fileURLToPath(new URL('./fixtures/start-detached.js', import.meta.url));
    const started = await run([process.execPath, fixture], { timeoutMs: 120_000 });
    assert.equal(started.code, 0, started.stderr);
    const record = await readLabRecord(started.stdout.trim());
    t.after(() => destroyLab(record));

    const lab = await attachLab(record.recordPath);
    await lab.client.setHosts({ 'api.cluster.lab.test': lab.node.primaryAddress });
    const banner = await readSshBanner(lab.node.ssh.host, lab.node.ssh.port, 5000);
    assert.match(banner ?? '', /^SSH-2\.0-OpenSSH/);
    const hostname = await lab.node.exec(['hostname']);
    assert.equal(hostname.stdout.trim(), lab.name);
    const status = await readSupervisorStatus(record.statusPath);
    const pids = [record.supervisorPid, status.nspawnPid, ...childPids(status.nspawnPid)];
    assert.equal(pids.length, 3);
    assert.ok(pids.every(isAlive));

    await destroyLab(record);
    await destroyLab(record); // a second destroy finds nothing and is fine

    assert.deepEqual(pids.filter(isAlive), []);
    assert.equal(existsSync(netnsPath(record.netns.gw)), false);
    assert.equal(existsSync(netnsPath(record.netns.client)), false);
    assert.equal(isMounted(record.root), false);
    assert.deepEqual(
      labCgroupDirs(record.name).filter((d) => existsSync(d)),
      [],
    );
    assert.equal(existsSync(`/etc/netns/${record.netns.client}`), false);
    assert.equal(existsSync(record.dir), false);
    assert.equal(await readSshBanner(lab.node.ssh.host, lab.node.ssh.port, 1000), undefined);
  },
);
