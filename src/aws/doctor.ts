// `solokube doctor`, AWS side: every hop from the credentials to the DNS answers checked, each
// with pass/warn/fail and, unless it passes, what to do. All reads start at once and share one
// deadline; while they run, a progress line names the checks still waiting.

import { DescribeAddressesCommand, DescribeSecurityGroupsCommand } from './sdk/ec2.js';
import type { Address } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from './sdk/sts.js';
import { TAG_CLUSTER } from '../config/naming.js';
import { names } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import { deadlineSignal } from '../core/deadline-signal.js';
import { SolokubeError, formatMs } from '../core/errors.js';
import { info } from '../core/io.js';
import type { ResourceContext } from '../core/resource.js';
import type { IoHost } from '../core/io.js';
import type { AwsClients } from './clients.js';
import { EIP_QUOTA_CODE, elasticIpQuota } from './quota.js';
import { DESIRED_RULES, ruleTexts } from './resources/app-security-group.js';
import type { ControlPlane } from './resources/control-plane.js';
import { controlPlaneInstance } from './resources/control-plane.js';
import { findPublicZone, readZone, appRecordNames } from './resources/dns-zone.js';
import type { ZoneReading } from './resources/dns-zone.js';
import { isOurAddress } from './resources/elastic-ip.js';
import { renderTable } from './table.js';

/** `skip`: the check's subject does not exist here (yet), so it proves nothing either way; never a pass. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  id: string;
  status: CheckStatus;
  summary: string;
  remedy?: string;
  /** Which hop of the path the check belongs to (src/doctor/hops.ts); set by the doctor that runs every hop. */
  hop?: string;
}

/** What the AWS reads found, for the checks of the later hops (node, DNS, TLS) that need addresses. */
export interface AwsFacts {
  controlPlane?: ControlPlane;
  /** This cluster's Elastic IP (the one on the control-plane ENI when there are several). */
  elasticIp?: { publicIp: string; privateIp?: string; onControlPlane: boolean };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: SolokubeError };
const failed = (id: string, e: SolokubeError): Check => ({
  id,
  status: 'fail',
  summary: e.message,
  remedy: e.remedy ?? 'Rerun with --debug to see the AWS error in full.',
});

export interface DoctorOptions {
  /** One deadline for all checks together (default 30 s): a hanging endpoint cannot hold doctor longer. */
  deadlineMs?: number;
  /** How often to say which checks are still waiting (default 5 s). */
  progressEveryMs?: number;
}

export const DEFAULT_DOCTOR_DEADLINE_MS = 30_000;

export async function runAwsDoctor(
  config: SolokubeConfig,
  clients: AwsClients,
  io: IoHost,
  signal: AbortSignal,
  opts: DoctorOptions = {},
): Promise<Check[]> {
  return (await runAwsDoctorWithFacts(config, clients, io, signal, opts)).checks;
}

