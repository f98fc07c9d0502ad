// The kops control-plane instance, discovered read-only by kops' own tags: everything the other
// resources need to know about where the apps address goes (the primary ENI, its subnet and
// security groups, its private IPs and the public addresses on them).

import { DescribeInstancesCommand, DescribeSubnetsCommand } from '../sdk/ec2.js';
import type { Instance } from '@aws-sdk/client-ec2';
import { SolokubeError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import { PORTS } from '../../config/naming.js';
import { AWS_IDS, tagMap } from './context.js';
import type { AwsEnv } from './context.js';

export interface PrivateIpOnEni {
  address: string;
  primary: boolean;
  /** The public address associated with it, if any. */
  publicIp?: string;
}

export interface ControlPlane {
  instanceId: string;
  availabilityZone: string;
  vpcId: string;
  networkInterfaceId: string;
  /** The ENI's MAC address: how the node finds which of its interfaces this is. */
  macAddress?: string;
  subnetId: string;
  subnetCidr: string;
  prefixLength: number;
  primaryPrivateIp: string;
  primaryPublicIp?: string;
  privateIps: PrivateIpOnEni[];
  /** The ENI's security groups as they are (kops' groups plus anything attached later). */
  securityGroupIds: string[];
}

/** kops marks control-plane instances with one of these tags (the second before kops 1.25). */
const ROLE_TAGS = ['k8s.io/role/control-plane', 'k8s.io/role/master'];

export interface ControlPlaneOptions {
  /** When false (cleanup), a missing instance is reported as absent instead of failing. */
  mustExist: boolean;
}

export function controlPlaneInstance(env: AwsEnv, opts: ControlPlaneOptions): Resource<ControlPlane> {
  const { config, clients } = env;
  const title = `control-plane instance of ${config.name}`;
  return {
    id: AWS_IDS.controlPlane,
    title,
    readOnly: true,
    describe: () => ({
      region: config.region,
      found: `by kops' tag ${env.names.kopsClusterTag.Key}=${env.names.kopsClusterTag.Value}, read only`,
      instanceType: config.instanceType,
      ...(config.secondaryIp
        ? {}
        : {
            apps:
              `secondaryIp is false: apps answer on the ingress NodePorts of the primary address, ` +
              `https://<app>.${config.appsDomain}:${PORTS.ingressHttps} and ` +
              `http://<app>.${config.appsDomain}:${PORTS.ingressHttp}`,
          }),
    }),
    desired: () => ({}) as ControlPlane, // read-only: never compared
    diff: () => [],
    apply: async () => {
      throw new Error('read-only resource');
    },
    delete: async () => {
      throw new Error('read-only resource');
    },
    async find(ctx) {
      const out = await clients.call('ec2:DescribeInstances', ctx.signal, (o) =>
        clients.ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: `tag:${env.names.kopsClusterTag.Key}`, Values: [env.names.kopsClusterTag.Value] },
              { Name: 'instance-state-name', Values: ['running'] },
            ],
          }),
          o,
        ),
      );
      const instances = (out.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .filter((i) => {
          const t = tagMap(i.Tags);
          return ROLE_TAGS.some((k) => k in t);
        });
      if (instances.length === 0) {
        if (!opts.mustExist) return undefined;
        throw new SolokubeError({
          code: 'aws.control-plane-missing',
          message:
            `no running control-plane instance of ${config.name} in ${config.region} (looked for tags ` +
            `KubernetesCluster=${config.name} and ${ROLE_TAGS[0]})`,
          remedy:
            `Check the cluster name and region (--region), that the cluster exists (\`kops get ` +
            `cluster ${config.name}\`) and that its instance is running.`,
          actor: 'user',
        });
      }
      if (instances.length > 1) {
        throw new SolokubeError({
          code: 'aws.control-plane-ambiguous',
          message:
            `${instances.length} running control-plane instances ` +
            `of ${config.name}: ${instances.map((i) => i.InstanceId).join(', ')}; solokube drives ` +
            `single-node clusters only`,
          remedy: 'Wait for a rolling update to finish (one instance left), or stop the extra instance.',
          actor: 'user',
        });
      }
      return describe(env, instances[0]!, ctx.signal);
    },
  };
}

async function describe(env: AwsEnv, inst: Instance, signal: AbortSignal): Promise<ControlPlane> {
  const eni = (inst.NetworkInterfaces ?? []).find((n) => (n.Attachment?.DeviceIndex ?? 0) === 0);
  if (!inst.InstanceId || !eni?.NetworkInterfaceId || !eni.SubnetId || !eni.PrivateIpAddress) {
    throw new SolokubeError({
      code: 'aws.control-plane-incomplete',
      message: `instance ${inst.InstanceId ?? '?'} has no primary network interface in its description`,
      remedy: 'Wait until the instance is fully running and rerun.',
      actor: 'aws',
    });
  }
  const subnetId = eni.SubnetId;
  const subnets = await env.clients.call('ec2:DescribeSubnets', signal, (o) =>
    env.clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }), o),
  );
  const cidr = subnets.Subnets?.[0]?.CidrBlock;
  if (!cidr)
    throw new SolokubeError({
      code: 'aws.subnet-missing',
      message: `subnet ${subnetId} of instance ${inst.InstanceId} has no IPv4 CIDR`,
      remedy: 'solokube needs an IPv4 subnet; check the cluster networking.',
      actor: 'aws',
    });
  return {
    instanceId: inst.InstanceId,
    availabilityZone: inst.Placement?.AvailabilityZone ?? '',
    vpcId: eni.VpcId ?? inst.VpcId ?? '',
    networkInterfaceId: eni.NetworkInterfaceId,
    ...(eni.MacAddress ? { macAddress: eni.MacAddress } : {}),
    subnetId,
    subnetCidr: cidr,
    prefixLength: Number(cidr.split('/')[1]),
    primaryPrivateIp: eni.PrivateIpAddress,
    ...(inst.PublicIpAddress ? { primaryPublicIp: inst.PublicIpAddress } : {}),
    privateIps: (eni.PrivateIpAddresses ?? [])
      .filter((p) => p.PrivateIpAddress)
      .map((p) => ({
        address: p.PrivateIpAddress!,
        primary: p.Primary === true,
        ...(p.Association?.PublicIp ? { publicIp: p.Association.PublicIp } : {}),
      })),
    securityGroupIds: (eni.Groups ?? [])
      .map((g) => g.GroupId!)
      .filter(Boolean)
      .sort(),
  };
}
