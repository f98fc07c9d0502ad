// Auto Scaling groups, as far as a kops cluster's lifecycle needs them: one group per instance group
// with its min/max (kops sets desired = min), launching instances from the group's template until
// the running count matches and terminating the newest above it; and the replacement of one instance
// the way a group does after a failed health check or a spot interruption.
// Behaviour followed (AWS Auto Scaling user guide, "Replace Auto Scaling instances" and "Set capacity
// limits"; EC2 user guide, "Terminate your instance"): terminating an instance deletes its primary
// network interface (DeleteOnTermination), so its secondary private IPs go with it, and an Elastic IP
// associated with any of its addresses is disassociated but stays allocated; a launched instance gets
// a new interface with a fresh primary private IP in the group's subnet, the subnet's auto-assigned
// public IP, and the template's user data, security groups and tags.
// Driven through the admin API by the sandbox's kops stand-in (there is no AutoScaling wire API yet).
import { AwsError } from './errors.js';
import type { EmulatorConfig } from './config.js';
import type { AutoScalingGroupRecord, EmulatorData, LaunchTemplateRecord, Tags } from './model.js';
import { applySeed } from './seed.js';

export interface AutoScalingGroupSpec {
  name: string;
  minSize: number;
  maxSize: number;
  subnetId: string;
  template: LaunchTemplateRecord;
  tags?: Tags;
  /** Running instances the group takes as its own when it is created (kops' first launch). */
  adopt?: string[];
}

export interface ScalingActivity {
  launched: string[];
  terminated: string[];
}

const running = (d: EmulatorData, id: string): boolean => {
  const s = d.instances[id]?.state;
  return s === 'running' || s === 'pending';
};

function groupOf(d: EmulatorData, name: string): AutoScalingGroupRecord {
  const g = d.autoScalingGroups?.[name];
  if (!g) throw new AwsError('ValidationError', `AutoScalingGroup name not found - ${name}`);
  return g;
}

/** Terminate an instance as EC2 does: interface (and its addresses) gone, Elastic IP disassociated. */
export function terminateInstance(d: EmulatorData, instanceId: string): void {
  const instance = d.instances[instanceId];
  if (!instance) throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
  for (const eni of Object.values(d.networkInterfaces)) {
    if (eni.attachment?.instanceId !== instanceId) continue;
    for (const a of Object.values(d.addresses))
      if (a.association?.networkInterfaceId === eni.networkInterfaceId) delete a.association;
    if (eni.attachment.deleteOnTermination) delete d.networkInterfaces[eni.networkInterfaceId];
    else delete eni.attachment;
  }
  instance.state = 'terminated';
}

function launch(d: EmulatorData, config: EmulatorConfig, g: AutoScalingGroupRecord): string {
  const before = new Set(Object.keys(d.instances));
  applySeed(
    d,
    {
      instances: [
        {
          subnetId: g.subnetId,
          instanceType: g.template.instanceType,
          imageId: g.template.imageId,
          securityGroupIds: g.template.securityGroupIds,
          tags: { ...g.template.tags, 'aws:autoscaling:groupName': g.name },
          ...(g.template.keyName === undefined ? {} : { keyName: g.template.keyName }),
          ...(g.template.iamRole === undefined ? {} : { iamRole: g.template.iamRole }),
        },
      ],
    },
    config,
  );
  const id = Object.keys(d.instances).find((i) => !before.has(i))!;
  if (g.template.userData !== undefined) d.instances[id]!.userData = g.template.userData;
  return id;
}

/** Bring the group's running instances to its desired capacity. */
export function reconcileGroup(d: EmulatorData, config: EmulatorConfig, name: string): ScalingActivity {
  const g = groupOf(d, name);
  g.instances = g.instances.filter((i) => running(d, i));
  const activity: ScalingActivity = { launched: [], terminated: [] };
  while (g.instances.length > g.desiredCapacity) {
    const newest = g.instances.pop()!;
    terminateInstance(d, newest);
    activity.terminated.push(newest);
  }
  while (g.instances.length < g.desiredCapacity) {
    const id = launch(d, config, g);
    g.instances.push(id);
    activity.launched.push(id);
  }
  return activity;
}

/**
 * The running instances a new group takes as its own. They stand for the group's first launch, so
 * they carry the template's user data and instance profile as a launched instance would (unless
 * they already have their own).
 */
function adopt(d: EmulatorData, spec: AutoScalingGroupSpec): string[] {
  const ids = (spec.adopt ?? []).filter((i) => running(d, i)).slice(0, spec.maxSize);
  for (const id of ids) {
    const instance = d.instances[id]!;
    if (spec.template.userData !== undefined) instance.userData ??= spec.template.userData;
    if (spec.template.iamRole !== undefined) instance.iamRole ??= spec.template.iamRole;
  }
  return ids;
}

/** Create or update a group (desired = min, as kops sets it), then scale to match. */
export function putAutoScalingGroup(
  d: EmulatorData,
  config: EmulatorConfig,
  spec: AutoScalingGroupSpec,
): ScalingActivity {
  if (
    !Number.isInteger(spec.minSize) ||
    !Number.isInteger(spec.maxSize) ||
    spec.minSize < 0 ||
    spec.maxSize < spec.minSize
  )
    throw new AwsError('ValidationError', `min ${spec.minSize} / max ${spec.maxSize} is not a valid size range`);
  if (!d.subnets[spec.subnetId])
    throw new AwsError('ValidationError', `The subnet ID '${spec.subnetId}' does not exist`);
  d.autoScalingGroups ??= {};
  const existing = d.autoScalingGroups[spec.name];
  d.autoScalingGroups[spec.name] = {
    name: spec.name,
    minSize: spec.minSize,
    maxSize: spec.maxSize,
    desiredCapacity: spec.minSize,
    subnetId: spec.subnetId,
    template: spec.template,
    tags: spec.tags ?? existing?.tags ?? {},
    instances: existing?.instances ?? adopt(d, spec),
  };
  return reconcileGroup(d, config, spec.name);
}

/** Replace one instance as the group does after a failed health check: terminate it, launch a fresh one. */
export function replaceInstance(d: EmulatorData, config: EmulatorConfig, instanceId: string): ScalingActivity {
  const g = Object.values(d.autoScalingGroups ?? {}).find((x) => x.instances.includes(instanceId));
  if (!g) throw new AwsError('ValidationError', `Instance ${instanceId} is not part of an Auto Scaling group`);
  terminateInstance(d, instanceId);
  const activity = reconcileGroup(d, config, g.name);
  return { launched: activity.launched, terminated: [instanceId, ...activity.terminated] };
}

/** Delete the groups whose tags match (kops delete cluster), terminating their instances. */
export function deleteGroups(d: EmulatorData, match: (tags: Tags) => boolean): string[] {
  const gone: string[] = [];
  for (const g of Object.values(d.autoScalingGroups ?? {})) {
    if (!match(g.tags)) continue;
    for (const i of g.instances) if (running(d, i)) terminateInstance(d, i);
    delete d.autoScalingGroups![g.name];
    gone.push(g.name);
  }
  return gone;
}