export async function runAwsDoctorWithFacts(
  config: SolokubeConfig,
  clients: AwsClients,
  io: IoHost,
  signal: AbortSignal,
  opts: DoctorOptions = {},
): Promise<{ checks: Check[]; facts: AwsFacts }> {
  const n = names(config);
  const env = { config, names: n, clients };
  const deadlineMs = opts.deadlineMs ?? DEFAULT_DOCTOR_DEADLINE_MS;
  // The deadline is for AWS's answers: the SDK packages the checks use load before it starts.
  await Promise.all([clients.sts, clients.ec2, clients.quotas, clients.route53].map((c) => c.ready()));
  // Every check runs side by side under this one signal; each is also raced against it, so a call
  // that does not notice the abort still cannot keep doctor waiting.
  // deadlineSignal, not AbortSignal.timeout(): see there (the SDK loading on the first send made the
  // garbage collection that loses a timeout signal likely during the checks).
  const expiry = deadlineSignal(signal, deadlineMs, 'doctor deadline');
  const deadline = expiry.signal;
  const timedOut = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(
        new SolokubeError({
          code: 'doctor.deadline',
          message: `no answer within doctor's deadline of ${formatMs(deadlineMs)}`,
          remedy:
            'Check the network path to AWS (proxy, VPN, AWS_ENDPOINT_URL) and https://health.aws.amazon.com, then rerun.',
          actor: 'aws',
        }),
      );
    if (deadline.aborted) fail();
    else deadline.addEventListener('abort', fail, { once: true });
  });
  timedOut.catch(() => undefined);
  const pending = new Set<string>();
  const settle = <T>(id: string, p: Promise<T>): Promise<Settled<T>> => {
    pending.add(id);
    return Promise.race([p, timedOut])
      .then(
        (value) => ({ ok: true as const, value }),
        (e: unknown) => ({
          ok: false as const,
          error: e instanceof SolokubeError ? e : new SolokubeError({ code: 'internal', message: String(e) }),
        }),
      )
      .finally(() => pending.delete(id));
  };
  const started = Date.now();
  const progress = setInterval(() => {
    if (pending.size > 0)
      info(
        io,
        `doctor: still waiting for ${[...pending].join(', ')} (${formatMs(Date.now() - started)} of ${formatMs(deadlineMs)})`,
      );
  }, opts.progressEveryMs ?? 5_000);
  const ctx: ResourceContext = {
    io,
    signal: deadline,
    planning: true,
    dependency: () => {
      throw new Error('no dependencies');
    },
  };
  let results;
  try {
    results = await Promise.all([
      settle(
        'credentials',
        clients.call('sts:GetCallerIdentity', deadline, (o) => clients.sts.send(new GetCallerIdentityCommand({}), o)),
      ),
      settle('control-plane', controlPlaneInstance(env, { mustExist: true }).find(ctx) as Promise<ControlPlane>),
      settle(
        'elastic-ips',
        clients
          .call('ec2:DescribeAddresses', deadline, (o) => clients.ec2.send(new DescribeAddressesCommand({}), o))
          .then((r) => r.Addresses ?? []),
      ),
      settle('quota', elasticIpQuota(clients, deadline)),
      settle(
        'security-group',
        clients
          .call('ec2:DescribeSecurityGroups', deadline, (o) =>
            clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: n.ownedFilters('apps-security-group') }), o),
          )
          .then((r) => r.SecurityGroups ?? []),
      ),
      settle(
        'dns',
        findPublicZone(clients, config.dnsZone, deadline).then(async (zoneId) => readZone(clients, zoneId, deadline)),
      ),
    ] as const);
  } finally {
    clearInterval(progress);
    expiry.clear();
  }
  const [identity, cp, addresses, quota, groups, dns] = results;
  const checks: Check[] = [];

  checks.push(
    identity.ok
      ? {
          id: 'credentials',
          status: 'pass',
          summary: `AWS identity ${identity.value.Arn} (account ${identity.value.Account})`,
        }
      : failed('credentials', identity.error),
  );
  checks.push(
    cp.ok
      ? {
          id: 'control-plane',
          status: 'pass',
          summary:
            `${cp.value.instanceId} on ${cp.value.networkInterfaceId}, ` +
            `primary ${cp.value.primaryPrivateIp}${cp.value.primaryPublicIp ? ` / ${cp.value.primaryPublicIp}` : ''}`,
        }
      : failed('control-plane', cp.error),
  );

  const all = addresses.ok ? addresses.value : [];
  const ours = all.filter((a) => isOurAddress(a, n.cluster));
  if (!addresses.ok) checks.push(failed('elastic-ip-ownership', addresses.error));
  if (quota.ok && addresses.ok) {
    const full = all.length >= quota.value.value;
    checks.push({
      id: 'elastic-ip-quota',
      // A guessed quota is never a failure: it may be a permission problem, not a full account.
      status:
        full && ours.length === 0 && quota.value.source !== 'default'
          ? 'fail'
          : full || quota.value.source === 'default'
            ? 'warn'
            : 'pass',
      summary:
        `${all.length} of ${quota.value.value} Elastic IPs allocated in ${config.region} (quota ` +
        `from ${quota.value.source}${quota.value.source === 'default' ? `, a guess: ${quota.value.guessReason ?? 'not readable'}` : ''})`,
      ...(full ? { remedy: `Release idle addresses or request more (quota code ${EIP_QUOTA_CODE}).` } : {}),
    });
  } else if (!quota.ok) checks.push(failed('elastic-ip-quota', quota.error));

  if (addresses.ok) checks.push(ownershipCheck(ours, all));
  const eip = ours.find((a) => cp.ok && a.NetworkInterfaceId === cp.value.networkInterfaceId) ?? ours[0];
  checks.push(associationCheck(eip, cp.ok ? cp.value : undefined));
  checks.push(
    groups.ok ? securityGroupCheck(groups.value, cp.ok ? cp.value : undefined) : failed('security-group', groups.error),
  );
  if (!dns.ok) checks.push(failed('dns', dns.error));
  else {
    const wanted = appRecordNames(env);
    const wrong = wanted.filter((w) => {
      const r = dns.value.a.get(w);
      return !eip?.PublicIp || r?.values.length !== 1 || r.values[0] !== eip.PublicIp;
    });
    checks.push(
      wrong.length === 0
        ? { id: 'dns', status: 'pass', summary: `${wanted.join(', ')} → ${eip!.PublicIp}` }
        : {
            id: 'dns',
            status: 'fail',
            summary: `${wrong.join(', ')} ${wrong.length === 1 ? 'does' : 'do'} not point at the Elastic IP ${eip?.PublicIp ?? '(none)'}`,
            remedy: 'Run `solokube dns sync`.',
          },
    );
    checks.push(dnsOwnershipCheck(dns.value, wanted, n.cluster));
    const api = dns.value.a.get(n.apiName);
    if (api && eip?.PublicIp && api.values.includes(eip.PublicIp)) {
      checks.push({
        id: 'dns-api',
        status: 'fail',
        summary: `${n.apiName} points at the apps' Elastic IP`,
        remedy:
          "The API name belongs to the primary address; let kops' dns-controller own it and remove the apps IP from it.",
      });
    }
  }
  const facts: AwsFacts = {
    ...(cp.ok ? { controlPlane: cp.value } : {}),
    ...(eip?.PublicIp
      ? {
          elasticIp: {
            publicIp: eip.PublicIp,
            ...(eip.PrivateIpAddress ? { privateIp: eip.PrivateIpAddress } : {}),
            onControlPlane: cp.ok && eip.NetworkInterfaceId === cp.value.networkInterfaceId,
          },
        }
      : {}),
  };
  return { checks, facts };
}

