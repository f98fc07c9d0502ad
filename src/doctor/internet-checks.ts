// The hops seen from the internet: DNS (each app name resolves to the Elastic IP through public
// resolution, api.<cluster> to the primary address), TLS (the certificate each HTTPS app presents on
// the Elastic IP: trusted, for its name, days to expiry), an end-to-end request to each app's URL,
// and the API answering on the primary public address. Requests are built and results judged here,
// purely; a Vantage runs them.

import type { Check } from '../aws/doctor.js';
import { names, PORTS } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import { TLS_TRUST_CODES } from '../core/tls-codes.js';
import type { Hop } from './hops.js';
import type { HttpResult, ProbeRequest, ProbeResult, ResolveResult, TlsResult } from './probes.js';

/** A certificate with fewer days left than this is a warning: ACME clients renew at 30 days. */
export const CERT_WARN_DAYS = 20;

export interface InternetTargets {
  /** The address the app names must resolve to (the Elastic IP; the primary public IP without the secondary path). */
  appsAddress?: string;
  /** The instance's own public address, where api.<cluster> points and kube-apiserver answers. */
  primaryPublicIp?: string;
  /** The cluster's CA (PEM) from the admin kubeconfig: the only issuer the API on the primary address may present. */
  clusterCaPem?: string;
}

export interface AppProbe {
  host: string;
  tls: boolean;
}

export function appProbes(config: SolokubeConfig): AppProbe[] {
  const hosts = names(config).appHosts;
  return config.apps.map((a, i) => ({ host: hosts[i]!, tls: a.tls !== false }));
}

/** The HTTPS port the apps answer on from the internet. */
const httpsPort = (config: SolokubeConfig): number => (config.secondaryIp ? 443 : PORTS.ingressHttps);
const httpPort = (config: SolokubeConfig): number => (config.secondaryIp ? 80 : PORTS.ingressHttp);

export function appUrl(config: SolokubeConfig, app: AppProbe): string {
  const port = app.tls ? httpsPort(config) : httpPort(config);
  const scheme = app.tls ? 'https' : 'http';
  return `${scheme}://${app.host}${port === (app.tls ? 443 : 80) ? '' : `:${port}`}/`;
}

/** The probes for the selected internet hops (dns: lookups; tls: certificates; e2e: requests). */
export function internetRequests(
  config: SolokubeConfig,
  t: InternetTargets,
  hops: readonly Hop[] = ['dns', 'tls', 'e2e'],
): ProbeRequest[] {
  const apps = appProbes(config);
  const reqs: ProbeRequest[] = [];
  if (hops.includes('dns'))
    reqs.push(...apps.map((a): ProbeRequest => ({ kind: 'resolve', name: a.host })), {
      kind: 'resolve',
      name: names(config).apiName,
    });
  if (hops.includes('e2e')) reqs.push(...apps.map((a): ProbeRequest => ({ kind: 'http', url: appUrl(config, a) })));
  if (t.appsAddress && hops.includes('tls'))
    reqs.push(
      ...apps
        .filter((a) => a.tls)
        .map((a): ProbeRequest => ({
          kind: 'tls',
          address: t.appsAddress!,
          port: httpsPort(config),
          servername: a.host,
        })),
    );
  // kube-apiserver's certificate is signed by the cluster's own CA, which no public store trusts:
  // the request trusts that CA alone, so whatever else answers on the primary's 443 (a redirect
  // that matches too much, another server) fails the check instead of passing for the API.
  if (t.primaryPublicIp && t.clusterCaPem && hops.includes('e2e'))
    reqs.push({
      kind: 'http',
      url: `https://${names(config).apiName}/version`,
      address: t.primaryPublicIp,
      caPem: t.clusterCaPem,
    });
  return reqs;
}

type HopCheck = Check & { hop: Hop };

const DNS_REMEDY =
  'Run `solokube dns sync`; if Route 53 is already right (see the dns check), wait for resolvers to drop the old answer (the record TTL).';

