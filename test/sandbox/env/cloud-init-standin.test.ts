// The sandbox's cloud-init stand-in: what it plans for kops-shaped user data holding solokube's real
// reclaim part, and its apply run for real on this machine (files under a temp root, commands that
// only touch that root), so nothing is faked but the node itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../../src/config/example.js';
import {
  RECLAIM_PATHS,
  RECLAIM_UNIT_NAME,
  reclaimAdditionalUserData,
  reclaimSpecFor,
  renderReclaimScript,
  renderReclaimUnit,
} from '../../../src/reclaim/index.js';
import { applyCloudInit, cloudInitPlan, type NodeExec } from '../../../src/sandbox/env/cloud-init-standin.js';
import { renderInstanceGroupUserData } from '../../../src/sandbox/kops/user-data.js';
import { run } from '../../../src/sandbox/lab/run.js';

const spec = reclaimSpecFor(parseConfig(EXAMPLE_CONFIG, 'example'));
const local: NodeExec = { exec: (argv, opts) => run(argv, opts ?? {}) };

test(
  'GIVEN kops user data with the reclaim part WHEN planned THEN the script and unit are ' +
    'written byte for byte, then nodeup, then runcmd enables and starts the unit',
  () => {
    const plan = cloudInitPlan(renderInstanceGroupUserData(spec.clusterName, 'cp', [reclaimAdditionalUserData(spec)]));
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.permissions, f.owner]),
      [
        [RECLAIM_PATHS.script, '0755', 'root:root'],
        [RECLAIM_PATHS.unit, '0644', 'root:root'],
      ],
    );
    assert.equal(plan.files[0]!.content, renderReclaimScript(spec));
    assert.equal(plan.files[1]!.content, renderReclaimUnit(spec));
    assert.deepEqual(
      plan.scripts.map((s) => s.name),
      ['nodeup.sh', 'runcmd'],
    );
    assert.deepEqual(plan.scripts[1]!.steps, [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', RECLAIM_UNIT_NAME],
      ['systemctl', 'start', '--no-block', RECLAIM_UNIT_NAME],
    ]);
  },
);

test(
  'GIVEN user data with files, a shell part and runcmd WHEN applied THEN files land with ' +
    'their modes, every step runs in order, and a failing step does not stop the next',
  async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'solokube-cloudinit-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const cfg = [
      '#cloud-config',
      'write_files:',
      '  - path: /etc/demo/a.conf',
      '    permissions: "0600"',
      `    encoding: b64`,
      `    content: ${Buffer.from('secret=1\n').toString('base64')}`,
      '  - path: /etc/demo/a.conf',
      '    append: true',
      '    content: "more=2\\n"',
      'runcmd:',
      `  - [sh, -c, "echo one >> ${root}/order"]`,
      '  - [false]',
      `  - echo two >> ${root}/order`,
    ].join('\n');
    const userData = renderInstanceGroupUserData('c.example.com', 'cp', [
      { name: 'demo.cfg', type: 'text/cloud-config', content: cfg },
      { name: 'zz-last.sh', type: 'text/x-shellscript', content: `#!/bin/sh\necho last >> ${root}/order\n` },
    ]);

    const r = await applyCloudInit(local, cloudInitPlan(userData), root);

    assert.equal(await readFile(join(root, 'etc/demo/a.conf'), 'utf8'), 'secret=1\nmore=2\n');
    assert.equal((await stat(join(root, 'etc/demo/a.conf'))).mode & 0o777, 0o644, 'the last write sets the mode');
    assert.equal(await readFile(join(root, 'order'), 'utf8'), 'one\ntwo\nlast\n');
    assert.deepEqual(
      r.ran.map((x) => [x.script, x.code]),
      [
        ['nodeup.sh', 0],
        ['runcmd', 0],
        ['runcmd', 1],
        ['runcmd', 0],
        ['zz-last.sh', 0],
      ],
    );
  },
);

test('GIVEN a write_files entry in an encoding the stand-in lacks WHEN planned THEN it fails naming the encoding', () => {
  assert.throws(
    () => cloudInitPlan('#cloud-config\nwrite_files:\n  - {path: /x, encoding: gzip, content: abc}\n'),
    /encoding gzip is not supported/,
  );
});
