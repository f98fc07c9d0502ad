// Regions are separate (state from the SigV4 scope), and what kops reads about them: DescribeRegions,
// DescribeAvailabilityZones, DescribeImages; key pairs with EC2's fingerprints.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  AllocateAddressCommand,
  DeleteKeyPairCommand,
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeKeyPairsCommand,
  DescribeRegionsCommand,
  EC2Client,
  ImportKeyPairCommand,
} from '@aws-sdk/client-ec2';
import { clientConfig, harness, rejection } from './harness.js';

function ed25519Line(): { line: string; blob: Buffer } {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(Buffer.from(jwk.x!, 'base64url'))]);
  return { line: `ssh-ed25519 ${blob.toString('base64')} test@solokube`, blob };
}

describe('AWS emulator: regions, zones, images, key pairs', () => {
  test(
    'GIVEN an address in us-east-1 WHEN a client signed for eu-west-1 looks THEN it sees none, ' +
      'allocates its own from the same pool without reusing the address, and each region keeps ' +
      'its own quota',
    async (t) => {
      const { ec2, emu } = await harness(t);
      const west = new EC2Client({ ...clientConfig(emu.endpoint), region: 'eu-west-1' });
      t.after(() => west.destroy());
      const east = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      assert.deepEqual((await west.send(new DescribeAddressesCommand({}))).Addresses, []);
      const mine = await west.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      assert.notEqual(mine.PublicIp, east.PublicIp);
      assert.deepEqual(
        (await west.send(new DescribeAddressesCommand({}))).Addresses!.map((a) => a.PublicIp),
        [mine.PublicIp],
      );
      assert.ok(
        !(await ec2.send(new DescribeAddressesCommand({}))).Addresses!.some((a) => a.PublicIp === mine.PublicIp),
      );
      for (let i = 0; i < 4; i++) await west.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      assert.equal(
        (await rejection(west.send(new AllocateAddressCommand({ Domain: 'vpc' })))).name,
        'AddressLimitExceeded',
      );
      await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      assert.equal(Object.keys(emu.state().regions!['eu-west-1']!.addresses).length, 5);
    },
  );

  test(
    'GIVEN a client in eu-west-1 WHEN DescribeRegions and DescribeAvailabilityZones THEN ' +
      'eu-west-1 is listed with zones a-c available; an unknown zone is refused',
    async (t) => {
      const { emu } = await harness(t);
      const west = new EC2Client({ ...clientConfig(emu.endpoint), region: 'eu-west-1' });
      t.after(() => west.destroy());
      const regions = await west.send(new DescribeRegionsCommand({}));
      assert.ok(regions.Regions!.some((r) => r.RegionName === 'eu-west-1'));
      const zones = await west.send(new DescribeAvailabilityZonesCommand({}));
      assert.deepEqual(
        zones.AvailabilityZones!.map((z) => [z.ZoneName, z.State]),
        [
          ['eu-west-1a', 'available'],
          ['eu-west-1b', 'available'],
          ['eu-west-1c', 'available'],
        ],
      );
      assert.equal(
        (await rejection(west.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['eu-west-1z'] })))).name,
        'InvalidParameterValue',
      );
    },
  );

  test(
    'GIVEN the image catalogue WHEN DescribeImages by owner alias and name pattern THEN the ' +
      'Debian amd64 image comes back; an unknown id is InvalidAMIID.NotFound',
    async (t) => {
      const { ec2 } = await harness(t);
      const out = await ec2.send(
        new DescribeImagesCommand({ Owners: ['debian'], Filters: [{ Name: 'name', Values: ['debian-12-amd64-*'] }] }),
      );
      assert.deepEqual(
        out.Images!.map((i) => [i.Architecture, i.OwnerId]),
        [['x86_64', '136693071363']],
      );
      assert.equal(
        (await rejection(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-00000000000000000'] })))).name,
        'InvalidAMIID.NotFound',
      );
    },
  );

  test(
    'GIVEN an ed25519 public key WHEN imported, imported again, described and deleted THEN the ' +
      'fingerprint is its SHA-256, the duplicate is refused, and it is gone after delete',
    async (t) => {
      const { ec2 } = await harness(t);
      const { line, blob } = ed25519Line();
      const made = await ec2.send(
        new ImportKeyPairCommand({
          KeyName: 'kubernetes.c1',
          PublicKeyMaterial: Buffer.from(line),
          TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'Name', Value: 'c1' }] }],
        }),
      );
      assert.equal(made.KeyFingerprint, createHash('sha256').update(blob).digest('base64'));
      assert.equal(
        (
          await rejection(
            ec2.send(new ImportKeyPairCommand({ KeyName: 'kubernetes.c1', PublicKeyMaterial: Buffer.from(line) })),
          )
        ).name,
        'InvalidKeyPair.Duplicate',
      );
      const seen = await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['kubernetes.c1'] }));
      assert.deepEqual(
        seen.KeyPairs!.map((k) => [k.KeyPairId, k.KeyType, k.Tags?.[0]?.Value]),
        [[made.KeyPairId, 'ed25519', 'c1']],
      );
      await ec2.send(new DeleteKeyPairCommand({ KeyPairId: made.KeyPairId }));
      assert.equal(
        (await rejection(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['kubernetes.c1'] })))).name,
        'InvalidKeyPair.NotFound',
      );
      assert.equal(
        (
          await rejection(
            ec2.send(new ImportKeyPairCommand({ KeyName: 'bad', PublicKeyMaterial: Buffer.from('ssh-ed25519 AAAA') })),
          )
        ).name,
        'InvalidKey.Format',
      );
    },
  );
});
