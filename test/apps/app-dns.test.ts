// `apps delete` removes the app's own DNS name: its A record and the ownership TXT beside it, only
// when this cluster owns the name, never the apps' wildcard, never a host another configured app
// still serves; a second run finds nothing to do. Against the emulator through the real SDK.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { REGION, TEST_CREDENTIALS, ZONE, withLibraryLab } from '../aws/harness.js';
import type { LibraryLab } from '../aws/harness.js';
import { awsResources } from '../../src/aws/resources/index.js';
import { appDnsName } from '../../src/apps/app-dns.js';
import { planAndApply } from '../../src/core/run.js';
import type { Resource } from '../../src/core/resource.js';
import type { EmulatorStateView } from '../../src/sandbox/aws/model.js';

const zoneOf = (s: EmulatorStateView) => Object.values(s.hostedZones).find((z) => z.name === `${ZONE}.`)!;
const namesOf = (s: EmulatorStateView) =>
  zoneOf(s)
    .records.filter((r) => r.type === 'A' || r.type === 'TXT')
    .map((r) => `${r.type} ${r.name}`)
    .sort();

const run = (l: LibraryLab, resources: Resource[], mode: 'converge' | 'destroy') =>
  planAndApply(resources, { io: l.io, signal: l.signal, mode, yes: true, dryRun: false });

/** secondary-ip setup and dns sync, as `up` does, for a config with hello and one more app. */
async function upWithDns(l: LibraryLab, config: LibraryLab['config']) {
  await run(l, awsResources(config, l.clients).secondaryIp, 'converge');
  await run(l, awsResources(config, l.clients).dns, 'converge');
}

describe('apps delete: the app’s own DNS name', () => {
  test(
    'GIVEN two apps with names of this cluster WHEN one app is deleted THEN its A and ownership ' +
      'TXT go, the other app and the wildcard stay, and a rerun changes nothing',
    () =>
      withLibraryLab(async (l) => {
        const config = { ...l.config, apps: [...l.config.apps, { ...l.config.apps[0]!, name: 'blog' }] };
        await upWithDns(l, config);
        const before = namesOf(l.lab.emu.state());
        assert.ok(before.includes('A hello.apps.example.com.'), before.join('\n'));

        const first = await run(l, [appDnsName(config, l.clients, 'hello') as Resource], 'destroy');
        assert.equal(first.decision, 'apply');
        const after = namesOf(l.lab.emu.state());
        assert.deepEqual(
          before.filter((n) => !after.includes(n)),
          ['A hello.apps.example.com.', 'TXT _solokube.hello.apps.example.com.'],
        );
        assert.ok(after.includes('A blog.apps.example.com.'), 'the other app keeps its name');
        assert.ok(
          after.some((n) => /^A (\*|\\052)\.apps\.example\.com\.$/.test(n)),
          `the wildcard stays: ${after.join(', ')}`,
        );

        const again = await run(l, [appDnsName(config, l.clients, 'hello') as Resource], 'destroy');
        assert.equal(again.decision, 'nothing-to-do');
      }),
  );

  test('GIVEN the app’s name exists without our ownership record, or with another cluster’s WHEN the app is deleted THEN the record is left alone', () =>
    withLibraryLab(async (l) => {
      const r53 = new Route53Client({ region: REGION, endpoint: l.lab.emu.endpoint, credentials: TEST_CREDENTIALS });
      try {
        const zoneId = zoneOf(l.lab.emu.state()).id;
        const put = (name: string, type: 'A' | 'TXT', value: string) =>
          r53.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: zoneId,
              ChangeBatch: {
                Changes: [
                  {
                    Action: 'UPSERT',
                    ResourceRecordSet: { Name: name, Type: type, TTL: 60, ResourceRecords: [{ Value: value }] },
                  },
                ],
              },
            }),
          );
        await put('hello.apps.example.com', 'A', '198.51.100.7');
        await put('other.apps.example.com', 'A', '198.51.100.8');
        await put('_solokube.other.apps.example.com', 'TXT', '"heritage=solokube,solokube/cluster=c2.example.com"');
        const before = namesOf(l.lab.emu.state());
        const hello = await run(l, [appDnsName(l.config, l.clients, 'hello') as Resource], 'destroy');
        const other = await run(l, [appDnsName(l.config, l.clients, 'other') as Resource], 'destroy');
        assert.equal(hello.decision, 'nothing-to-do');
        assert.equal(other.decision, 'nothing-to-do');
        assert.deepEqual(namesOf(l.lab.emu.state()), before);
      } finally {
        r53.destroy();
      }
    }));

  test('GIVEN two apps that share one host WHEN one of them is deleted THEN the shared name stays', () =>
    withLibraryLab(async (l) => {
      const shared = 'www.apps.example.com';
      const config = {
        ...l.config,
        apps: [
          { ...l.config.apps[0]!, host: shared },
          { ...l.config.apps[0]!, name: 'blog', host: shared },
        ],
      };
      await upWithDns(l, config);
      const before = namesOf(l.lab.emu.state());
      assert.ok(before.includes(`A ${shared}.`));
      const r = await run(l, [appDnsName(config, l.clients, 'hello') as Resource], 'destroy');
      assert.equal(r.decision, 'nothing-to-do');
      assert.deepEqual(namesOf(l.lab.emu.state()), before);
    }));
});
