// Describe/Create/DeleteSecurityGroup and Authorize/RevokeSecurityGroupIngress.
import { AwsError, missingParameter } from '../errors.js';
import { ec2Id } from '../ids.js';
import type { EmulatorData, SecurityGroupRecord } from '../model.js';
import type { QueryParams } from '../query.js';
import { el, list, opt } from '../xml.js';
import type { Ec2Operation } from './context.js';
import { applyFilters, paginate, parseFilters, type FilterFields } from './filters.js';
import { getGroup, getVpc } from './lookup.js';
import { describeRule, newRule, permissionsXml, requestedRules, ruleKey, ruleXml, type RuleDraft } from './sg-rules.js';
import { tagSet, tagsFromSpecifications } from './tag-rules.js';

function groupFilters(d: EmulatorData): FilterFields<SecurityGroupRecord> {
  return {
    'group-id': (g) => [g.groupId],
    'group-name': (g) => [g.groupName],
    'vpc-id': (g) => [g.vpcId],
    description: (g) => [g.description],
    'owner-id': () => [d.accountId],
    'ip-permission.cidr': (g) => g.ingress.map((r) => r.cidrIp),
    'ip-permission.from-port': (g) => g.ingress.map((r) => (r.fromPort === undefined ? undefined : String(r.fromPort))),
    'ip-permission.to-port': (g) => g.ingress.map((r) => (r.toPort === undefined ? undefined : String(r.toPort))),
    'ip-permission.protocol': (g) => g.ingress.map((r) => r.ipProtocol),
    'ip-permission.group-id': (g) => g.ingress.map((r) => r.groupId),
    'egress.ip-permission.cidr': (g) => g.egress.map((r) => r.cidrIp),
  };
}

/** The group a request names by `GroupId`, or by `GroupName` (unique names only). */
function targetGroup(d: EmulatorData, q: QueryParams): SecurityGroupRecord {
  const id = q.get('GroupId');
  if (id !== undefined) return getGroup(d, id);
  const name = q.get('GroupName');
  if (name === undefined) throw missingParameter('GroupId');
  const found = Object.values(d.securityGroups).filter((g) => g.groupName === name);
  if (found.length !== 1)
    throw new AwsError(
      found.length === 0 ? 'InvalidGroup.NotFound' : 'InvalidParameterValue',
      found.length === 0
        ? `The security group '${name}' does not exist`
        : `The group name '${name}' is ambiguous; use GroupId`,
    );
  return found[0]!;
}

export const describeSecurityGroups: Ec2Operation = {
  mutates: false,
  run({ data: d, q }) {
    let selected = Object.values(d.securityGroups);
    const ids = q.list('GroupId');
    const names = q.list('GroupName');
    for (const id of ids) getGroup(d, id);
    for (const n of names)
      if (!selected.some((g) => g.groupName === n))
        throw new AwsError('InvalidGroup.NotFound', `The security group '${n}' does not exist`);
    if (ids.length > 0) selected = selected.filter((g) => ids.includes(g.groupId));
    if (names.length > 0) selected = selected.filter((g) => names.includes(g.groupName));
    const { page, nextToken } = paginate(
      applyFilters(selected, parseFilters(q), groupFilters(d), (g) => g.tags),
      q,
    );
    return [
      list('securityGroupInfo', page, (g) => [
        el('ownerId', d.accountId),
        el('groupId', g.groupId),
        el('groupName', g.groupName),
        el('groupDescription', g.description),
        el('vpcId', g.vpcId),
        el('securityGroupArn', `arn:aws:ec2:${d.region}:${d.accountId}:security-group/${g.groupId}`),
        permissionsXml(d, 'ipPermissions', g.ingress),
        permissionsXml(d, 'ipPermissionsEgress', g.egress),
        tagSet(g.tags),
      ]),
      opt('nextToken', nextToken),
    ];
  },
};