function dnsCheck(id: string, r: ResolveResult | undefined, expected: string | undefined, what: string): HopCheck {
  if (!expected)
    return {
      id,
      hop: 'dns',
      status: 'skip',
      summary: `skipped: no ${what} is known to compare with (see the AWS checks)`,
    };
  if (!r) return { id, hop: 'dns', status: 'fail', summary: 'the lookup did not run', remedy: DNS_REMEDY };
  if (r.error || r.addresses.length === 0)
    return {
      id,
      hop: 'dns',
      status: 'fail',
      summary: `${r.name} does not resolve: ${r.error ?? 'no A record'}`,
      remedy: DNS_REMEDY,
    };
  return r.addresses.length === 1 && r.addresses[0] === expected
    ? { id, hop: 'dns', status: 'pass', summary: `${r.name} → ${expected}` }
    : {
        id,
        hop: 'dns',
        status: 'fail',
        summary: `${r.name} → ${r.addresses.join(', ')}, not the ${what} ${expected}`,
        remedy: DNS_REMEDY,
      };
}

const TLS_REMEDY =
  "Look at the ingress's certificate resolver (Traefik's log: ACME HTTP-01 needs " +
  'http://<app>/.well-known/acme-challenge/ reaching the ingress on port 80); `solokube ' +
  'doctor` again after it renews.';

const DAY_MS = 86_400_000;

/** A duration the way a person reads a certificate's remaining life: whole days, else hours, minutes, seconds. */
export function span(ms: number): string {
  const units: [number, string][] = [
    [DAY_MS, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) if (ms >= size) return `${Math.floor(ms / size)} ${name}(s)`;
  return `${Math.floor(ms / 1000)} second(s)`;
}

export function tlsCheck(id: string, r: TlsResult | undefined, now: Date): HopCheck {
  if (!r) return { id, hop: 'tls', status: 'skip', summary: 'skipped: no address to connect to (see the AWS checks)' };
  if (r.error)
    return {
      id,
      hop: 'tls',
      status: 'fail',
      summary: `no TLS handshake with ${r.address}:443 for ${r.servername}: ${r.error}`,
      remedy: TLS_REMEDY,
    };
  const leftMs = r.validTo ? Date.parse(r.validTo) - now.getTime() : undefined;
  const days = leftMs === undefined ? undefined : Math.floor(leftMs / DAY_MS);
  const validity =
    leftMs === undefined
      ? 'no expiry date'
      : leftMs <= 0
        ? `expired ${span(-leftMs)} ago (${r.validTo})`
        : `${span(leftMs)} left (until ${r.validTo})`;
  const described = `issuer ${r.issuer ?? 'unknown'}, names ${(r.names ?? []).join(', ') || 'none'}, ${validity}`;
  if (days === undefined || days < 0 || r.validTo === undefined || Date.parse(r.validTo) <= now.getTime())
    return {
      id,
      hop: 'tls',
      status: 'fail',
      summary: `${r.servername}: expired certificate; ${described}`,
      remedy: TLS_REMEDY,
    };
  if (!r.nameMatches)
    return {
      id,
      hop: 'tls',
      status: 'fail',
      summary: `${r.servername} is not among the certificate's names; ${described}`,
      remedy: TLS_REMEDY,
    };
  if (!r.authorized)
    return {
      id,
      hop: 'tls',
      status: 'fail',
      summary: `${r.servername}: the certificate is not trusted (${r.authorizationError ?? 'unknown reason'}); ${described}`,
      remedy: TLS_REMEDY,
    };
  if (days < CERT_WARN_DAYS)
    return {
      id,
      hop: 'tls',
      status: 'warn',
      summary: `${r.servername}: ${described}; renewal is overdue`,
      remedy: TLS_REMEDY,
    };
  return { id, hop: 'tls', status: 'pass', summary: `${r.servername}: ${described}` };
}

function e2eCheck(id: string, url: string, r: HttpResult | undefined): HopCheck {
  if (!r || r.error)
    return {
      id,
      hop: 'e2e',
      status: 'fail',
      summary: `${url}: ${r?.error ?? 'not requested'}`,
      remedy: 'Follow the first failing check above; if every hop passes, look at the app: `kubectl get pods -A`.',
    };
  return r.status !== undefined && r.status < 500
    ? { id, hop: 'e2e', status: 'pass', summary: `${url} answered HTTP ${r.status}` }
    : {
        id,
        hop: 'e2e',
        status: 'fail',
        summary: `${url} answered HTTP ${r.status}${r.bodyStart ? `: ${r.bodyStart.split('\n')[0]}` : ''}`,
        remedy: "The ingress answered but the app did not: check the app's pods and the ingress log.",
      };
}

function apiOnPrimaryCheck(config: SolokubeConfig, t: InternetTargets, r: HttpResult | undefined): HopCheck {
  const id = 'e2e/api-on-primary';
  const api = names(config).apiName;
  const primary = t.primaryPublicIp;
  if (!primary) return { id, hop: 'e2e', status: 'skip', summary: 'skipped: the instance has no public address known' };
  if (!t.clusterCaPem)
    return {
      id,
      hop: 'e2e',
      status: 'skip',
      summary:
        "skipped: no kubeconfig with the cluster's CA, so nothing can tell kube-apiserver from another server on the primary address",
    };
  if (r?.errorCode && TLS_TRUST_CODES.has(r.errorCode))
    return {
      id,
      hop: 'e2e',
      status: 'fail',
      summary: `${primary}:443 for ${api} presents a certificate the cluster's CA did not issue for that name: ${r.error}`,
      remedy:
        'Something other than kube-apiserver answers there, or the kubeconfig is from another cluster: check that the ' +
        'redirect matches only the secondary address (node/redirect), and export the kubeconfig again ' +
        '(`kops export kubeconfig --admin`) if the cluster was recreated.',
    };
  if (!r || r.error || r.status === undefined || r.status >= 500)
    return {
      id,
      hop: 'e2e',
      status: 'fail',
      summary: `kube-apiserver does not answer on ${primary}:443 for ${api}: ${r?.error ?? `HTTP ${r?.status}`}`,
      remedy:
        'Check that the redirect matches only the secondary address (node/redirect) and that kube-apiserver runs (`kops validate cluster`).',
    };
  const version = /"gitVersion":\s*"([^"]+)"/.exec(r.bodyStart ?? '')?.[1];
  return {
    id,
    hop: 'e2e',
    status: 'pass',
    summary: `kube-apiserver answers on ${primary}:443 with the cluster's certificate (HTTP ${r.status}${version ? `, ${version}` : ''})`,
  };
}