/** Every wanted name carries our ownership record; names we own that left the configuration are said. */
function dnsOwnershipCheck(zone: ZoneReading, wanted: string[], cluster: string): Check {
  const ownedBy = (name: string) => zone.owners.get(name)?.cluster;
  const foreign = wanted.filter(
    (w) => ownedBy(w) !== cluster && (zone.a.has(w) || zone.otherAt.has(w) || ownedBy(w) !== undefined),
  );
  const missing = wanted.filter((w) => ownedBy(w) !== cluster && !foreign.includes(w));
  const stale = [...zone.owners]
    .filter(([name, o]) => o.cluster === cluster && !wanted.includes(name))
    .map(([name]) => name);
  if (foreign.length > 0) {
    return {
      id: 'dns-ownership',
      status: 'fail',
      summary:
        `${foreign.join(', ')} exist${foreign.length === 1 ? 's' : ''} without an ownership ` +
        `record of ${cluster}${foreign.some((f) => ownedBy(f)) ? ` (owned by ${foreign.map(ownedBy).filter(Boolean).join(', ')})` : ''}`,
      remedy:
        'Rename the clashing app host, delete the record if it is a leftover, or run `solokube dns sync --take-over-dns` to make it ours.',
    };
  }
  if (stale.length > 0) {
    return {
      id: 'dns-ownership',
      status: 'warn',
      summary: `${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} ours but no longer in the configuration`,
      remedy: 'Run `solokube dns sync` to remove them.',
    };
  }
  if (missing.length > 0)
    return {
      id: 'dns-ownership',
      status: 'warn',
      summary: `${missing.join(', ')} not written yet`,
      remedy: 'Run `solokube dns sync`.',
    };
  return { id: 'dns-ownership', status: 'pass', summary: `every app name carries the ownership record of ${cluster}` };
}

