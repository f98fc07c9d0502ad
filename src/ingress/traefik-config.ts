// Traefik's static configuration and its file-provider dynamic configuration, as objects (they
// are written as YAML into the ConfigMap, and as files by the lab). One source for both, so the
// lab's real Traefik runs exactly what the cluster would get.
//
// Choices (see the README's ingress section):
// - the admin entrypoint `traefik` (ping, API) is always defined, on loopback in hostNetwork modes:
//   left undefined, Traefik would create it on :8080, the direct mode's web port;
// - no entrypoint-level TLS or redirect: each app's routers say what they want (per-app modes);
// - the redirect is a file-provider middleware (no CRDs), attached only to the HTTP routers of
//   apps in https-redirect mode; the ACME HTTP-01 router has the highest priority and still wins.

import type { IngressSettings } from './settings.js';

export const ADMIN_PORT = 9000;
export const ACME_STORAGE_DIR = '/data';
export const ACME_STORAGE_FILE = `${ACME_STORAGE_DIR}/acme.json`;
export const DYNAMIC_DIR = '/etc/traefik/dynamic';
export const REDIRECT_MIDDLEWARE = 'solokube-redirect-https';
export const INGRESS_CLASS = 'traefik';

export interface StaticConfigOptions {
  /** Read Ingress objects from Kubernetes (false for the lab, which runs without a cluster). */
  kubernetes: boolean;
  /** PEM files Traefik trusts for the ACME directory's HTTPS (only for a test CA such as pebble). */
  acmeCaCertificates?: string[];
  storageFile?: string;
  dynamicDir?: string;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Bind the admin entrypoint on all addresses (pod network) rather than loopback (hostNetwork). */
  adminOnAllAddresses?: boolean;
}

export function renderStaticConfig(s: IngressSettings, o: StaticConfigOptions): Record<string, unknown> {
  const proxyProtocol = s.proxyProtocolTrustedIps ? { proxyProtocol: { trustedIPs: s.proxyProtocolTrustedIps } } : {};
  return {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    log: { level: o.logLevel ?? 'INFO' },
    entryPoints: {
      web: { address: `:${s.ports.web}`, ...proxyProtocol },
      websecure: { address: `:${s.ports.websecure}`, ...proxyProtocol },
      traefik: { address: `${o.adminOnAllAddresses ? '' : '127.0.0.1'}:${ADMIN_PORT}` },
    },
    ping: { entryPoint: 'traefik' },
    providers: {
      file: { directory: o.dynamicDir ?? DYNAMIC_DIR, watch: true },
      ...(o.kubernetes ? { kubernetesIngress: { ingressClass: INGRESS_CLASS, allowEmptyServices: false } } : {}),
    },
    certificatesResolvers: {
      [s.acme.resolver]: {
        acme: {
          ...(s.acme.email ? { email: s.acme.email } : {}),
          caServer: s.acme.directory,
          storage: o.storageFile ?? ACME_STORAGE_FILE,
          keyType: 'EC256',
          httpChallenge: { entryPoint: 'web' },
          ...(o.acmeCaCertificates ? { caCertificates: o.acmeCaCertificates } : {}),
        },
      },
    },
  };
}

/** The redirect middleware; in no-secondary mode HTTPS lives on 30443, so the Location names it. */
export function renderDynamicConfig(s: IngressSettings): Record<string, unknown> {
  return {
    http: {
      middlewares: {
        [REDIRECT_MIDDLEWARE]: {
          redirectScheme: {
            scheme: 'https',
            permanent: true,
            ...(s.ports.redirectTo ? { port: String(s.ports.redirectTo) } : {}),
          },
        },
      },
    },
  };
}