export const createSecurityGroup: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const groupName = q.required('GroupName');
    const description = q.required('GroupDescription');
    if (groupName.startsWith('sg-'))
      throw new AwsError('InvalidParameterValue', 'Group names may not be in the format sg-*.');
    if (groupName.length > 255 || description.length > 255)
      throw new AwsError('InvalidParameterValue', 'Group name and description are limited to 255 characters');
    const vpcId = q.get('VpcId') ?? Object.values(d.vpcs).find((v) => v.isDefault)?.vpcId;
    if (vpcId === undefined) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user');
    getVpc(d, vpcId);
    if (Object.values(d.securityGroups).some((g) => g.vpcId === vpcId && g.groupName === groupName)) {
      throw new AwsError(
        'InvalidGroup.Duplicate',
        `The security group '${groupName}' already exists for VPC '${vpcId}'`,
      );
    }
    const tags = tagsFromSpecifications(q, 'security-group');
    const groupId = ec2Id(d, 'sg');
    d.securityGroups[groupId] = {
      groupId,
      groupName,
      description,
      vpcId,
      tags,
      ingress: [],
      egress: [newRule(d, { ipProtocol: '-1', cidrIp: '0.0.0.0/0' })],
    };
    return [
      el('return', true),
      el('groupId', groupId),
      tagSet(tags),
      el('securityGroupArn', `arn:aws:ec2:${d.region}:${d.accountId}:security-group/${groupId}`),
    ];
  },
};

export const deleteSecurityGroup: Ec2Operation = {
  mutates: true,
  run({ data: d, q, config }) {
    const g = targetGroup(d, q);
    // Consistency mode: a detachment that has not propagated still counts as a user of the group.
    const user =
      Object.values(d.networkInterfaces).find((e) => e.groupIds.includes(g.groupId)) ??
      config.consistency.pending('detached-group', g.groupId);
    const referrer = Object.values(d.securityGroups).find(
      (o) => o.groupId !== g.groupId && [...o.ingress, ...o.egress].some((r) => r.groupId === g.groupId),
    );
    if (user || referrer) throw new AwsError('DependencyViolation', `resource ${g.groupId} has a dependent object`);
    delete d.securityGroups[g.groupId];
    return [el('return', true), el('groupId', g.groupId)];
  },
};

export const authorizeSecurityGroupIngress: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const g = targetGroup(d, q);
    const drafts = requestedRules(d, q);
    if (drafts.length === 0) throw missingParameter('IpPermissions');
    const keys = drafts.map(ruleKey);
    if (new Set(keys).size !== keys.length)
      throw new AwsError('InvalidParameterValue', 'The same permission must not appear multiple times');
    const existing = new Set(g.ingress.map(ruleKey));
    const dup = drafts.find((r) => existing.has(ruleKey(r)));
    if (dup)
      throw new AwsError('InvalidPermission.Duplicate', `the specified rule "${describeRule(dup)}" already exists`);
    if (g.ingress.length + drafts.length > 60)
      throw new AwsError(
        'RulesPerSecurityGroupLimitExceeded',
        'The maximum number of rules per security group has been reached.',
      );
    const added = drafts.map((r) => newRule(d, r));
    g.ingress.push(...added);
    return [el('return', true), list('securityGroupRuleSet', added, (r) => ruleXml(d, g, r, false))];
  },
};

/** Unmatched permissions are reported back, not refused: what EC2 documents for VPC groups. */
export const revokeSecurityGroupIngress: Ec2Operation = {
  mutates: true,
  run({ data: d, q }) {
    const g = targetGroup(d, q);
    const ruleIds = q.list('SecurityGroupRuleId');
    const drafts = requestedRules(d, q);
    if (ruleIds.length === 0 && drafts.length === 0) throw missingParameter('IpPermissions');
    for (const id of ruleIds) {
      if (!g.ingress.some((r) => r.ruleId === id))
        throw new AwsError('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`);
    }
    const unknown: RuleDraft[] = drafts.filter((dr) => !g.ingress.some((r) => ruleKey(r) === ruleKey(dr)));
    const revokeKeys = new Set(drafts.map(ruleKey));
    const revoked = g.ingress.filter((r) => ruleIds.includes(r.ruleId) || revokeKeys.has(ruleKey(r)));
    g.ingress = g.ingress.filter((r) => !revoked.includes(r));
    return [
      el('return', true),
      unknown.length === 0
        ? undefined
        : permissionsXml(
            d,
            'unknownIpPermissionSet',
            unknown.map((r) => ({ ruleId: '', ...r })),
          ),
      list('revokedSecurityGroupRuleSet', revoked, (r) => ruleXml(d, g, r, false)),
    ];
  },
};
