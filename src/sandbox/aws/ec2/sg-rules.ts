// Security-group rules (note §4.4): parsing `IpPermissions.N.*` into one rule per peer, rule
// identity (protocol, ports, peer), and the grouped XML view AWS returns.
import { AwsError } from '../errors.js';
import { ec2Id } from '../ids.js';
import { parseCidr } from '../ipv4.js';
import { isPort } from '../../../config/validators.js';
import type { EmulatorData, SecurityGroupRecord, SgRule } from '../model.js';
import type { QueryParams } from '../query.js';
import { el, list, opt, type Xml } from '../xml.js';
import { getGroup } from './lookup.js';

const PROTOCOLS: Record<string, string> = {
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  '-1': '-1',
  all: '-1',
};

export type RuleDraft = Omit<SgRule, 'ruleId'>;

function ports(p: QueryParams, protocol: string): Pick<RuleDraft, 'fromPort' | 'toPort'> {
  if (protocol === '-1') return {};
  const fromPort = p.int('FromPort');
  const toPort = p.int('ToPort');
  if (fromPort === undefined || toPort === undefined) {
    throw new AwsError(
      'InvalidParameterValue',
      `Invalid value for portRange. Must specify both from and to ports with ${protocol.toUpperCase()}.`,
    );
  }
  if (
    protocol !== 'icmp' &&
    (!isPort(fromPort, { allowZero: true }) || !isPort(toPort, { allowZero: true }) || fromPort > toPort)
  ) {
    throw new AwsError('InvalidParameterValue', `Invalid port range ${fromPort}-${toPort}`);
  }
  return { fromPort, toPort };
}

function permissionRules(d: EmulatorData, p: QueryParams): RuleDraft[] {
  const raw = p.get('IpProtocol');
  const protocol = raw === undefined ? undefined : PROTOCOLS[raw.toLowerCase()];
  if (protocol === undefined)
    throw new AwsError('InvalidParameterValue', `Invalid value '${raw ?? ''}' for IP protocol. Unknown protocol.`);
  const base = { ipProtocol: protocol, ...ports(p, protocol) };
  const withDescription = (r: QueryParams) => {
    const s = r.get('Description');
    return s === undefined ? {} : { description: s };
  };
  const rules: RuleDraft[] = [];
  for (const r of p.structs('IpRanges')) {
    const cidrIp = r.get('CidrIp') ?? '';
    if (!parseCidr(cidrIp)) throw new AwsError('InvalidParameterValue', `CIDR block ${cidrIp} is malformed`);
    rules.push({ ...base, cidrIp, ...withDescription(r) });
  }
  for (const r of p.structs('Ipv6Ranges'))
    rules.push({ ...base, cidrIpv6: r.get('CidrIpv6') ?? '', ...withDescription(r) });
  for (const r of p.structs('PrefixListIds'))
    rules.push({ ...base, prefixListId: r.get('PrefixListId') ?? '', ...withDescription(r) });
  for (const r of p.structs('Groups')) {
    const id = r.get('GroupId');
    const name = r.get('GroupName');
    const peer = id !== undefined ? getGroup(d, id) : Object.values(d.securityGroups).find((g) => g.groupName === name);
    if (!peer) throw new AwsError('InvalidGroup.NotFound', `The security group '${name ?? ''}' does not exist`);
    rules.push({ ...base, groupId: peer.groupId, ...withDescription(r) });
  }
  if (rules.length === 0)
    throw new AwsError(
      'MissingParameter',
      'Each permission needs a source: IpRanges, Ipv6Ranges, PrefixListIds or Groups',
    );
  return rules;
}

