// When is a running cluster not solokube's to create or delete? When kops made it with a state store
// solokube cannot see. Against the emulator through the real SDK clients: no instance (ours to make),
// an instance with no state in the state store (made elsewhere: left alone), and an instance whose
// state is in the store (ours to manage).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { s3Of } from '../../src/aws/s3.js';
import { validateConfig } from '../../src/config/load.js';
import { clusterMadeElsewhere } from '../../src/kops/elsewhere.js';
import { kopsClusterSeed, startAwsEmulator, type AwsEmulator } from '../../src/sandbox/aws/index.js';

const REGION = 'eu-west-1';
const config = validateConfig({ name: 'else.example.com', dnsZone: 'example.com', region: REGION }, 'test');
const signal = new AbortController().signal;

async function world(t: TestContext): Promise<{ emu: AwsEmulator; clients: AwsClients }> {
  const emu = await startAwsEmulator({ region: REGION });
  const clients = createAwsClients({
    region: REGION,
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'AKIDELSE', secretAccessKey: 'else-secret' },
    maxAttempts: 1,
  });
  t.after(async () => {
    clients.destroy();
    await emu.close();
  });
  return { emu, clients };
}

test('GIVEN no instance of the cluster WHEN asked THEN it is not made elsewhere (up may create it)', async (t) => {
  const { clients } = await world(t);
  assert.equal(await clusterMadeElsewhere(config, clients, signal), undefined);
});

test("GIVEN kops' instance runs and the state store holds nothing of it WHEN asked THEN it was made elsewhere, naming the bucket looked in", async (t) => {
  const { emu, clients } = await world(t);
  emu.seed(kopsClusterSeed({ clusterName: config.name, dnsZone: 'example.com', region: REGION }));
  const r = await clusterMadeElsewhere(config, clients, signal);
  assert.deepEqual(r, { bucket: 'solokube-state-123456789012-eu-west-1' });
});

test("GIVEN kops' instance runs and its config is in the state store WHEN asked THEN it is solokube's to manage", async (t) => {
  const { emu, clients } = await world(t);
  emu.seed(kopsClusterSeed({ clusterName: config.name, dnsZone: 'example.com', region: REGION }));
  const Bucket = 'solokube-state-123456789012-eu-west-1';
  await s3Of(clients).send(
    new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }),
  );
  await s3Of(clients).send(new PutObjectCommand({ Bucket, Key: `${config.name}/config`, Body: 'kind: Cluster' }));
  assert.equal(await clusterMadeElsewhere(config, clients, signal), undefined);
});
