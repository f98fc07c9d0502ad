// The admin removal the kops stand-in uses for `kops delete cluster`: only the cluster's tagged
// objects and its api records go; a group that is not the cluster's still in the VPC, or an Elastic
// IP on its interface, blocks it as DependencyViolation would.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DisassociateAddressCommand,
} from '@aws-sdk/client-ec2';
import { CLUSTER, harness } from './harness.js';

async function remove(endpoint: string, cluster: string) {
  const res = await fetch(`${endpoint}/_sandbox/remove-kops-cluster`, {
    method: 'POST',
    body: JSON.stringify({ cluster }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('AWS emulator: removing a kops cluster', () => {
  test(
    'GIVEN a kops cluster with our security group in its VPC and an EIP on its ENI WHEN removed ' +
      'THEN refused until both are gone; then the cluster objects, api records and its roles go, ' +
      'the EIP stays allocated',
    async (t) => {
      const { emu, ec2, eniId } = await harness(t);
      emu.putRolePolicy(`masters.${CLUSTER}`, [{ Effect: 'Allow', Action: 'ec2:DescribeAddresses', Resource: '*' }]);
      emu.putRolePolicy('masters.other.example.com', []);
      const vpcId = Object.keys(emu.state().vpcs)[0]!;
      const sg = await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'solokube-apps', Description: 'x', VpcId: vpcId }),
      );
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      const assoc = await ec2.send(
        new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eniId }),
      );
      assert.equal((await remove(emu.endpoint, CLUSTER)).status, 409);
      await ec2.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId }));
      assert.match(String((await remove(emu.endpoint, CLUSTER)).body['error']), /security group/);
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg.GroupId }));
      const ok = await remove(emu.endpoint, CLUSTER);
      assert.equal(ok.status, 200);
      const s = emu.state();
      assert.deepEqual(
        [
          Object.keys(s.vpcs),
          Object.keys(s.instances),
          Object.keys(s.networkInterfaces),
          Object.keys(s.subnets),
          Object.keys(s.securityGroups),
        ],
        [[], [], [], [], []],
      );
      assert.ok(!Object.values(s.hostedZones).some((z) => z.records.some((r) => r.name.startsWith('api.'))));
      assert.equal(Object.keys(s.addresses).length, 1, 'kops never releases an Elastic IP it did not make');
      assert.deepEqual(ok.body['roles'], [`masters.${CLUSTER}`]);
      assert.deepEqual(Object.keys(s.iamRoles ?? {}), ['masters.other.example.com'], "only the cluster's roles go");
    },
  );
});
