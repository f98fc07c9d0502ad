// The security group that opens 80 and 443 for the apps. It is solokube's own group, attached to
// the control-plane ENI beside kops' groups: kops prunes rules it did not make from its own groups,
// so those are never touched (their ids are only carried along when the ENI's group list is set).

import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupIngressCommand,
} from '../sdk/ec2.js';
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { unknownAfter } from '../../core/unknown.js';
import type { Unknown } from '../../core/unknown.js';
import { TAG_CLUSTER, TAG_ROLE } from '../../config/naming.js';
import { SolokubeError } from '../../core/errors.js';
import { awsErrorCode } from '../errors.js';
import { createOnce } from '../create-once.js';
import { AWS_IDS, tagMap } from './context.js';
import type { AwsEnv } from './context.js';
import type { ControlPlane } from './control-plane.js';

const ROLE = 'apps-security-group' as const;
export const APP_PORTS = [80, 443] as const;
const WORLD = '0.0.0.0/0';

/** A rule as text, "tcp/443 from 0.0.0.0/0": comparable and readable in plans. */
export type RuleText = string;

export interface AppSecurityGroupState {
  groupId: string | Unknown;
  groupName: string;
  vpcId: string;
  ingress: RuleText[];
  /** Attached to the control-plane ENI. */
  attached: boolean;
}

export function ruleTexts(perms: readonly IpPermission[] | undefined): RuleText[] {
  const out: RuleText[] = [];
  for (const p of perms ?? []) {
    const ports =
      p.IpProtocol === '-1'
        ? 'all'
        : `${p.IpProtocol}/${p.FromPort === p.ToPort ? p.FromPort : `${p.FromPort}-${p.ToPort}`}`;
    for (const r of p.IpRanges ?? []) out.push(`${ports} from ${r.CidrIp}`);
    for (const r of p.Ipv6Ranges ?? []) out.push(`${ports} from ${r.CidrIpv6}`);
    for (const g of p.UserIdGroupPairs ?? []) out.push(`${ports} from ${g.GroupId}`);
    for (const l of p.PrefixListIds ?? []) out.push(`${ports} from ${l.PrefixListId}`);
  }
  return out.sort();
}

export const DESIRED_RULES: RuleText[] = APP_PORTS.map((p) => `tcp/${p} from ${WORLD}`).sort();

