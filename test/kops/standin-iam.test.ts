// The stand-in does with IAM what kops does: every instance of the control-plane group has the
// masters.<c> role (its instance profile, on the launch template, so a replacement has it too) and
// the Cluster's spec.additionalPolicies for that role become the role's policy in the emulator; a
// spec without them leaves the role with none. The instance's IMDS hands out the role's credentials.
// The state store is written directly (the stand-in reads only those keys), so real kops is not needed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { reclaimAdditionalPolicies, reclaimSpecFor, renderReclaimPolicyStatements } from '../../src/reclaim/index.js';
import { startAwsEmulator, type AwsEmulator } from '../../src/sandbox/aws/index.js';
import { KopsStandIn } from '../../src/sandbox/kops/standin.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const REGION = 'eu-west-1';
const CREDS = { accessKeyId: 'AKIDIAM', secretAccessKey: 'iam-secret' };
const BUCKET = 'state-iam';
const CLUSTER = 'iam.example.com';
const IG = 'control-plane-eu-west-1a';
const ROLE = `masters.${CLUSTER}`;
const spec = reclaimSpecFor({ ...parseConfig(EXAMPLE_CONFIG, 'example'), name: CLUSTER, region: REGION });

describe('the stand-in gives the control plane kops IAM role and its additionalPolicies', () => {
  let emu: AwsEmulator;
  let s3: S3Client;
  let kops: KopsStandIn;
  const put = (key: string, doc: unknown) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: stringify(doc) }));
  const putCluster = (additionalPolicies?: Record<string, string>) =>
    put(`${CLUSTER}/config`, {
      apiVersion: 'kops.k8s.io/v1alpha2',
      kind: 'Cluster',
      metadata: { name: CLUSTER },
      spec: {
        dnsZone: 'example.com',
        subnets: [{ name: 'eu-west-1a', zone: 'eu-west-1a', type: 'Public' }],
        ...(additionalPolicies ? { additionalPolicies } : {}),
      },
    });
  const update = () =>
    kops.run('update', ['update', 'cluster', '--name', CLUSTER, '--yes'], {
      deadlineMs: 30_000,
      signal: AbortSignal.timeout(30_000),
    });
  const running = () =>
    Object.values(emu.state().instances).filter(
      (i) => i.state === 'running' && i.tags['KubernetesCluster'] === CLUSTER,
    );

  before(async () => {
    emu = await startAwsEmulator({ region: REGION, publicIpPool: '198.19.3.0/24' });
    s3 = new S3Client({ endpoint: emu.endpoint, region: REGION, credentials: CREDS, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await put(`${CLUSTER}/instancegroup/${IG}`, {
      apiVersion: 'kops.k8s.io/v1alpha2',
      kind: 'InstanceGroup',
      metadata: { name: IG, labels: { 'kops.k8s.io/cluster': CLUSTER } },
      spec: { role: 'Master', machineType: 't3.medium', subnets: ['eu-west-1a'], minSize: 1, maxSize: 1 },
    });
    kops = new KopsStandIn({
      real: { run: () => Promise.reject(new Error('real kops is not needed here')) },
      endpoint: emu.endpoint,
      region: REGION,
      credentials: CREDS,
      stateStore: `s3://${BUCKET}`,
    });
  });
  after(async () => {
    kops?.close();
    s3?.destroy();
    await emu?.close();
  });

  test(
    'GIVEN additionalPolicies.master (as kops writes it back) WHEN update --yes THEN the role ' +
      'holds those statements and the instance has the role, with credentials from its IMDS',
    async () => {
      await putCluster({ master: reclaimAdditionalPolicies(spec)['control-plane'] });
      await update();
      assert.deepEqual(emu.state().iamRoles?.[ROLE]?.statements, renderReclaimPolicyStatements(spec));
      const [instance] = running();
      assert.equal(instance?.iamRole, ROLE);
      const imds = await emu.serveImds(instance.instanceId);
      try {
        const token = await (
          await fetch(`${imds.endpoint}/latest/api/token`, {
            method: 'PUT',
            headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
          })
        ).text();
        const get = async (path: string) =>
          (
            await fetch(`${imds.endpoint}/latest/meta-data/${path}`, { headers: { 'x-aws-ec2-metadata-token': token } })
          ).text();
        assert.equal(await get('iam/security-credentials/'), ROLE);
        const creds = JSON.parse(await get(`iam/security-credentials/${ROLE}`)) as {
          Code: string;
          AccessKeyId: string;
        };
        assert.equal(creds.Code, 'Success');
        assert.match(creds.AccessKeyId, /^ASIA/);
      } finally {
        await imds.close();
      }
    },
  );

  test('GIVEN the role set WHEN the group replaces the instance THEN the fresh instance has the role too', async () => {
    const r = await kops.replaceControlPlaneInstance(CLUSTER);
    assert.equal(emu.state().instances[r.launched.instanceId]?.iamRole, ROLE);
  });

  test(
    'GIVEN the Cluster without additionalPolicies (secondary IP off) WHEN update --yes THEN ' +
      'the role is left with no statements; the workers role likewise',
    async () => {
      await putCluster();
      await update();
      assert.deepEqual(emu.state().iamRoles?.[ROLE]?.statements, []);
      assert.deepEqual(emu.state().iamRoles?.[`nodes.${CLUSTER}`]?.statements, []);
    },
  );
});
