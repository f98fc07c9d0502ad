// test:integration — needs root, network namespaces and the lab node.
// The cloud-init stand-in on a real node: the lab's systemd-booted Debian node gets the user data kops
// gives the control-plane group (nodeup, then solokube's reclaim part) applied as on a first boot, and
// ends with the reclaim script and unit installed byte for byte, the unit enabled for later boots and
// started once. (The unit's own run needs IMDS and EC2, proven in test/reclaim/lab-reclaim.test.ts.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../../src/config/example.js';
import { RecordingIoHost } from '../../../src/core/io.js';
import {
  RECLAIM_PATHS,
  RECLAIM_UNIT_NAME,
  reclaimAdditionalUserData,
  reclaimSpecFor,
  renderReclaimScript,
  renderReclaimUnit,
} from '../../../src/reclaim/index.js';
import { applyCloudInit, cloudInitPlan } from '../../../src/sandbox/env/cloud-init-standin.js';
import { renderInstanceGroupUserData } from '../../../src/sandbox/kops/user-data.js';
import { labPrerequisites, startLab, type Lab } from '../../../src/sandbox/lab/index.js';

const spec = reclaimSpecFor(parseConfig(EXAMPLE_CONFIG, 'example'));

describe('the cloud-init stand-in on a lab node', { timeout: 600_000 }, async () => {
  const missing = await labPrerequisites();
  let lab: Lab | undefined;
  const node = (argv: string[]) => lab!.node.exec(argv, { timeoutMs: 60_000 });

  before(async () => {
    if (missing.length === 0) lab = await startLab({ io: new RecordingIoHost() });
  });
  after(async () => {
    await lab?.destroy();
  });

  test(
    'GIVEN a fresh node and the control-plane group user data WHEN the stand-in applies it THEN the reclaim unit is installed, enabled and was started',
    { skip: missing.length > 0 ? `needs ${missing.join(', ')}` : false },
    async () => {
      assert.notEqual((await node(['systemctl', 'is-enabled', RECLAIM_UNIT_NAME])).stdout.trim(), 'enabled');
      const userData = renderInstanceGroupUserData(spec.clusterName, 'control-plane-us-east-1a', [
        reclaimAdditionalUserData(spec),
      ]);

      const result = await applyCloudInit(lab!.node, cloudInitPlan(userData));

      assert.deepEqual(
        result.ran.map((r) => [r.script, r.code]),
        [
          ['nodeup.sh', 0],
          ['runcmd', 0],
          ['runcmd', 0],
          ['runcmd', 0],
        ],
      );
      assert.equal((await node(['cat', RECLAIM_PATHS.script])).stdout, renderReclaimScript(spec));
      assert.equal((await node(['cat', RECLAIM_PATHS.unit])).stdout, renderReclaimUnit(spec));
      assert.equal((await node(['stat', '-c', '%a %U', RECLAIM_PATHS.script])).stdout.trim(), '755 root');
      assert.equal((await node(['systemctl', 'is-enabled', RECLAIM_UNIT_NAME])).stdout.trim(), 'enabled');
      const invocation = await node(['systemctl', 'show', '-p', 'InvocationID', '--value', RECLAIM_UNIT_NAME]);
      assert.notEqual(invocation.stdout.trim(), '', 'runcmd started the unit once');
    },
  );
});
