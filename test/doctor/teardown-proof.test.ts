// The teardown proof (test/support/teardown-proof.ts) on a real run against the AWS emulator: it
// finds every kind of object solokube makes, tells kops' objects and other clusters' apart, and
// proves today's `down` leaves nothing of ours. The CLI runs as a subprocess; objects a test adds
// itself (another cluster's address, app repositories) are made through the real SDK.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AllocateAddressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CLUSTER, CONFIG_YAML, REGION, startLab, TEST_CREDENTIALS } from '../aws/harness.js';
import type { Lab } from '../aws/harness.js';
import { ownedObjects, solokubeLeftovers } from '../support/teardown-proof.js';
import type { OwnedObject } from '../support/teardown-proof.js';

const kinds = (objects: OwnedObject[], owner: OwnedObject['owner']) =>
  [...new Set(objects.filter((o) => o.owner === owner).map((o) => o.kind))].sort();

async function makeRepository(lab: Lab, cluster: string, app: string): Promise<void> {
  const ecr = new ECRClient({ region: REGION, endpoint: lab.emu.endpoint, credentials: TEST_CREDENTIALS });
  try {
    // The name and tags src/apps gives an app's repository when it pushes.
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: `${cluster}/${app}`,
        tags: [
          { Key: 'solokube.io/cluster', Value: cluster },
          { Key: 'solokube.io/role', Value: 'app-image-repository' },
        ],
      }),
    );
  } finally {
    ecr.destroy();
  }
}

describe('teardown proof: the secondary-IP path, made and cleaned up', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => lab?.close());

  test(
    "GIVEN setup, dns sync, an app repository and another cluster's objects WHEN the proof " +
      'reads the emulator THEN it lists each kind of ours and nothing of theirs',
    async () => {
      assert.equal((await lab.cli(['secondary-ip', 'setup', '--yes'])).code, 0);
      assert.equal((await lab.cli(['dns', 'sync', '--yes'])).code, 0);
      await makeRepository(lab, CLUSTER, 'hello');
      await makeRepository(lab, 'other.example.com', 'hello');
      const ec2 = new EC2Client({ region: REGION, endpoint: lab.emu.endpoint, credentials: TEST_CREDENTIALS });
      try {
        await ec2.send(
          new AllocateAddressCommand({
            Domain: 'vpc',
            TagSpecifications: [
              { ResourceType: 'elastic-ip', Tags: [{ Key: 'solokube.io/cluster', Value: 'other.example.com' }] },
            ],
          }),
        );
      } finally {
        ec2.destroy();
      }
      const owned = ownedObjects(lab.emu.state(), CLUSTER);
      assert.deepEqual(kinds(owned, 'solokube'), [
        'elastic-ip',
        'ownership-record',
        'record',
        'repository',
        'secondary-ip',
        'security-group',
      ]);
      assert.ok(kinds(owned, 'kops').length > 0, "kops' instance, network and groups are found as kops'");
      assert.ok(
        owned.every((o) => !o.id.includes('other.example.com')),
        `another cluster's objects are not ours: ${JSON.stringify(owned.filter((o) => o.id.includes('other')))}`,
      );
      assert.equal(owned.filter((o) => o.kind === 'elastic-ip').length, 1);
      assert.deepEqual(
        owned
          .filter((o) => o.kind === 'record')
          .map((o) => o.id.split(' ')[1])
          .sort(),
        ['*.apps.example.com.', 'hello.apps.example.com.'],
      );
    },
  );

  test('GIVEN cleanup ran WHEN the proof reads the emulator THEN only what cleanup does not own is left: the app repository', async () => {
    const eip = ownedObjects(lab.emu.state(), CLUSTER)
      .find((o) => o.kind === 'elastic-ip')!
      .id.split(' ')[2]!;
    assert.equal((await lab.cli(['secondary-ip', 'cleanup', '--yes'])).code, 0);
    const left = solokubeLeftovers(lab.emu.state(), CLUSTER, [eip]);
    assert.deepEqual(
      left.map((o) => o.kind),
      ['repository'],
      JSON.stringify(left),
    );
  });
});

describe("teardown proof of today's down", () => {
  let lab: Lab;
  before(async () => {
    // Without the secondary path `up` and `down` need no node: the AWS side alone (app names on the
    // instance's own address, with their ownership records).
    lab = await startLab({ config: `${CONFIG_YAML}secondaryIp: false\n` });
  });
  after(async () => lab?.close());

  test("GIVEN up made records of ours WHEN down runs THEN the emulator holds nothing of ours and kops' objects stay", async () => {
    const up = await lab.cli(['up', '--yes', '--output', 'json']);
    assert.equal(up.code, 0, up.stderr);
    const made = solokubeLeftovers(lab.emu.state(), CLUSTER);
    assert.ok(
      made.some((o) => o.kind === 'record') && made.some((o) => o.kind === 'ownership-record'),
      `up made records and their ownership records: ${JSON.stringify(made)}`,
    );
    const kopsBefore = ownedObjects(lab.emu.state(), CLUSTER).filter((o) => o.owner === 'kops');

    const down = await lab.cli(['down', '--yes', '--output', 'json']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(solokubeLeftovers(lab.emu.state(), CLUSTER), []);
    assert.deepEqual(
      ownedObjects(lab.emu.state(), CLUSTER).filter((o) => o.owner === 'kops'),
      kopsBefore,
      "down never touches kops' objects",
    );
  });

  test('GIVEN an app repository of ours WHEN down runs THEN it is removed too', async () => {
    await makeRepository(lab, CLUSTER, 'hello');
    const down = await lab.cli(['down', '--yes', '--output', 'json']);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(solokubeLeftovers(lab.emu.state(), CLUSTER), []);
  });
});
