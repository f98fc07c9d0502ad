// Seeds: kops' shape, add-only re-seeding, and invalid seeds changing nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kopsClusterSeed, startAwsEmulator } from '../../../src/sandbox/aws/index.js';

describe('AWS emulator: seeds', () => {
  test('GIVEN two kops clusters WHEN seeded into one emulator THEN their ids differ and each has its own VPC, groups and instance', async (t) => {
    const emu = await startAwsEmulator({ publicIpPool: '198.19.1.0/24' });
    t.after(() => emu.close());
    emu.seed(kopsClusterSeed({ clusterName: 'a.example.com', dnsZone: 'example.com' }));
    emu.seed(
      kopsClusterSeed({
        clusterName: 'b.example.com',
        dnsZone: 'example.com',
        vpcCidr: '198.18.0.0/16',
        subnetCidr: '198.18.1.0/24',
        primaryPrivateIp: '198.18.1.10',
      }),
    );
    const s = emu.state();
    assert.equal(Object.keys(s.vpcs).length, 2);
    assert.equal(Object.keys(s.instances).length, 2);
    assert.deepEqual(
      Object.values(s.securityGroups)
        .map((g) => g.groupName)
        .sort(),
      ['masters.a.example.com', 'masters.b.example.com', 'nodes.a.example.com', 'nodes.b.example.com'],
    );
    // One zone, shared; both api records present, each pointing at its own instance's public IP.
    const zone = Object.values(s.hostedZones)[0]!;
    assert.equal(Object.keys(s.hostedZones).length, 1);
    const api = zone.records
      .filter((r) => r.name.startsWith('api.') && !r.name.includes('internal'))
      .map((r) => r.values[0])
      .sort();
    const publicIps = Object.values(s.networkInterfaces)
      .map((e) => e.autoPublicIp)
      .sort();
    assert.deepEqual(api, publicIps);
  });

  test('GIVEN an invalid seed WHEN seeding THEN it throws and nothing at all was added', async (t) => {
    const emu = await startAwsEmulator();
    t.after(() => emu.close());
    const before = emu.state();
    assert.throws(() =>
      emu.seed({
        vpcs: [{ vpcId: 'vpc-1', cidrBlock: '10.0.0.0/16' }],
        subnets: [{ vpcId: 'vpc-missing', cidrBlock: '10.0.0.0/24' }],
      }),
    );
    assert.deepEqual(emu.state(), before);
    assert.throws(() => kopsClusterSeed({ clusterName: 'dev.other.org', dnsZone: 'example.com' }));
  });
});
