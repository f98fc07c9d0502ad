// The emulator's IAM: the policy evaluator on its own, then requests signed with IMDS-issued
// credentials by the real SDK and by curl --aws-sigv4 (what the node runs), checked against the
// instance role's policy — the reclaim's own policy, rendered for the seeded cluster.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { parseConfig } from '../../src/config/load.js';
import { EXAMPLE_CONFIG } from '../../src/config/example.js';
import { reclaimSpecFor, renderReclaimPolicyStatements } from '../../src/reclaim/index.js';
import { evaluate, statementsOf, type PolicyStatement } from '../../src/sandbox/aws/iam/policy.js';
import { CLUSTER, clientConfig, harness } from '../sandbox/aws/harness.js';
import type { ImdsEndpoint } from '../../src/sandbox/aws/index.js';

const ROLE = `masters.${CLUSTER}`;
const config = { ...parseConfig(EXAMPLE_CONFIG, 'example'), name: CLUSTER, region: 'us-east-1' };
const reclaimPolicy = renderReclaimPolicyStatements(reclaimSpecFor(config));

interface Creds {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
}

function imdsGet(imds: ImdsEndpoint, method: string, path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${imds.endpoint}${path}`, { method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function roleSetup(t: TestContext, policy: unknown = reclaimPolicy, ttl?: number) {
  const h = await harness(t);
  h.emu.putRolePolicy(ROLE, policy);
  h.emu.setInstanceRole(h.instanceId, ROLE);
  const imds = await h.emu.serveImds(h.instanceId, ttl ? { credentialTtlSeconds: ttl } : {});
  const token = await imdsGet(imds, 'PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' });
  const creds = JSON.parse(
    await imdsGet(imds, 'GET', `/latest/meta-data/iam/security-credentials/${ROLE}`, {
      'X-aws-ec2-metadata-token': token,
    }),
  ) as Creds;
  const roleEc2 = new EC2Client({
    ...clientConfig(h.emu.endpoint),
    credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token },
  });
  const ours = await h.ec2.send(
    new AllocateAddressCommand({
      Domain: 'vpc',
      TagSpecifications: [
        {
          ResourceType: 'elastic-ip',
          Tags: [
            { Key: 'solokube.io/cluster', Value: CLUSTER },
            { Key: 'solokube.io/role', Value: 'apps-elastic-ip' },
          ],
        },
      ],
    }),
  );
  const foreign = await h.ec2.send(
    new AllocateAddressCommand({
      Domain: 'vpc',
      TagSpecifications: [
        {
          ResourceType: 'elastic-ip',
          Tags: [
            { Key: 'solokube.io/cluster', Value: 'other.example.com' },
            { Key: 'solokube.io/role', Value: 'apps-elastic-ip' },
          ],
        },
      ],
    }),
  );
  return { h, creds, roleEc2, ours: ours.AllocationId!, foreign: foreign.AllocationId! };
}

async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return (err as Error).name;
  }
}

/** One EC2 Query call the way the reclaim script makes it: curl --aws-sigv4, keys on stdin. */
async function curlEc2(
  endpoint: string,
  creds: Creds,
  body: string,
  opts: { secret?: string; token?: string | null } = {},
): Promise<string> {
  const token = opts.token === undefined ? creds.Token : opts.token;
  const tokenHeader = token === null ? '' : `header = "X-Amz-Security-Token: ${token}"\n`;
  const config = `user = "${creds.AccessKeyId}:${opts.secret ?? creds.SecretAccessKey}"\n${tokenHeader}`;
  const child = execFile('curl', [
    '-sS',
    '--max-time',
    '5',
    '-K',
    '-',
    '--aws-sigv4',
    'aws:amz:us-east-1:ec2',
    '-w',
    '\n%{http_code}',
    '--data',
    `${body}&Version=2016-11-15`,
    `${endpoint}/`,
  ]);
  child.stdin?.end(config);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve, reject) => {
    child.on('close', resolve);
    child.on('error', reject);
  });
  return out;
}

describe('emulator IAM policy evaluator', () => {
  const res = (arn: string, tags: Record<string, string> = {}) => ({ arn, tags });
  test("GIVEN wildcards, Deny and conditions THEN IAM's rules: explicit deny wins, implicit deny otherwise", () => {
    const s: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: 'arn:aws:ec2:*:*:network-interface/*',
        Condition: {
          StringEquals: { 'aws:ResourceTag/team': 'a' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['x', 'y'] },
        },
      },
      { Effect: 'Deny', Action: 'ec2:DescribeVpcs', Resource: '*' },
    ];
    const ctx = (action: string, r = res('*'), context: Record<string, string[]> = {}) =>
      evaluate(s, { action, resources: [r], context });
    assert.equal(ctx('EC2:describeaddresses').allowed, true);
    assert.deepEqual(ctx('ec2:DescribeVpcs'), { allowed: false, resource: '*', explicit: true });
    assert.deepEqual(ctx('ec2:AssociateAddress'), { allowed: false, resource: '*', explicit: false });
    const eni = res('arn:aws:ec2:us-east-1:1:network-interface/eni-1', { team: 'a' });
    assert.equal(ctx('ec2:CreateTags', eni, { 'aws:tagkeys': ['x'] }).allowed, true);
    assert.equal(ctx('ec2:CreateTags', eni, { 'aws:tagkeys': ['x', 'z'] }).allowed, false);
    assert.equal(ctx('ec2:CreateTags', res(eni.arn, { team: 'b' }), { 'aws:tagkeys': ['x'] }).allowed, false);
    assert.equal(
      ctx('ec2:CreateTags', res(eni.arn), { 'aws:tagkeys': ['x'] }).allowed,
      false,
      'a missing tag fails StringEquals',
    );
  });

  test('GIVEN something the evaluator does not model THEN the policy is refused, never half-applied', () => {
    assert.throws(
      () =>
        statementsOf([
          {
            Effect: 'Allow',
            Action: '*',
            Resource: '*',
            Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '1' } },
          },
        ]),
      /NumericLessThan is not supported/,
    );
    assert.throws(
      () =>
        statementsOf([
          { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'ec2:InstanceProfile': 'x' } } },
        ]),
      /ec2:InstanceProfile is not supported/,
    );
    assert.throws(() => statementsOf([{ Effect: 'Maybe', Action: '*', Resource: '*' }]), /Effect/);
    assert.equal(
      statementsOf({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }).length,
      1,
    );
  });
});

describe('emulator IAM on IMDS role credentials', () => {
  test("GIVEN the reclaim policy WHEN the SDK signs with the role credentials THEN only the cluster's ENI and Elastic IP are in reach", async (t) => {
    const { h, creds, roleEc2, ours, foreign } = await roleSetup(t);
    const tagged = await roleEc2.send(
      new DescribeAddressesCommand({ Filters: [{ Name: 'tag:solokube.io/cluster', Values: [CLUSTER] }] }),
    );
    assert.deepEqual(
      tagged.Addresses?.map((a) => a.AllocationId),
      [ours],
    );
    assert.equal(
      await errorName(
        roleEc2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: h.eniId, SecondaryPrivateIpAddressCount: 1 }),
        ),
      ),
      'no error',
    );
    const subnetId = Object.keys(h.emu.state().subnets)[0]!;
    h.emu.seed({
      networkInterfaces: [
        {
          networkInterfaceId: 'eni-0f0f0f0f0f0f0f0f0',
          subnetId,
          tags: { KubernetesCluster: 'other.example.com', 'k8s.io/role/control-plane': '1' },
        },
      ],
    });
    assert.equal(
      await errorName(
        roleEc2.send(
          new AssignPrivateIpAddressesCommand({
            NetworkInterfaceId: 'eni-0f0f0f0f0f0f0f0f0',
            SecondaryPrivateIpAddressCount: 1,
          }),
        ),
      ),
      'UnauthorizedOperation',
    );
    assert.equal(
      h.emu.state().networkInterfaces['eni-0f0f0f0f0f0f0f0f0']?.privateIps.length,
      1,
      'the refused call assigned nothing',
    );
    assert.equal(
      await errorName(
        roleEc2.send(new AssociateAddressCommand({ AllocationId: ours, NetworkInterfaceId: h.eniId, DryRun: true })),
      ),
      'DryRunOperation',
    );
    // AssignPrivateIpAddresses has no DryRun at all (why the reclaim removes its record when it is refused).
    assert.match(
      await curlEc2(
        h.emu.endpoint,
        creds,
        `Action=AssignPrivateIpAddresses&NetworkInterfaceId=${h.eniId}&SecondaryPrivateIpAddressCount=1&DryRun=true`,
      ),
      /<Code>UnknownParameter<\/Code>/,
    );
    assert.equal(
      await errorName(
        roleEc2.send(new AssociateAddressCommand({ AllocationId: foreign, NetworkInterfaceId: h.eniId, DryRun: true })),
      ),
      'UnauthorizedOperation',
    );
    assert.equal(
      await errorName(
        roleEc2.send(
          new CreateTagsCommand({
            Resources: [h.eniId],
            Tags: [{ Key: 'solokube.io/secondary-ip/198.18.0.4', Value: CLUSTER }],
          }),
        ),
      ),
      'no error',
    );
    // The record is removed again when the assignment after it is refused: DeleteTags on it is allowed.
    assert.equal(
      await errorName(
        roleEc2.send(
          new DeleteTagsCommand({
            Resources: [h.eniId],
            Tags: [{ Key: 'solokube.io/secondary-ip/198.18.0.4', Value: CLUSTER }],
          }),
        ),
      ),
      'no error',
    );
    assert.equal(
      await errorName(roleEc2.send(new DeleteTagsCommand({ Resources: [h.eniId], Tags: [{ Key: 'Name' }] }))),
      'UnauthorizedOperation',
    );
    assert.equal(
      await errorName(
        roleEc2.send(
          new CreateTagsCommand({
            Resources: [h.eniId],
            Tags: [
              { Key: 'solokube.io/secondary-ip/198.18.0.5', Value: CLUSTER },
              { Key: 'Name', Value: 'mine now' },
            ],
          }),
        ),
      ),
      'UnauthorizedOperation',
      'every key must be a record key',
    );
    assert.equal(
      await errorName(
        roleEc2.send(new CreateTagsCommand({ Resources: [h.eniId], Tags: [{ Key: 'Name', Value: 'mine now' }] })),
      ),
      'UnauthorizedOperation',
    );
    assert.equal(await errorName(roleEc2.send(new AllocateAddressCommand({ Domain: 'vpc' }))), 'UnauthorizedOperation');
    // The dummy-key client is not a session: it stays unchecked, as every other emulator test expects.
    assert.equal(await errorName(h.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))), 'no error');
  });

  test(
    'GIVEN curl --aws-sigv4 as on the node THEN a good signature is accepted; a wrong secret, ' +
      'a missing token or a denied action are refused with their codes',
    async (t) => {
      const { h, creds, ours } = await roleSetup(t);
      const ok = await curlEc2(
        h.emu.endpoint,
        creds,
        'Action=DescribeAddresses&Filter.1.Name=tag%3Asolokube.io%2Fcluster&Filter.1.Value.1=dev.example.com',
      );
      assert.match(ok, /<allocationId>eipalloc-[0-9a-f]+<\/allocationId>[\s\S]*\n200$/);
      assert.match(
        await curlEc2(h.emu.endpoint, creds, 'Action=DescribeAddresses', { secret: 'not-the-secret' }),
        /<Code>AuthFailure<\/Code>[\s\S]*\n401$/,
      );
      assert.match(
        await curlEc2(h.emu.endpoint, creds, 'Action=DescribeAddresses', { token: null }),
        /<Code>AuthFailure<\/Code>[\s\S]*\n401$/,
      );
      const denied = await curlEc2(h.emu.endpoint, creds, `Action=ReleaseAddress&AllocationId=${ours}`);
      const refusedRelease = new RegExp(
        String.raw`<Code>UnauthorizedOperation</Code><Message>[^<]*assumed-role/masters\.dev\.example\.com/i-[^<]*` +
          String.raw`ec2:ReleaseAddress on resource: arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-[^<]*` +
          String.raw`</Message>[\s\S]*\n403$`,
      );
      assert.match(denied, refusedRelease);
      assert.equal(h.emu.state().addresses[ours]?.allocationId, ours, 'a refused call changes nothing');
    },
  );

  test('GIVEN credentials past their expiration THEN RequestExpired', async (t) => {
    const { h, creds } = await roleSetup(t, reclaimPolicy, 1);
    await new Promise((r) => setTimeout(r, 1100));
    assert.match(
      await curlEc2(h.emu.endpoint, creds, 'Action=DescribeAddresses'),
      /<Code>RequestExpired<\/Code>[\s\S]*\n400$/,
    );
  });
});
