// What the ingress layer needs from solokube.yaml, as plain data: how Traefik is reached (the
// three data-path modes), the ACME account and directory, and each app's HTTP/HTTPS behaviour.
// Pure; every value here was validated by the config schema before it gets this far.

import { ACME_DIRECTORIES } from '../config/validators.js';
import type { SolokubeConfig } from '../config/schema.js';
import { PORTS } from '../config/naming.js';

/**
 * direct:       hostNetwork, web :8080 / websecure :8443; the node redirects secondary 80/443 there.
 * haproxy:      a pod behind NodePorts 30080/30443; HAProxy on the node forwards (PROXY v2 optional).
 * no-secondary: hostNetwork, web :80 / websecure :30443 on the node's primary address.
 */
export type IngressMode = 'direct' | 'haproxy' | 'no-secondary';

/** An app's HTTP behaviour: redirect to HTTPS, serve both, or HTTP only (tls: false). */
export type AppHttpMode = 'https-redirect' | 'https-and-http' | 'http-only';

export interface IngressApp {
  name: string;
  host: string;
  /** The app's Service (same name as the app) and port; the apps layer creates it. */
  serviceName: string;
  servicePort: number;
  mode: AppHttpMode;
}

export interface IngressSettings {
  mode: IngressMode;
  /** haproxy mode: Traefik accepts PROXY v1/v2 from these peers (the node, seen through kube-proxy). */
  proxyProtocolTrustedIps?: string[];
  /** caPem: the CA of the ACME directory's own HTTPS listener, when it is a test CA such as pebble. */
  acme: { directory: string; email?: string; resolver: string; caPem?: string };
  apps: IngressApp[];
  /** Where the apps live in the cluster. */
  appsNamespace: string;
  ports: { web: number; websecure: number; redirectTo?: number };
}

export const ACME_RESOLVER = 'le';
/** kops' default pod network: in haproxy mode kube-proxy may hand Traefik the node's connection from an address in it. */
export const KOPS_POD_CIDR = '100.96.0.0/11';

export function ingressMode(c: Pick<SolokubeConfig, 'secondaryIp' | 'proxy'>): IngressMode {
  return !c.secondaryIp ? 'no-secondary' : c.proxy;
}

export function appHttpMode(
  app: { tls: boolean; httpsRedirect?: boolean | undefined },
  globalRedirect: boolean,
): AppHttpMode {
  if (!app.tls) return 'http-only';
  return (app.httpsRedirect ?? globalRedirect) ? 'https-redirect' : 'https-and-http';
}

export function acmeDirectory(acme: SolokubeConfig['acme']): string {
  return acme === 'production' || acme === 'staging' ? ACME_DIRECTORIES[acme] : acme;
}

export interface SettingsOptions {
  /** The node's primary private address; trusted for PROXY protocol in haproxy mode. */
  nodePrimaryIp?: string;
  /** Further peers (CIDRs) trusted for PROXY protocol in haproxy mode: the sandbox's VPC subnet. */
  proxyProtocolPeers?: readonly string[];
  appsNamespace?: string;
  /**
   * PEM of the CA that signed the ACME directory's HTTPS listener, for a test CA (the sandbox's
   * pebble); never needed for Let's Encrypt, whose listener chains to the system roots.
   */
  acmeCaPem?: string;
}

export function ingressSettings(c: SolokubeConfig, o: SettingsOptions = {}): IngressSettings {
  const mode = ingressMode(c);
  const ports =
    mode === 'no-secondary'
      ? { web: 80, websecure: PORTS.ingressHttps, redirectTo: PORTS.ingressHttps }
      : { web: PORTS.directHttp, websecure: PORTS.directHttps };
  return {
    mode,
    ...(mode === 'haproxy' && c.proxyProtocol
      ? {
          proxyProtocolTrustedIps: [
            '127.0.0.1/32',
            ...(o.nodePrimaryIp ? [`${o.nodePrimaryIp}/32`] : []),
            KOPS_POD_CIDR,
            ...(o.proxyProtocolPeers ?? []),
          ],
        }
      : {}),
    acme: {
      directory: acmeDirectory(c.acme),
      resolver: ACME_RESOLVER,
      ...(c.tlsEmail ? { email: c.tlsEmail } : {}),
      ...(o.acmeCaPem ? { caPem: o.acmeCaPem } : {}),
    },
    apps: c.apps.map((a) => ({
      name: a.name,
      host: a.host ?? `${a.name}.${c.appsDomain}`,
      serviceName: a.name,
      servicePort: a.port,
      mode: appHttpMode(a, c.httpsRedirect),
    })),
    appsNamespace: o.appsNamespace ?? 'default',
    ports,
  };
}
