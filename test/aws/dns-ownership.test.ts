// DNS ownership: every app name solokube writes carries an ownership record beside it; names that
// someone else made are refused (unless --take-over-dns), names we own are removed even when they
// left the configuration, and no record we own points at an address after it was released. A
// foreign value in a record of ours is never removed.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import {
  APPS,
  CLUSTER,
  CONFIG_YAML,
  REGION,
  TEST_CREDENTIALS,
  ZONE,
  addressesOf,
  mutatingCalls,
  operations,
  startLab,
} from './harness.js';
import type { Lab } from './harness.js';
import { withLibraryLab } from './harness.js';
import { awsResources } from '../../src/aws/resources/index.js';
import { SolokubeError } from '../../src/core/errors.js';
import { planConverge } from '../../src/core/plan.js';
import { planAndApply } from '../../src/core/run.js';
import type { EmulatorStateView } from '../../src/sandbox/aws/model.js';

const zoneOf = (s: EmulatorStateView) => Object.values(s.hostedZones).find((z) => z.name === `${ZONE}.`)!;
const aRecord = (s: EmulatorStateView, name: string) =>
  zoneOf(s).records.find((r) => r.name === `${name}.` && r.type === 'A');
/** Names whose ownership record says they are this cluster's. */
const ownershipRecords = (s: EmulatorStateView, cluster = CLUSTER) =>
  zoneOf(s).records.filter(
    (r) =>
      r.type === 'TXT' &&
      r.values.some((v) => v.includes('heritage=solokube') && v.includes(`solokube/cluster=${cluster}`)),
  );
const FOREIGN = '198.51.100.77';
interface Check {
  id: string;
  status: string;
  remedy?: string;
}

async function setUp(lab: Lab, extra: string[] = []): Promise<string> {
  const setup = await lab.cli(['secondary-ip', 'setup', '--yes']);
  assert.equal(setup.code, 0, setup.stderr);
  const sync = await lab.cli(['dns', 'sync', '--yes', ...extra]);
  assert.equal(sync.code, 0, sync.stderr);
  return addressesOf(lab.emu.state())[0]!.publicIp;
}

