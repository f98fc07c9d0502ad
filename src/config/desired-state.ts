// What solokube will own for a configuration, described without contacting anything: the offline
// view `solokube plan --offline` prints. The live plan compares the same things against AWS and the
// node.

import { PORTS, TAG_CLUSTER, TAG_ROLE, names } from './naming.js';
import type { SolokubeConfig } from './schema.js';

export interface DesiredItem {
  id: string;
  title: string;
  values: Record<string, unknown>;
}

export function desiredState(c: SolokubeConfig): DesiredItem[] {
  const n = names(c);
  const items: DesiredItem[] = [
    {
      id: 'aws/control-plane',
      title: `control-plane instance of ${c.name} (found by kops' tags, read only)`,
      values: { region: c.region, tag: `${n.kopsClusterTag.Key}=${n.kopsClusterTag.Value}`, instanceType: c.instanceType },
    },
  ];
  if (!c.secondaryIp) {
    items.push({
      id: 'note/no-secondary-ip',
      title: 'secondary IP disabled: apps answer on the ingress NodePorts of the primary address',
      values: { https: `https://<app>.${c.appsDomain}:${PORTS.ingressHttps}`, http: `http://<app>.${c.appsDomain}:${PORTS.ingressHttp}` },
    });
    return items;
  }
  const ownTags = (role: string) => `${TAG_CLUSTER}=${c.name}, ${TAG_ROLE}=${role}`;
  items.push(
    { id: 'aws/secondary-private-ip', title: 'secondary private IP on the control-plane ENI', values: { count: 1 } },
    { id: 'aws/elastic-ip', title: `Elastic IP ${n.elasticIpName}`, values: { domain: 'vpc', tags: ownTags('apps-elastic-ip') } },
    { id: 'aws/eip-association', title: 'Elastic IP → secondary private IP', values: { privateIpAddress: '(the secondary private IP)', allowReassociation: false } },
    {
      id: 'aws/app-security-group',
      title: `security group ${n.securityGroupName}, attached to the control-plane ENI`,
      values: { ingress: ['tcp/80 from 0.0.0.0/0', 'tcp/443 from 0.0.0.0/0'], tags: ownTags('apps-security-group') },
    },
    { id: 'aws/dns-records', title: `Route 53 A records in ${c.dnsZone}`, values: { names: [n.appsWildcard, ...n.appHosts], target: '(the Elastic IP)', ttl: 60 } },
    { id: 'node/secondary-address', title: 'secondary address on the node interface', values: { interface: c.nodeInterface ?? '(the ENI device)' } },
    {
      id: 'node/redirect-rules',
      title: 'NAT redirect for the secondary address only',
      values: c.proxy === 'haproxy'
        ? { rules: [`<secondary>:443 → :${PORTS.proxyHttps}`] }
        : { rules: [`<secondary>:443 → :${PORTS.directHttps}`, `<secondary>:80 → :${PORTS.directHttp}`] },
    },
  );
  if (c.proxy === 'haproxy') {
    items.push({
      id: 'node/proxy',
      title: 'HAProxy routing by TLS SNI',
      values: {
        https: `0.0.0.0:${PORTS.proxyHttps}: ${n.apiServerNames.join(', ')} → API server :${PORTS.apiServer}; other names → ingress :${PORTS.ingressHttps}`,
        http: `<secondary>:80 → ingress :${PORTS.ingressHttp}`,
        proxyProtocol: c.proxyProtocol,
        stats: `127.0.0.1:${PORTS.haproxyStats}`,
      },
    });
  }
  items.push({ id: 'node/boot-unit', title: 'boot unit restoring address and rules before the proxy', values: { unit: 'solokube-secondary-ip.service' } });
  return items;
}
