// The AWS SDK loads on the first send (src/aws/lazy-sdk.ts): the commands the resources name are
// records until then, and the clients are made on first use. Real SDK over HTTP to the emulator.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ec2Sdk from '@aws-sdk/client-ec2';
import { SolokubeError } from '../../src/core/errors.js';
import { LazyCommand, lazySdkClient, type SdkClientLike } from '../../src/aws/lazy-sdk.js';
import { AllocateAddressCommand, DescribeAddressesCommand } from '../../src/aws/sdk/ec2.js';
import { REGION, TEST_CREDENTIALS, withLibraryLab } from './harness.js';

describe('the AWS SDK loads on the first send', () => {
  test('GIVEN a command from src/aws/sdk WHEN it is made THEN it only records its input, and becomes the SDK command of that name', async () => {
    const input = { AllocationIds: ['eipalloc-1'] };
    const lazy = new DescribeAddressesCommand(input);
    assert.ok(lazy instanceof LazyCommand);
    assert.equal(lazy.commandName, 'DescribeAddressesCommand');
    const real = await lazy.toSdkCommand();
    assert.ok(real instanceof ec2Sdk.DescribeAddressesCommand, 'the SDK class of the same name');
    assert.deepEqual(real.input, input);
  });

  test('GIVEN AwsClients WHEN a recorded command and an SDK command are sent THEN both reach AWS and answer', () =>
    withLibraryLab(async ({ lab, clients, signal }) => {
      const made = await clients.call('ec2:AllocateAddress', signal, (o) =>
        clients.ec2Once.send(new AllocateAddressCommand({ Domain: 'vpc' }), o),
      );
      assert.match(made.AllocationId ?? '', /^eipalloc-/);
      const seen = await clients.call('ec2:DescribeAddresses', signal, (o) =>
        clients.ec2.send(new ec2Sdk.DescribeAddressesCommand({ AllocationIds: [made.AllocationId ?? ''] }), o),
      );
      assert.deepEqual(
        seen.Addresses?.map((a) => a.PublicIp),
        [made.PublicIp],
      );
      assert.deepEqual(
        lab.emu.calls().map((c) => c.operation),
        ['AllocateAddress', 'DescribeAddresses'],
      );
    }));

  test("GIVEN an AWS error WHEN a recorded command's send fails THEN the caller gets the typed error as before", () =>
    withLibraryLab(async ({ clients, signal }) => {
      await assert.rejects(
        clients.call('ec2:DescribeAddresses', signal, (o) =>
          clients.ec2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-doesnotexist'] }), o),
        ),
        (err) =>
          err instanceof SolokubeError && /ec2:DescribeAddresses.*InvalidAllocationID\.NotFound/.test(err.message),
      );
    }));

  test('GIVEN a client never used WHEN it is destroyed THEN no SDK client was ever made', () => {
    let made = 0;
    const client = lazySdkClient(async () => {
      made++;
      return new ec2Sdk.EC2Client({ region: REGION, credentials: TEST_CREDENTIALS });
    });
    client.destroy();
    assert.equal(made, 0);
  });

  test('GIVEN ready() WHEN commands are sent afterwards THEN the client made by ready() sends them', () =>
    withLibraryLab(async ({ lab, signal }) => {
      let made = 0;
      const client = lazySdkClient(async () => {
        made++;
        return new ec2Sdk.EC2Client({ region: REGION, credentials: TEST_CREDENTIALS, endpoint: lab.emu.endpoint });
      });
      try {
        await client.ready();
        assert.equal(made, 1, 'made by ready()');
        const out = await client.send(new DescribeAddressesCommand({}), { abortSignal: signal });
        assert.deepEqual(out.Addresses, []);
        assert.equal(made, 1, 'not made again by the send');
      } finally {
        client.destroy();
      }
    }));

  test('GIVEN sends at once on a fresh client THEN one SDK client is made for all of them, and destroyed with it', async () => {
    const made: SdkClientLike[] = [];
    let destroyed = 0;
    const client = lazySdkClient(async () => {
      const real = new ec2Sdk.EC2Client({
        region: REGION,
        credentials: TEST_CREDENTIALS,
        endpoint: 'http://127.0.0.1:9',
        maxAttempts: 1,
      });
      const counted: SdkClientLike = {
        send: (c: never, o) => real.send(c, o),
        destroy: () => {
          destroyed++;
          real.destroy();
        },
      };
      made.push(counted);
      return counted;
    });
    // Port 9 (discard) refuses on loopback: the sends fail, which is all this needs.
    const sends = [1, 2, 3].map(() => client.send(new DescribeAddressesCommand({})).catch(() => 'failed'));
    assert.deepEqual(await Promise.all(sends), ['failed', 'failed', 'failed']);
    assert.equal(made.length, 1);
    client.destroy();
    await new Promise((r) => setImmediate(r));
    assert.equal(destroyed, 1);
  });
});
