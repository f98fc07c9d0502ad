// The cloud side of the kops stand-in's `update cluster --yes` for instance groups (see standin.ts
// for the kops behaviour followed): one Auto Scaling group per instance group with kops' launch
// template (its role's security group, then additionalSecurityGroups; the instance group's user
// data; the role's instance profile), and each role's spec.additionalPolicies as its inline policy.
import type { EmulatorStateView } from '../aws/model.js';
import { renderInstanceGroupUserData, type UserDataPart } from './user-data.js';

/** The emulator's admin API (`/_sandbox/<path>`), as the stand-in calls it. */
export type EmulatorAdmin = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** What the stand-in reads of a kops InstanceGroup. */
export interface InstanceGroupShape {
  name: string;
  controlPlane: boolean;
  machineType: string;
  zone: string;
  minSize: number;
  maxSize: number;
  additionalUserData: UserDataPart[];
  additionalSecurityGroups: string[];
}

/** kops' IAM role (and instance profile) name for a role's instances. */
export const roleName = (cluster: string, controlPlane: boolean): string =>
  `${controlPlane ? 'masters' : 'nodes'}.${cluster}`;

/**
 * One Auto Scaling group per instance group, named and tagged as kops names them, sized by the
 * group's minSize/maxSize; the control-plane group takes the instance the seed made as its own on
 * its first launch. The emulator launches or terminates instances to match (pause: min = max = 0).
 */
export async function scaleGroups(
  admin: EmulatorAdmin,
  state: EmulatorStateView,
  cluster: string,
  igs: InstanceGroupShape[],
): Promise<void> {
  const clusterTags = { KubernetesCluster: cluster, [`kubernetes.io/cluster/${cluster}`]: 'owned' };
  const subnet = Object.values(state.subnets ?? {}).find((n) => n.tags['KubernetesCluster'] === cluster);
  const group = (name: string) =>
    Object.values(state.securityGroups ?? {}).find(
      (g) => g.groupName === name && g.tags['KubernetesCluster'] === cluster,
    );
  if (!subnet) throw new Error(`the stand-in found no subnet of ${cluster} to launch into`);
  for (const ig of igs) {
    const asgName = ig.controlPlane ? `${ig.name}.masters.${cluster}` : `${ig.name}.${cluster}`;
    const seeded = Object.values(state.instances ?? {}).find(
      (i) =>
        i.state === 'running' &&
        i.tags['kops.k8s.io/instancegroup'] === ig.name &&
        i.tags['KubernetesCluster'] === cluster,
    );
    const sg = group(ig.controlPlane ? `masters.${cluster}` : `nodes.${cluster}`);
    await admin('POST', 'autoscaling/group', {
      name: asgName,
      minSize: ig.minSize,
      maxSize: ig.maxSize,
      subnetId: subnet.subnetId,
      tags: clusterTags,
      ...(seeded ? { adopt: [seeded.instanceId] } : {}),
      template: {
        instanceType: ig.machineType,
        imageId: seeded?.imageId ?? 'ami-00000000000000001',
        // kops' launch template: the role's group, then the instance group's additionalSecurityGroups.
        securityGroupIds: [...(sg ? [sg.groupId] : []), ...ig.additionalSecurityGroups],
        keyName: `kubernetes.${cluster}`,
        userData: renderInstanceGroupUserData(cluster, ig.name, ig.additionalUserData),
        iamRole: roleName(cluster, ig.controlPlane),
        tags: {
          ...clusterTags,
          'kops.k8s.io/instancegroup': ig.name,
          Name: asgName,
          ...(ig.controlPlane
            ? { 'k8s.io/role/control-plane': '1', 'k8s.io/role/master': '1' }
            : { 'k8s.io/role/node': '1' }),
        },
      },
    });
  }
}

/**
 * kops' extra inline policy per role, from spec.additionalPolicies (v1alpha2 keys `master`, or
 * `control-plane` as accepted on input, and `node`); a role without an entry gets none.
 */
export async function putRolePolicies(
  admin: EmulatorAdmin,
  cluster: string,
  additional: Record<string, string>,
): Promise<void> {
  for (const controlPlane of [true, false]) {
    const text = controlPlane ? (additional['master'] ?? additional['control-plane']) : additional['node'];
    await admin('POST', 'iam/role-policy', {
      roleName: roleName(cluster, controlPlane),
      policy: text === undefined ? [] : (JSON.parse(text) as unknown),
    });
  }
}
