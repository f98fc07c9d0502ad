// Every name solokube derives from the configuration, in one place: tags, AWS resource names, DNS
// names, SNI names, node ports and paths. Nothing else in the code invents a name.

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SolokubeConfig } from './schema.js';

/** Tag keys on every AWS object solokube creates (set at creation through TagSpecifications). */
export const TAG_CLUSTER = 'solokube.io/cluster';
export const TAG_ROLE = 'solokube.io/role';

export type Role = 'apps-elastic-ip' | 'apps-security-group';

/** Fixed ports of the data path (DESIGN.md §1). */
export const PORTS = Object.freeze({
  apiServer: 443,
  proxyHttps: 8443,
  ingressHttps: 30443,
  ingressHttp: 30080,
  directHttps: 8443,
  directHttp: 8080,
  haproxyStats: 8404,
});

export interface Names {
  cluster: string;
  tags(role: Role): { Key: string; Value: string }[];
  /** Filters that select what this cluster's solokube made, for a role. */
  ownedFilters(role: Role): { Name: string; Values: string[] }[];
  elasticIpName: string;
  securityGroupName: string;
  /** The kube API name kops publishes; it stays on the primary address. */
  apiName: string;
  /** SNI names HAProxy must send to the API server rather than the ingress. */
  apiServerNames: string[];
  appsWildcard: string;
  appHosts: string[];
  /** kops' tags on the cluster's instances. */
  kopsClusterTag: { Key: string; Value: string };
}

export function names(c: SolokubeConfig): Names {
  const cluster = c.name;
  const tags = (role: Role) => [
    { Key: TAG_CLUSTER, Value: cluster },
    { Key: TAG_ROLE, Value: role },
    { Key: 'Name', Value: `solokube-apps.${cluster}` },
  ];
  return {
    cluster,
    tags,
    ownedFilters: (role) => [
      { Name: `tag:${TAG_CLUSTER}`, Values: [cluster] },
      { Name: `tag:${TAG_ROLE}`, Values: [role] },
    ],
    elasticIpName: `solokube-apps.${cluster}`,
    securityGroupName: `solokube-apps.${cluster}`,
    apiName: `api.${cluster}`,
    apiServerNames: [`api.${cluster}`, `api.internal.${cluster}`],
    appsWildcard: `*.${c.appsDomain}`,
    appHosts: c.apps.map((a) => a.host ?? `${a.name}.${c.appsDomain}`),
    kopsClusterTag: { Key: 'KubernetesCluster', Value: cluster },
  };
}

/**
 * The names kops owns in the zone for a cluster (see shared/reference/kops-notes.md §3, §5): its
 * A/AAAA/TXT records api.<c>, api.internal.<c>, kops-controller.internal.<c>, bastion.<c> and
 * etcd-*.<c>, with internal.<c> as kops' private subtree. Returns the reason a name is one of them,
 * or is inside one, or undefined. The cluster name itself is reserved too, but names under it are not.
 */
export function kopsOwnedName(name: string, cluster: string): string | undefined {
  if (name === cluster) return 'is the cluster name';
  if (!name.endsWith(`.${cluster}`)) return undefined;
  const labels = name.slice(0, -(cluster.length + 1)).split('.');
  const top = labels[labels.length - 1]!;
  if (top === 'api') return `is or is inside api.${cluster}, kops' name for the API server`;
  if (top === 'internal')
    return `is or is inside internal.${cluster}, where kops keeps api.internal and kops-controller.internal`;
  if (top === 'bastion') return `is or is inside bastion.${cluster}, kops' name for the bastion`;
  if (top.startsWith('etcd-')) return `is or is inside ${top}.${cluster}, a name kops keeps for etcd`;
  return undefined;
}

/** Expand a leading ~/ against the user's home directory. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