function ownershipCheck(ours: Address[], all: Address[]): Check {
  const idleForeign = all.filter((a) => !a.AssociationId && !ours.includes(a));
  const idleOurs = ours.filter((a) => !a.AssociationId);
  const foreignNote = idleForeign.length
    ? `; ${idleForeign.length} idle address(es) not ours, still ` +
      `billed: ${idleForeign.map((a) => `${a.PublicIp} (${a.Tags?.find((t) => t.Key === TAG_CLUSTER)?.Value ?? 'untagged'})`).join(', ')}`
    : '';
  if (ours.length === 0)
    return {
      id: 'elastic-ip-ownership',
      status: 'warn',
      summary: `no Elastic IP tagged for this cluster${foreignNote}`,
      remedy: 'Run `solokube secondary-ip setup`.',
    };
  if (ours.length > 1)
    return {
      id: 'elastic-ip-ownership',
      status: 'warn',
      summary: `${ours.length} Elastic IPs tagged for this cluster (${ours.map((a) => a.PublicIp).join(', ')}); ${idleOurs.length} idle${foreignNote}`,
      remedy: 'Release the idle extra ones (`solokube secondary-ip cleanup` releases all of ours).',
    };
  return {
    id: 'elastic-ip-ownership',
    status: idleForeign.length ? 'warn' : 'pass',
    summary: `one Elastic IP tagged for this cluster: ${ours[0]!.PublicIp} (${ours[0]!.AllocationId})${foreignNote}`,
  };
}

function associationCheck(eip: Address | undefined, cp: ControlPlane | undefined): Check {
  if (!eip)
    return {
      id: 'association',
      status: 'fail',
      summary: 'no Elastic IP of this cluster to check',
      remedy: 'Run `solokube secondary-ip setup`.',
    };
  if (!eip.AssociationId)
    return {
      id: 'association',
      status: 'fail',
      summary: `${eip.PublicIp} is not associated (billed while idle)`,
      remedy:
        'Run `solokube secondary-ip setup`; after a kops instance replacement it re-creates the secondary IP and associates the address again.',
    };
  const onSecondary =
    cp && eip.NetworkInterfaceId === cp.networkInterfaceId && eip.PrivateIpAddress !== cp.primaryPrivateIp;
  return onSecondary
    ? {
        id: 'association',
        status: 'pass',
        summary: `${eip.PublicIp} → secondary private IP ${eip.PrivateIpAddress} on ${eip.NetworkInterfaceId}`,
      }
    : {
        id: 'association',
        status: 'fail',
        summary: `${eip.PublicIp} is associated with ${eip.NetworkInterfaceId} ${eip.PrivateIpAddress}, not a secondary IP of the control-plane ENI`,
        remedy: 'Disassociate it and run `solokube secondary-ip setup`.',
      };
}

function securityGroupCheck(
  groups: { GroupId?: string; IpPermissions?: Parameters<typeof ruleTexts>[0] }[],
  cp: ControlPlane | undefined,
): Check {
  const g = groups[0];
  if (!g?.GroupId)
    return {
      id: 'security-group',
      status: 'fail',
      summary: "solokube's apps security group does not exist",
      remedy: 'Run `solokube secondary-ip setup`.',
    };
  const rules = ruleTexts(g.IpPermissions);
  const missing = DESIRED_RULES.filter((r) => !rules.includes(r));
  const attached = cp?.securityGroupIds.includes(g.GroupId) ?? false;
  if (missing.length || !attached) {
    const rules = missing.length ? `missing ${missing.join(', ')}` : 'rules ok';
    return {
      id: 'security-group',
      status: 'fail',
      summary: `${g.GroupId}: ${rules}; ${attached ? 'attached' : 'not attached to the control-plane ENI'}`,
      remedy: 'Run `solokube secondary-ip setup`.',
    };
  }
  return {
    id: 'security-group',
    status: 'pass',
    summary: `${g.GroupId}: ${rules.join(', ')}; attached to ${cp!.networkInterfaceId}`,
  };
}

export function renderChecks(checks: readonly Check[]): string {
  const rows = checks.map((c) => [
    c.status.toUpperCase(),
    c.id,
    c.summary + (c.remedy && c.status !== 'pass' ? `\n    → ${c.remedy}` : ''),
  ]);
  return renderTable(['result', 'check', 'detail'], rows);
}
