// solokube.yaml, as a zod schema. Defaults are filled here and only here; derived names live in
// naming.ts. Cross-field rules (names inside the DNS zone, unique apps) are checked in superRefine
// so that every problem is reported in one go.

import { z } from 'zod';
import {
  EMAIL_RE, INSTANCE_TYPE_RE, INTERFACE_RE, K8S_VERSION_RE, LABEL_RE, PROFILE_RE, REGION_RE, SSH_USER_RE,
  isAcmeDirectoryUrl, isDnsName, isSafePath, isWithinZone,
} from './validators.js';

const dnsName = z.string().refine(isDnsName, { message: 'must be a DNS name of lower-case RFC 1123 labels such as c1.example.com (no trailing dot)' });
const safePath = z.string().refine(isSafePath, { message: 'must be a plain file path without spaces or shell metacharacters' });

export const appSchema = z.object({
  name: z.string().regex(LABEL_RE, 'must be a lower-case RFC 1123 label such as hello-web'),
  port: z.number().int().min(1).max(65535),
  host: dnsName.optional(),
  dockerfile: safePath.optional(),
  /** false: HTTP only, no certificate (e.g. while the ACME rate limit bites). */
  tls: z.boolean().default(true),
  /** Overrides the global httpsRedirect for this app (written by `solokube https-redirect --app`). */
  httpsRedirect: z.boolean().optional(),
}).strict();

/** `production`, `staging` (Let's Encrypt) or the https URL of another ACME directory. */
export const acmeSchema = z.union([
  z.enum(['production', 'staging']),
  z.string().refine(isAcmeDirectoryUrl, { message: 'must be production, staging or an https:// ACME directory URL (no credentials, query or spaces)' }),
]);

export const configSchema = z.object({
  name: dnsName,
  dnsZone: dnsName,
  appsDomain: dnsName.optional(),
  region: z.string().regex(REGION_RE, 'must be an AWS region such as eu-west-1'),
  profile: z.string().regex(PROFILE_RE, 'must be an AWS profile name').optional(),
  zones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]$/, 'must be an availability zone such as eu-west-1a')).min(1).optional(),
  instanceType: z.string().regex(INSTANCE_TYPE_RE, 'must be an EC2 instance type such as t3.medium').default('t3.medium'),
  kubernetesVersion: z.string().regex(K8S_VERSION_RE, 'must be a Kubernetes version such as 1.33.4').default('1.33.4'),
  ssh: z.object({
    privateKey: safePath.default('~/.ssh/id_ed25519'),
    user: z.string().regex(SSH_USER_RE, 'must be a Linux login name').default('admin'),
    knownHosts: safePath.default('~/.solokube/known_hosts'),
  }).strict().default({ privateKey: '~/.ssh/id_ed25519', user: 'admin', knownHosts: '~/.solokube/known_hosts' }),
  nodeInterface: z.string().regex(INTERFACE_RE, 'must be a network interface name such as ens5').optional(),
  secondaryIp: z.boolean().default(true),
  proxy: z.enum(['haproxy', 'direct']).default('direct'),
  proxyProtocol: z.boolean().default(false),
  tlsEmail: z.string().regex(EMAIL_RE, 'must be an e-mail address').optional(),
  acme: acmeSchema.default('production'),
  /** Redirect the apps' HTTP to HTTPS (apps with tls: false are never redirected). */
  httpsRedirect: z.boolean().default(true),
  apps: z.array(appSchema).default([]),
}).strict().superRefine((c, ctx) => {
  if (!isWithinZone(c.name, c.dnsZone)) {
    ctx.addIssue({ code: 'custom', path: ['name'], message: `must be inside the DNS zone ${c.dnsZone} (kops publishes api.${c.name} there)` });
  }
  if (c.appsDomain && !isWithinZone(c.appsDomain, c.dnsZone)) {
    ctx.addIssue({ code: 'custom', path: ['appsDomain'], message: `must be inside the DNS zone ${c.dnsZone}` });
  }
  if (c.zones) {
    c.zones.forEach((z, i) => {
      if (!z.startsWith(c.region)) ctx.addIssue({ code: 'custom', path: ['zones', i], message: `must be a zone of region ${c.region}` });
    });
  }
  if (c.proxyProtocol && c.proxy === 'direct') {
    ctx.addIssue({ code: 'custom', path: ['proxyProtocol'], message: 'only applies to proxy: haproxy (direct mode already keeps the client address)' });
  }
  const seen = new Map<string, number>();
  c.apps.forEach((a, i) => {
    if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'name'], message: `duplicates apps[${seen.get(a.name)}].name` });
    seen.set(a.name, i);
    if (a.host && !isWithinZone(a.host, c.dnsZone)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'host'], message: `must be inside the DNS zone ${c.dnsZone}` });
    if (a.host && a.host === `api.${c.name}`) ctx.addIssue({ code: 'custom', path: ['apps', i, 'host'], message: 'is the API server name; apps cannot use it' });
    if (a.tls === false && a.httpsRedirect === true) ctx.addIssue({ code: 'custom', path: ['apps', i, 'httpsRedirect'], message: 'needs tls: true (an app without TLS has nothing to redirect to)' });
  });
});

export type ConfigInput = z.input<typeof configSchema>;
export type SolokubeConfig = z.output<typeof configSchema> & { appsDomain: string; zones: string[] };
