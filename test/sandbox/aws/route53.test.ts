// Route 53 semantics of the emulator through the real client (note §2.3, §4.5).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  waitUntilResourceRecordSetsChanged,
  type Change,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { CLUSTER, harness, rejection, ZONE } from './harness.js';

const a = (action: 'CREATE' | 'UPSERT' | 'DELETE', name: string, values: string[], ttl = 60): Change => ({
  Action: action,
  ResourceRecordSet: { Name: name, Type: 'A', TTL: ttl, ResourceRecords: values.map((Value) => ({ Value })) },
});

async function zoneId(r53: Route53Client): Promise<string> {
  const z = await r53.send(new ListHostedZonesByNameCommand({ DNSName: ZONE, MaxItems: 1 }));
  assert.equal(z.HostedZones![0]!.Name, `${ZONE}.`);
  return z.HostedZones![0]!.Id!;
}

async function records(r53: Route53Client, id: string) {
  return (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id }))).ResourceRecordSets!.map(
    (r) =>
      `${r.Name} ${r.Type} ${r.TTL ?? ''} ${(r.ResourceRecords ?? [])
        .map((v) => v.Value)
        .sort()
        .join(',')}`,
  );
}

describe('AWS emulator: Route 53', () => {
  test('GIVEN the kops zone WHEN listing THEN the apex SOA/NS and the api record pointing at the public IP are there', async (t) => {
    const { r53 } = await harness(t);
    const id = await zoneId(r53);
    assert.match(id, /^\/hostedzone\/Z/);
    const list = await records(r53, id);
    assert.ok(list.includes(`api.${CLUSTER}. A 60 198.19.1.10`));
    assert.ok(list.some((r) => r.startsWith(`${ZONE}. SOA`)));
    assert.ok(list.some((r) => r.startsWith(`${ZONE}. NS`)));
  });

  test('GIVEN a batch with one bad change WHEN submitting THEN InvalidChangeBatch lists every problem and the zone is untouched', async (t) => {
    const { r53 } = await harness(t);
    const id = await zoneId(r53);
    const before = await records(r53, id);
    const err = await rejection(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: id,
          ChangeBatch: {
            Changes: [
              a('CREATE', `good.${ZONE}`, ['198.19.1.2']),
              a('CREATE', `api.${CLUSTER}`, ['198.19.1.3']),
              a('DELETE', `missing.${ZONE}`, ['198.19.1.4']),
              a('CREATE', 'outside.example.org', ['198.19.1.5']),
            ],
          },
        }),
      ),
    );
    assert.equal(err.name, 'InvalidChangeBatch');
    assert.equal(err.$metadata?.httpStatusCode, 400);
    assert.match(err.message, /^\[.*already exists.*not found.*not permitted in zone.*\]$/);
    assert.deepEqual(await records(r53, id), before);
  });

  test('GIVEN an existing record WHEN deleting with different values or TTL THEN refused; with the exact set (any value order) THEN deleted', async (t) => {
    const { r53 } = await harness(t);
    const id = await zoneId(r53);
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Changes: [a('UPSERT', `x.${ZONE}`, ['198.19.1.2', '198.19.1.3'])] },
      }),
    );
    const wrongValues = await rejection(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: id,
          ChangeBatch: { Changes: [a('DELETE', `x.${ZONE}`, ['198.19.1.2'])] },
        }),
      ),
    );
    assert.equal(wrongValues.name, 'InvalidChangeBatch');
    assert.match(wrongValues.message, /values provided do not match/);
    const wrongTtl = await rejection(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: id,
          ChangeBatch: { Changes: [a('DELETE', `x.${ZONE}`, ['198.19.1.3', '198.19.1.2'], 300)] },
        }),
      ),
    );
    assert.equal(wrongTtl.name, 'InvalidChangeBatch');
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Changes: [a('DELETE', `X.${ZONE.toUpperCase()}.`, ['198.19.1.3', '198.19.1.2'])] },
      }),
    );
    assert.ok(!(await records(r53, id)).some((r) => r.startsWith(`x.${ZONE}.`)));
  });

  test('GIVEN a wildcard written as * WHEN listing THEN it comes back as \\052, and \\052 input addresses the same set', async (t) => {
    const { r53 } = await harness(t);
    const id = await zoneId(r53);
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Changes: [a('CREATE', `*.apps.${ZONE}`, ['198.19.1.2'])] },
      }),
    );
    const listed = await r53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: id,
        StartRecordName: `*.apps.${ZONE}`,
        StartRecordType: 'A',
        MaxItems: 1,
      }),
    );
    assert.equal(listed.ResourceRecordSets![0]!.Name, `\\052.apps.${ZONE}.`);
    assert.equal(listed.IsTruncated, true);
    const dup = await rejection(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: id,
          ChangeBatch: { Changes: [a('CREATE', `\\052.apps.${ZONE}.`, ['198.19.1.2'])] },
        }),
      ),
    );
    assert.equal(dup.name, 'InvalidChangeBatch');
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Changes: [a('DELETE', `\\052.apps.${ZONE}`, ['198.19.1.2'])] },
      }),
    );
  });

  test('GIVEN DELETE then CREATE of one set in a batch WHEN submitting THEN it applies in order; deleting it twice fails', async (t) => {
    const { r53 } = await harness(t);
    const id = await zoneId(r53);
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: {
          Changes: [a('DELETE', `api.${CLUSTER}`, ['198.19.1.10']), a('CREATE', `api.${CLUSTER}`, ['198.19.1.11'])],
        },
      }),
    );
    assert.ok((await records(r53, id)).includes(`api.${CLUSTER}. A 60 198.19.1.11`));
    const twice = await rejection(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: id,
          ChangeBatch: {
            Changes: [a('DELETE', `api.${CLUSTER}`, ['198.19.1.11']), a('DELETE', `api.${CLUSTER}`, ['198.19.1.11'])],
          },
        }),
      ),
    );
    assert.equal(twice.name, 'InvalidChangeBatch');
  });

  test('GIVEN changeSyncPolls=2 WHEN polling GetChange THEN PENDING twice then INSYNC, and the SDK waiter finishes', async (t) => {
    const { r53 } = await harness(t, { changeSyncPolls: 2 });
    const id = await zoneId(r53);
    const c = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Comment: 'apps', Changes: [a('UPSERT', `y.${ZONE}`, ['198.19.1.2'])] },
      }),
    );
    assert.equal(c.ChangeInfo!.Status, 'PENDING');
    assert.match(c.ChangeInfo!.Id!, /^\/change\/C/);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await r53.send(new GetChangeCommand({ Id: c.ChangeInfo!.Id }))).ChangeInfo!.Status);
    assert.deepEqual(statuses, ['PENDING', 'PENDING', 'INSYNC']);
    const c2 = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Changes: [a('UPSERT', `y.${ZONE}`, ['198.19.1.3'])] },
      }),
    );
    const waited = await waitUntilResourceRecordSetsChanged(
      { client: r53, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 },
      { Id: c2.ChangeInfo!.Id },
    );
    assert.equal(waited.state, 'SUCCESS');
    assert.equal((await rejection(r53.send(new GetChangeCommand({ Id: 'CNOSUCHCHANGE' })))).name, 'NoSuchChange');
  });

  test(
    'GIVEN several zones WHEN ListHostedZonesByName THEN it starts at the first zone >= the ' +
      'name (not an exact match); unknown zone ids are NoSuchHostedZone',
    async (t) => {
      const { r53, emu } = await harness(t);
      emu.seed({ hostedZones: [{ name: 'a.example.net' }, { name: 'example.org' }] });
      const all = await r53.send(new ListHostedZonesByNameCommand({}));
      assert.deepEqual(
        all.HostedZones!.map((z) => z.Name),
        ['example.com.', 'a.example.net.', 'example.org.'],
      );
      const from = await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'example.net', MaxItems: 1 }));
      assert.deepEqual(
        from.HostedZones!.map((z) => z.Name),
        ['a.example.net.'],
      );
      assert.equal(from.IsTruncated, true);
      assert.equal(from.NextDNSName, 'example.org.');
      const err = await rejection(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZDOESNOTEXIST' })));
      assert.equal(err.name, 'NoSuchHostedZone');
      assert.equal(err.$metadata?.httpStatusCode, 404);
    },
  );

  test('GIVEN a CNAME WHEN another type exists at that name, or at the apex THEN refused; non-alias sets need TTL and values', async (t) => {
    const { r53 } = await harness(t);
    const id = await zoneId(r53);
    const cname = (name: string): Change => ({
      Action: 'CREATE',
      ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'target.example.org' }] },
    });
    assert.equal(
      (
        await rejection(
          r53.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: id,
              ChangeBatch: { Changes: [cname(`api.${CLUSTER}`)] },
            }),
          ),
        )
      ).name,
      'InvalidChangeBatch',
    );
    assert.equal(
      (
        await rejection(
          r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [cname(ZONE)] } })),
        )
      ).name,
      'InvalidChangeBatch',
    );
    const noTtl: Change = {
      Action: 'CREATE',
      ResourceRecordSet: { Name: `z.${ZONE}`, Type: 'A', ResourceRecords: [{ Value: '198.19.1.2' }] },
    };
    assert.equal(
      (
        await rejection(
          r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [noTtl] } })),
        )
      ).name,
      'InvalidChangeBatch',
    );
    assert.equal(
      (
        await rejection(
          r53.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: id,
              ChangeBatch: { Changes: [a('CREATE', `z.${ZONE}`, ['not-an-ip'])] },
            }),
          ),
        )
      ).name,
      'InvalidChangeBatch',
    );
    const txt: Change = {
      Action: 'UPSERT',
      ResourceRecordSet: { Name: `t.${ZONE}`, Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"a <b> & \'c\'"' }] },
    };
    await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: [txt] } }));
    assert.ok((await records(r53, id)).includes(`t.${ZONE}. TXT 60 "a <b> & 'c'"`));
  });
});