export function appSecurityGroup(env: AwsEnv): Resource<AppSecurityGroupState> {
  const { clients, names } = env;
  const controlPlane = (ctx: ResourceContext) => ctx.dependency<ControlPlane | undefined>(AWS_IDS.controlPlane);
  const toState = (g: SecurityGroup, cp: ControlPlane | undefined): AppSecurityGroupState => ({
    groupId: g.GroupId!,
    groupName: g.GroupName ?? names.securityGroupName,
    vpcId: g.VpcId ?? '',
    ingress: ruleTexts(g.IpPermissions),
    attached: cp !== undefined && cp.securityGroupIds.includes(g.GroupId!),
  });
  // The call replaces the ENI's whole list, so it is built from a read made right before it, never
  // from the plan's reading: a group kops (or anyone) attached since then must stay attached.
  const setEniGroups = async (ctx: ResourceContext, cp: ControlPlane, change: (current: string[]) => string[]) => {
    const read = await clients.call('ec2:DescribeNetworkInterfaces', ctx.signal, (o) =>
      clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [cp.networkInterfaceId] }), o),
    );
    const current = (read.NetworkInterfaces?.[0]?.Groups ?? []).map((g) => g.GroupId!).filter(Boolean);
    const groups = [...new Set(change(current))];
    await clients.call('ec2:ModifyNetworkInterfaceAttribute', ctx.signal, (o) =>
      clients.ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: cp.networkInterfaceId, Groups: groups }),
        o,
      ),
    );
  };
  const tcp = (rules: RuleText[]): IpPermission[] =>
    rules
      .map((r) => /^tcp\/(\d+) from (\S+)$/.exec(r))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({
        IpProtocol: 'tcp',
        FromPort: Number(m[1]),
        ToPort: Number(m[1]),
        IpRanges: [{ CidrIp: m[2]!, Description: 'solokube apps' }],
      }));

  /** The group named for us in the VPC, if it carries our tags. */
  const ourGroupByName = async (ctx: ResourceContext, vpcId: string): Promise<string | undefined> => {
    const out = await clients.call('ec2:DescribeSecurityGroups', ctx.signal, (o) =>
      clients.ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'group-name', Values: [names.securityGroupName] },
          ],
        }),
        o,
      ),
    );
    const g = out.SecurityGroups?.[0];
    const t = tagMap(g?.Tags);
    return g && t[TAG_CLUSTER] === names.cluster && t[TAG_ROLE] === ROLE ? g.GroupId : undefined;
  };
  // CreateSecurityGroup is not idempotent: a request that failed in transit may have made the group,
  // and a blind retry then meets it as InvalidGroup.Duplicate. So: no SDK retries, a re-read after
  // a failure, and a duplicate that carries our tags is the group an earlier attempt made.
  const createGroup = (ctx: ResourceContext, vpcId: string): Promise<string> =>
    createOnce({
      what: 'CreateSecurityGroup',
      io: ctx.io,
      signal: ctx.signal,
      create: async () => {
        try {
          const created = await clients.call('ec2:CreateSecurityGroup', ctx.signal, (o) =>
            clients.ec2Once.send(
              new CreateSecurityGroupCommand({
                GroupName: names.securityGroupName,
                Description: `solokube: HTTP and HTTPS for the apps of ${names.cluster}`,
                VpcId: vpcId,
                TagSpecifications: [{ ResourceType: 'security-group', Tags: names.tags(ROLE) }],
              }),
              o,
            ),
          );
          return created.GroupId!;
        } catch (err) {
          if (awsErrorCode(err) !== 'InvalidGroup.Duplicate') throw err;
          const ours = await ourGroupByName(ctx, vpcId);
          if (ours) return ours;
          throw new SolokubeError({
            code: 'aws.sg-duplicate',
            message: `a security group named ${names.securityGroupName} exists in ${vpcId} but is not tagged for ${names.cluster}`,
            remedy:
              `Delete or rename the group if it is a leftover, or tag it ` +
              `(${TAG_CLUSTER}=${names.cluster}, ${TAG_ROLE}=${ROLE}) if solokube should own it.`,
            actor: 'user',
            cause: err,
          });
        }
      },
      recheck: () => ourGroupByName(ctx, vpcId),
    });

  return {
    id: AWS_IDS.appSecurityGroup,
    title: `security group ${names.securityGroupName} (80/443 for apps), attached to the control-plane ENI`,
    dependsOn: [AWS_IDS.controlPlane],
    describe: () => ({
      ingress: DESIRED_RULES,
      tags: names.tags('apps-security-group').map((t) => `${t.Key}=${t.Value}`),
    }),

    async find(ctx) {
      const cp = controlPlane(ctx);
      const filters = [...names.ownedFilters(ROLE), ...(cp ? [{ Name: 'vpc-id', Values: [cp.vpcId] }] : [])];
      const out = await clients.call('ec2:DescribeSecurityGroups', ctx.signal, (o) =>
        clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters }), o),
      );
      const g = out.SecurityGroups?.[0];
      return g ? toState(g, cp) : undefined;
    },

    desired(ctx) {
      const cp = controlPlane(ctx)!;
      return {
        groupId: unknownAfter(AWS_IDS.appSecurityGroup),
        groupName: names.securityGroupName,
        vpcId: cp.vpcId,
        ingress: DESIRED_RULES,
        attached: true,
      };
    },

    diff: (actual, desired) =>
      diffFields(
        actual,
        desired,
        actual === undefined ? ['groupName', 'vpcId', 'ingress', 'attached'] : ['ingress', 'attached'],
      ),

    async apply(ctx, actual, desired) {
      const cp = controlPlane(ctx)!;
      let groupId = actual?.groupId as string | undefined;
      if (groupId === undefined) groupId = await createGroup(ctx, cp.vpcId);
      const have = actual?.ingress ?? [];
      const missing = desired.ingress.filter((r) => !have.includes(r));
      const extra = have.filter((r) => !desired.ingress.includes(r));
      const gid = groupId;
      await Promise.all([
        missing.length > 0 &&
          clients
            .call('ec2:AuthorizeSecurityGroupIngress', ctx.signal, (o) =>
              clients.ec2.send(
                new AuthorizeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: tcp(missing) }),
                o,
              ),
            )
            .catch((err: unknown) => {
              if (awsErrorCode(err) !== 'InvalidPermission.Duplicate') throw err;
            }),
        extra.length > 0 &&
          clients.call('ec2:RevokeSecurityGroupIngress', ctx.signal, (o) =>
            clients.ec2.send(
              new RevokeSecurityGroupIngressCommand({ GroupId: gid, IpPermissions: revokePermissions(extra) }),
              o,
            ),
          ),
        !(actual?.attached ?? false) && setEniGroups(ctx, cp, (current) => [...current, gid]),
      ]);
      return { ...desired, groupId: gid };
    },

    async delete(ctx, actual) {
      const cp = controlPlane(ctx);
      if (cp && actual.attached) await setEniGroups(ctx, cp, (current) => current.filter((g) => g !== actual.groupId));
      // Right after the detach EC2 may still see the group in use (DependencyViolation, mapped to
      // NotReadyError): the engine retries this step until its deadline.
      try {
        await clients.call('ec2:DeleteSecurityGroup', ctx.signal, (o) =>
          clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: actual.groupId as string }), o),
        );
      } catch (err) {
        if (awsErrorCode(err) !== 'InvalidGroup.NotFound') throw err;
      }
    },
  };
}

/** Rules in text form back to permissions, for any peer kind that ruleTexts renders. */
function revokePermissions(rules: RuleText[]): IpPermission[] {
  return rules.map((r) => {
    const [ports = '', , peer = ''] = r.split(' ');
    const [proto = '-1', range = ''] = ports === 'all' ? ['-1', ''] : ports.split('/');
    const [from, to] = range.split('-');
    const p: IpPermission = {
      IpProtocol: proto,
      ...(proto !== '-1' ? { FromPort: Number(from), ToPort: Number(to ?? from) } : {}),
    };
    if (peer.startsWith('sg-')) p.UserIdGroupPairs = [{ GroupId: peer }];
    else if (peer.startsWith('pl-')) p.PrefixListIds = [{ PrefixListId: peer }];
    else if (peer.includes(':')) p.Ipv6Ranges = [{ CidrIpv6: peer }];
    else p.IpRanges = [{ CidrIp: peer }];
    return p;
  });
}
