// Applies an EmulatorSeed to the state (see seed-types.ts for the rules: add only, keep existing).
import { AwsError } from './errors.js';
import type { EmulatorConfig } from './config.js';
import { ec2Id, macAddress } from './ids.js';
import { parseCidr } from './ipv4.js';
import type { EmulatorData, NetworkInterfaceRecord, SgRule } from './model.js';
import {
  checkPrivateIpInSubnet,
  lowestFreePrivateIps,
  lowestFreePublicIp,
  privateIpsInUse,
} from './ec2/ip-allocation.js';
import { getEni, getInstance, getSubnet, getVpc, primaryEni, primaryPrivateIp, publicIpsInUse } from './ec2/lookup.js';
import { canonicalName, isWithinZone } from './route53/names.js';
import { createZone, sameRecordKey } from './route53/zone-store.js';
import type { EmulatorSeed, SeedNetworkInterface, SeedRule } from './seed-types.js';

const ALLOW_ALL_OUT: SeedRule[] = [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0' }];

function rules(d: EmulatorData, list: SeedRule[]): SgRule[] {
  return list.map((r) => ({ ruleId: ec2Id(d, 'sgr'), ...r }));
}

function cidrOf(s: string): void {
  if (!parseCidr(s)) throw new AwsError('InvalidParameterValue', `Invalid CIDR ${s}`);
}

function addEni(
  d: EmulatorData,
  s: SeedNetworkInterface & { autoPublicIp?: string; macAddress?: string },
): NetworkInterfaceRecord {
  const subnet = getSubnet(d, s.subnetId);
  const ips =
    s.privateIpAddresses && s.privateIpAddresses.length > 0 ? s.privateIpAddresses : lowestFreePrivateIps(d, subnet, 1);
  const used = privateIpsInUse(d, subnet.subnetId);
  for (const ip of ips) {
    checkPrivateIpInSubnet(subnet, ip);
    if (used.has(ip)) throw new AwsError('InvalidIPAddress.InUse', `Address ${ip} is in use.`);
  }
  for (const g of s.groupIds ?? [])
    if (!Object.hasOwn(d.securityGroups, g))
      throw new AwsError('InvalidGroup.NotFound', `The security group '${g}' does not exist`);
  const eni: NetworkInterfaceRecord = {
    networkInterfaceId: s.networkInterfaceId ?? ec2Id(d, 'eni'),
    subnetId: subnet.subnetId,
    vpcId: subnet.vpcId,
    availabilityZone: subnet.availabilityZone,
    description: s.description ?? '',
    macAddress: s.macAddress ?? macAddress(d),
    groupIds: s.groupIds ?? [],
    tags: s.tags ?? {},
    sourceDestCheck: true,
    privateIps: ips.map((address, i) => ({ address, primary: i === 0 })),
  };
  if (s.autoPublicIp !== undefined) eni.autoPublicIp = s.autoPublicIp;
  if (s.attachment) {
    getInstance(d, s.attachment.instanceId);
    eni.attachment = {
      attachmentId: ec2Id(d, 'eni-attach'),
      instanceId: s.attachment.instanceId,
      deviceIndex: s.attachment.deviceIndex,
      attachTime: new Date().toISOString(),
      deleteOnTermination: s.attachment.deviceIndex === 0,
    };
  }
  d.networkInterfaces[eni.networkInterfaceId] = eni;
  return eni;
}

function seedEc2(d: EmulatorData, seed: EmulatorSeed, config: EmulatorConfig): void {
  for (const v of seed.vpcs ?? []) {
    if (v.vpcId !== undefined && Object.hasOwn(d.vpcs, v.vpcId)) continue;
    cidrOf(v.cidrBlock);
    const vpcId = v.vpcId ?? ec2Id(d, 'vpc');
    d.vpcs[vpcId] = { vpcId, cidrBlock: v.cidrBlock, isDefault: v.isDefault ?? false, tags: v.tags ?? {} };
  }
  for (const s of seed.subnets ?? []) {
    if (s.subnetId !== undefined && Object.hasOwn(d.subnets, s.subnetId)) continue;
    getVpc(d, s.vpcId);
    cidrOf(s.cidrBlock);
    const subnetId = s.subnetId ?? ec2Id(d, 'subnet');
    d.subnets[subnetId] = {
      subnetId,
      vpcId: s.vpcId,
      cidrBlock: s.cidrBlock,
      availabilityZone: s.availabilityZone ?? `${d.region}a`,
      mapPublicIpOnLaunch: s.mapPublicIpOnLaunch ?? true,
      tags: s.tags ?? {},
    };
  }
  for (const g of seed.securityGroups ?? []) {
    if (g.groupId !== undefined && Object.hasOwn(d.securityGroups, g.groupId)) continue;
    getVpc(d, g.vpcId);
    const groupId = g.groupId ?? ec2Id(d, 'sg');
    d.securityGroups[groupId] = {
      groupId,
      groupName: g.groupName,
      description: g.description ?? g.groupName,
      vpcId: g.vpcId,
      tags: g.tags ?? {},
      ingress: rules(d, g.ingress ?? []),
      egress: rules(d, g.egress ?? ALLOW_ALL_OUT),
    };
  }
  for (const i of seed.instances ?? []) {
    if (i.instanceId !== undefined && Object.hasOwn(d.instances, i.instanceId)) continue;
    const subnet = getSubnet(d, i.subnetId);
    const instanceId = i.instanceId ?? ec2Id(d, 'i');
    d.instances[instanceId] = {
      instanceId,
      imageId: i.imageId ?? 'ami-00000000000000001',
      instanceType: i.instanceType ?? 't3.medium',
      state: i.state ?? 'running',
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      ...(i.keyName === undefined ? {} : { keyName: i.keyName }),
      launchTime: i.launchTime ?? new Date().toISOString(),
      tags: i.tags ?? {},
      ...(i.iamRole === undefined ? {} : { iamRole: i.iamRole }),
      ...(i.metadataOptions === undefined
        ? {}
        : {
            metadataOptions: {
              httpTokens: i.metadataOptions.httpTokens ?? 'required',
              httpPutResponseHopLimit: i.metadataOptions.httpPutResponseHopLimit ?? 1,
            },
          }),
    };
    const primary = i.privateIpAddress ?? lowestFreePrivateIps(d, subnet, 1)[0]!;
    let autoPublicIp: string | undefined;
    if (i.associatePublicIp ?? subnet.mapPublicIpOnLaunch) {
      autoPublicIp = i.publicIp ?? lowestFreePublicIp(d, config.publicIpPool);
      if (publicIpsInUse(d).has(autoPublicIp))
        throw new AwsError('InvalidIPAddress.InUse', `Address ${autoPublicIp} is in use.`);
    }
    addEni(d, {
      subnetId: subnet.subnetId,
      privateIpAddresses: [primary, ...(i.secondaryPrivateIpAddresses ?? [])],
      groupIds: i.securityGroupIds ?? [],
      tags: i.tags ?? {},
      description: '',
      attachment: { instanceId, deviceIndex: 0 },
      ...(i.networkInterfaceId === undefined ? {} : { networkInterfaceId: i.networkInterfaceId }),
      ...(autoPublicIp === undefined ? {} : { autoPublicIp }),
      ...(i.macAddress === undefined ? {} : { macAddress: i.macAddress }),
    });
  }
  for (const e of seed.networkInterfaces ?? []) {
    if (e.networkInterfaceId !== undefined && Object.hasOwn(d.networkInterfaces, e.networkInterfaceId)) continue;
    addEni(d, e);
  }
  for (const a of seed.addresses ?? []) {
    if (a.allocationId !== undefined && Object.hasOwn(d.addresses, a.allocationId)) continue;
    if (a.publicIp !== undefined && Object.values(d.addresses).some((x) => x.publicIp === a.publicIp)) continue;
    const publicIp = a.publicIp ?? lowestFreePublicIp(d, config.publicIpPool);
    if (publicIpsInUse(d).has(publicIp)) throw new AwsError('InvalidIPAddress.InUse', `Address ${publicIp} is in use.`);
    const allocationId = a.allocationId ?? ec2Id(d, 'eipalloc');
    d.addresses[allocationId] = { allocationId, publicIp, tags: a.tags ?? {} };
    if (a.association) {
      const eni =
        a.association.networkInterfaceId !== undefined
          ? getEni(d, a.association.networkInterfaceId)
          : primaryEni(d, getInstance(d, a.association.instanceId ?? '').instanceId);
      if (!eni)
        throw new AwsError(
          'InvalidParameterValue',
          `Address ${publicIp}: association needs an ENI or an instance with a primary ENI`,
        );
      const privateIpAddress = a.association.privateIpAddress ?? primaryPrivateIp(eni);
      if (!eni.privateIps.some((p) => p.address === privateIpAddress))
        throw new AwsError('InvalidParameterValue', `${privateIpAddress} is not on ${eni.networkInterfaceId}`);
      if (privateIpAddress === primaryPrivateIp(eni)) delete eni.autoPublicIp;
      d.addresses[allocationId]!.association = {
        associationId: ec2Id(d, 'eipassoc'),
        networkInterfaceId: eni.networkInterfaceId,
        privateIpAddress,
      };
    }
  }
}

function seedRoute53(d: EmulatorData, seed: EmulatorSeed): void {
  for (const z of seed.hostedZones ?? []) {
    if (z.id !== undefined && Object.hasOwn(d.hostedZones, z.id.replace(/^\/?hostedzone\//, ''))) continue;
    const name = canonicalName(z.name);
    if (
      z.id === undefined &&
      Object.values(d.hostedZones).some((x) => x.name === name && x.privateZone === (z.privateZone ?? false))
    )
      continue;
    createZone(d, z);
  }
  for (const r of seed.records ?? []) {
    const key = r.zone.replace(/^\/?hostedzone\//, '');
    const zone = d.hostedZones[key] ?? Object.values(d.hostedZones).find((z) => z.name === canonicalName(r.zone));
    if (!zone) throw new AwsError('NoSuchHostedZone', `Seed record ${r.name}: no hosted zone ${r.zone}`, 404);
    const name = canonicalName(r.name);
    if (!isWithinZone(name, zone.name))
      throw new AwsError('InvalidChangeBatch', `Seed record ${name} is not within zone ${zone.name}`);
    const type = r.type.toUpperCase();
    if (
      zone.records.some((x) =>
        sameRecordKey(x, { name, type, ...(r.setIdentifier === undefined ? {} : { setIdentifier: r.setIdentifier }) }),
      )
    )
      continue;
    let values = r.values ?? [];
    if (r.publicIpOfInstance !== undefined) {
      const eni = primaryEni(d, getInstance(d, r.publicIpOfInstance).instanceId);
      const ip = eni?.autoPublicIp;
      if (ip === undefined)
        throw new AwsError(
          'InvalidParameterValue',
          `Seed record ${name}: instance ${r.publicIpOfInstance} has no public IP`,
        );
      values = [ip];
    }
    if (r.alias === undefined && values.length === 0)
      throw new AwsError('InvalidChangeBatch', `Seed record ${name} has no values`);
    zone.records.push({
      name,
      type,
      values,
      ...(r.alias === undefined
        ? { ttl: r.ttl ?? 300 }
        : {
            alias: {
              hostedZoneId: r.alias.hostedZoneId,
              dnsName: canonicalName(r.alias.dnsName),
              evaluateTargetHealth: r.alias.evaluateTargetHealth ?? false,
            },
          }),
      ...(r.setIdentifier === undefined ? {} : { setIdentifier: r.setIdentifier }),
      ...(r.weight === undefined ? {} : { weight: r.weight }),
    });
  }
}

/** Applies a seed to `d` in place (the caller runs it on a copy and commits only if it succeeds). */
export function applySeed(d: EmulatorData, seed: EmulatorSeed, config: EmulatorConfig): void {
  if (seed.eipQuota !== undefined) d.eipQuota = seed.eipQuota;
  seedEc2(d, seed, config);
  seedRoute53(d, seed);
}