/** Judge the probe results (in the order internetRequests built them). */
export function internetChecks(
  config: SolokubeConfig,
  t: InternetTargets,
  results: readonly ProbeResult[],
  now: Date,
): HopCheck[] {
  const resolved = new Map(
    results.filter((r): r is ResolveResult => r.kind === 'resolve').map((r) => [r.name, r] as const),
  );
  const certs = new Map(results.filter((r): r is TlsResult => r.kind === 'tls').map((r) => [r.servername, r] as const));
  const responses = new Map(results.filter((r): r is HttpResult => r.kind === 'http').map((r) => [r.url, r] as const));
  const apps = appProbes(config);
  const apiName = names(config).apiName;
  const appsWhat = config.secondaryIp ? 'Elastic IP' : 'primary public IP';
  return [
    apiOnPrimaryCheck(config, t, responses.get(`https://${apiName}/version`)),
    ...apps.map((a) => dnsCheck(`dns/${a.host}`, resolved.get(a.host), t.appsAddress, appsWhat)),
    dnsCheck(`dns/${apiName}`, resolved.get(apiName), t.primaryPublicIp, 'primary public IP'),
    ...apps.filter((a) => a.tls).map((a) => tlsCheck(`tls/${a.host}`, certs.get(a.host), now)),
    ...apps.map((a) => e2eCheck(`e2e/${a.host}`, appUrl(config, a), responses.get(appUrl(config, a)))),
  ];
}