describe('DNS ownership', () => {
  test('GIVEN dns sync ran WHEN the zone is read THEN each app name has an ownership record of this cluster', async () => {
    const lab = await startLab();
    try {
      await setUp(lab);
      assert.equal(ownershipRecords(lab.emu.state()).length, 2, 'one for the wildcard, one for hello');
    } finally {
      await lab.close();
    }
  });

  test(
    "GIVEN someone else's A record at an app name WHEN dns sync runs THEN it refuses with a " +
      'typed error and changes nothing; with --take-over-dns it takes the name over',
    async () => {
      const lab = await startLab({
        seed: { records: [{ zone: ZONE, name: `hello.${APPS}`, type: 'A', ttl: 300, values: [FOREIGN] }] },
      });
      try {
        assert.equal((await lab.cli(['secondary-ip', 'setup', '--yes'])).code, 0);
        lab.emu.resetCalls();
        const refused = await lab.cli(['dns', 'sync', '--yes', '--output', 'json']);
        assert.equal(refused.code, 1, refused.stdout);
        const err = refused.json().error!;
        assert.equal(err.code, 'aws.dns-foreign-record');
        assert.match(err.message, new RegExp(`hello\\.${APPS.replace(/\./g, '\\.')}`));
        assert.match(err.remedy ?? '', /--take-over-dns/);
        assert.deepEqual(mutatingCalls(lab.emu), []);
        assert.deepEqual(aRecord(lab.emu.state(), `hello.${APPS}`)?.values, [FOREIGN]);
        const doctorCheck = async () => {
          const d = await lab.cli(['doctor', '--hops', 'aws', '--output', 'json']);
          const out = JSON.parse(d.stdout) as {
            result?: { checks: Check[] };
            error?: { details: { checks: Check[] } };
          };
          return (out.result?.checks ?? out.error!.details.checks).find((c) => c.id === 'dns-ownership');
        };
        const before = await doctorCheck();
        assert.equal(before?.status, 'fail');
        assert.match(before?.remedy ?? '', /--take-over-dns/);

        const taken = await lab.cli(['dns', 'sync', '--yes', '--take-over-dns']);
        assert.equal(taken.code, 0, taken.stderr);
        const eip = addressesOf(lab.emu.state())[0]!.publicIp;
        assert.deepEqual(aRecord(lab.emu.state(), `hello.${APPS}`)?.values, [eip]);
        assert.equal(ownershipRecords(lab.emu.state()).length, 2);
        assert.equal((await doctorCheck())?.status, 'pass');
      } finally {
        await lab.close();
      }
    },
  );

  test('GIVEN an app name owned by another cluster WHEN dns sync runs THEN it is refused as foreign', async () => {
    const lab = await startLab();
    try {
      await setUp(lab);
      // Another solokube cluster wrote this name first: its ownership record says so.
      const s = lab.emu.state();
      const hello = ownershipRecords(s).find((r) => r.name.includes('hello'))!;
      lab.emu.seed({
        records: [
          {
            zone: ZONE,
            name: hello.name.replace('hello', 'shop'),
            type: 'TXT',
            ttl: 300,
            values: ['"heritage=solokube,solokube/cluster=other.example.com"'],
          },
          { zone: ZONE, name: `shop.${APPS}`, type: 'A', ttl: 300, values: [FOREIGN] },
        ],
      });
      await writeFile(lab.configPath, `${CONFIG_YAML}  - name: shop\n    port: 8081\n`);
      lab.emu.resetCalls();
      const run = await lab.cli(['dns', 'sync', '--yes', '--output', 'json']);
      assert.equal(run.code, 1, run.stdout);
      assert.equal(run.json().error?.code, 'aws.dns-foreign-record');
      assert.match(run.json().error?.message ?? '', /other\.example\.com/);
      assert.deepEqual(mutatingCalls(lab.emu), []);
    } finally {
      await lab.close();
    }
  });

  for (const host of [`api.${CLUSTER}`, `api.internal.${CLUSTER}`, ZONE]) {
    test(
      `GIVEN an app host ${host} (kops' own name or the apex) WHEN dns sync runs even with ` +
        `--take-over-dns THEN it refuses and changes nothing`,
      async () => {
        const lab = await startLab();
        try {
          assert.equal((await lab.cli(['secondary-ip', 'setup', '--yes'])).code, 0);
          await writeFile(lab.configPath, `${CONFIG_YAML}  - name: clash\n    port: 8082\n    host: ${host}\n`);
          const before = zoneOf(lab.emu.state()).records;
          lab.emu.resetCalls();
          const run = await lab.cli(['dns', 'sync', '--yes', '--take-over-dns', '--output', 'json']);
          assert.notEqual(run.code, 0, run.stdout);
          assert.match(
            run.json().error?.code ?? '',
            /^(aws\.dns-kops-name|config\.invalid)$/,
            'refused by the DNS step, or earlier by validation',
          );
          assert.deepEqual(mutatingCalls(lab.emu), []);
          assert.deepEqual(zoneOf(lab.emu.state()).records, before);
        } finally {
          await lab.close();
        }
      },
    );
  }

  test(
    'GIVEN a configuration that slipped past validation with the app host api.<cluster> WHEN ' +
      "the DNS step plans with take-over THEN it refuses kops' name itself",
    () =>
      withLibraryLab(async ({ clients, config, io, signal }) => {
        // Validation refuses this host today; the DNS step must not depend on that alone.
        const slipped = {
          ...config,
          apps: [...config.apps, { ...config.apps[0]!, name: 'clash', host: `api.${CLUSTER}` }],
        };
        await planAndApply(awsResources(config, clients).secondaryIp, {
          io,
          signal,
          mode: 'converge',
          yes: true,
          dryRun: false,
        });
        const err = await planConverge(awsResources(slipped, clients, { takeOverDns: true }).dns, io, signal).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(err instanceof SolokubeError, String(err));
        assert.equal(err.code, 'aws.dns-kops-name');
      }),
  );

  test('GIVEN an app removed from the configuration WHEN dns sync runs THEN its name and ownership record are removed', async () => {
    const lab = await startLab();
    try {
      await setUp(lab);
      await writeFile(lab.configPath, CONFIG_YAML.replace('name: hello', 'name: web'));
      const sync = await lab.cli(['dns', 'sync', '--yes']);
      assert.equal(sync.code, 0, sync.stderr);
      const s = lab.emu.state();
      assert.equal(aRecord(s, `hello.${APPS}`), undefined, 'the removed app no longer points at our address');
      assert.ok(aRecord(s, `web.${APPS}`));
      assert.equal(ownershipRecords(s).length, 2);
      assert.ok(!ownershipRecords(s).some((r) => r.name.includes('hello')));
    } finally {
      await lab.close();
    }
  });

  test('GIVEN appsDomain changed after dns sync WHEN cleanup runs THEN the names under the old domain are removed before the address is released', async () => {
    const lab = await startLab();
    try {
      const eip = await setUp(lab);
      await writeFile(lab.configPath, CONFIG_YAML.replace(`appsDomain: ${APPS}`, 'appsDomain: shop.example.com'));
      lab.emu.resetCalls();
      const cleanup = await lab.cli(['secondary-ip', 'cleanup', '--yes']);
      assert.equal(cleanup.code, 0, cleanup.stderr);
      const s = lab.emu.state();
      const pointing = zoneOf(s).records.filter((r) => r.values.includes(eip));
      assert.deepEqual(pointing, [], 'no record points at the released address');
      assert.deepEqual(ownershipRecords(s), []);
      const ops = operations(lab.emu);
      assert.ok(
        ops.lastIndexOf('ChangeResourceRecordSets') < ops.indexOf('ReleaseAddress'),
        'records were removed before the release',
      );
    } finally {
      await lab.close();
    }
  });

  test('GIVEN someone added a value to a record of ours WHEN cleanup runs THEN only our value is removed and the foreign value stays', async () => {
    const lab = await startLab();
    try {
      const eip = await setUp(lab);
      const zone = zoneOf(lab.emu.state());
      // Someone made hello multi-valued: our address plus theirs.
      const r53 = new Route53Client({ region: REGION, endpoint: lab.emu.endpoint, credentials: TEST_CREDENTIALS });
      try {
        await r53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: zone.id,
            ChangeBatch: {
              Changes: [
                {
                  Action: 'UPSERT',
                  ResourceRecordSet: {
                    Name: `hello.${APPS}`,
                    Type: 'A',
                    TTL: 60,
                    ResourceRecords: [{ Value: eip }, { Value: FOREIGN }],
                  },
                },
              ],
            },
          }),
        );
      } finally {
        r53.destroy();
      }
      lab.emu.seed({ records: [{ zone: ZONE, name: `www.${ZONE}`, type: 'A', ttl: 300, values: [eip] }] });
      const cleanup = await lab.cli(['secondary-ip', 'cleanup', '--yes']);
      assert.equal(cleanup.code, 0, cleanup.stderr);
      const s = lab.emu.state();
      assert.deepEqual(aRecord(s, `hello.${APPS}`)?.values, [FOREIGN]);
      assert.equal(aRecord(s, `*.${APPS}`), undefined);
      assert.deepEqual(
        aRecord(s, `www.${ZONE}`)?.values,
        [eip],
        'a foreign record pointing at our address is not ours to delete',
      );
      assert.match(
        cleanup.stderr,
        new RegExp(`www\\.${ZONE.replace('.', '\\.')} points at ${eip.replace(/\./g, '\\.')}`),
        'but cleanup says it will dangle',
      );
      assert.deepEqual(
        zoneOf(s)
          .records.filter((r) => r.values.includes(eip))
          .map((r) => r.name),
        [`www.${ZONE}.`],
      );
      assert.deepEqual(ownershipRecords(s), []);
    } finally {
      await lab.close();
    }
  });
});