/** The rules a request asks for: `IpPermissions.N`, or the legacy top-level CidrIp form. */
export function requestedRules(d: EmulatorData, q: QueryParams): RuleDraft[] {
  const perms = q.structs('IpPermissions');
  if (perms.length > 0) return perms.flatMap((p) => permissionRules(d, p));
  const cidrIp = q.get('CidrIp');
  if (cidrIp === undefined) return [];
  const protocol = PROTOCOLS[(q.get('IpProtocol') ?? '').toLowerCase()];
  if (protocol === undefined) throw new AwsError('InvalidParameterValue', 'Invalid IP protocol');
  if (!parseCidr(cidrIp)) throw new AwsError('InvalidParameterValue', `CIDR block ${cidrIp} is malformed`);
  return [{ ipProtocol: protocol, ...ports(q, protocol), cidrIp }];
}

export function ruleKey(r: RuleDraft): string {
  return [
    r.ipProtocol,
    r.fromPort ?? '',
    r.toPort ?? '',
    r.cidrIp ?? '',
    r.cidrIpv6 ?? '',
    r.prefixListId ?? '',
    r.groupId ?? '',
  ].join('|');
}

/** The wording real EC2 uses in InvalidPermission.Duplicate. */
export function describeRule(r: RuleDraft): string {
  const peer = r.cidrIp ?? r.cidrIpv6 ?? r.prefixListId ?? r.groupId ?? '';
  const proto = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
  const range = r.fromPort === undefined ? '' : `, from port: ${r.fromPort}, to port: ${r.toPort}`;
  return `peer: ${peer}, ${proto}${range}, ALLOW`;
}

export function newRule(d: EmulatorData, r: RuleDraft): SgRule {
  return { ruleId: ec2Id(d, 'sgr'), ...r };
}

/** AWS groups rules with the same protocol and ports into one permission with several peers. */
export function permissionsXml(d: EmulatorData, name: string, rules: readonly SgRule[]): Xml {
  const groups = new Map<string, SgRule[]>();
  for (const r of rules) {
    const k = `${r.ipProtocol}|${r.fromPort ?? ''}|${r.toPort ?? ''}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const desc = (r: SgRule) => opt('description', r.description);
  return list(name, [...groups.values()], (rs) => [
    el('ipProtocol', rs[0]!.ipProtocol),
    opt('fromPort', rs[0]!.fromPort),
    opt('toPort', rs[0]!.toPort),
    list(
      'groups',
      rs.filter((r) => r.groupId !== undefined),
      (r) => [
        el('userId', d.accountId),
        el('groupId', r.groupId!),
        opt('groupName', d.securityGroups[r.groupId!]?.groupName),
        desc(r),
      ],
    ),
    list(
      'ipRanges',
      rs.filter((r) => r.cidrIp !== undefined),
      (r) => [el('cidrIp', r.cidrIp!), desc(r)],
    ),
    list(
      'ipv6Ranges',
      rs.filter((r) => r.cidrIpv6 !== undefined),
      (r) => [el('cidrIpv6', r.cidrIpv6!), desc(r)],
    ),
    list(
      'prefixListIds',
      rs.filter((r) => r.prefixListId !== undefined),
      (r) => [el('prefixListId', r.prefixListId!), desc(r)],
    ),
  ]);
}

export function ruleXml(d: EmulatorData, g: SecurityGroupRecord, r: SgRule, isEgress: boolean): Xml[] {
  return [
    el('securityGroupRuleId', r.ruleId),
    el('groupId', g.groupId),
    el('groupOwnerId', d.accountId),
    el('isEgress', isEgress),
    el('ipProtocol', r.ipProtocol),
    el('fromPort', r.fromPort ?? -1),
    el('toPort', r.toPort ?? -1),
    ...[
      opt('cidrIpv4', r.cidrIp),
      opt('cidrIpv6', r.cidrIpv6),
      opt('prefixListId', r.prefixListId),
      r.groupId === undefined
        ? undefined
        : el('referencedGroupInfo', [el('groupId', r.groupId), el('userId', d.accountId)]),
      opt('description', r.description),
    ].filter((x): x is Xml => x !== undefined),
    el('tagSet'),
  ];
}
