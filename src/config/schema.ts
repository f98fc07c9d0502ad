// solokube.yaml, as a zod schema. Defaults are filled here and only here; derived names live in
// naming.ts. Cross-field rules (names inside the DNS zone, unique apps) are checked in superRefine
// so that every problem is reported in one go.

import { z } from 'zod';
import {
  EMAIL_RE,
  INSTANCE_TYPE_RE,
  INTERFACE_RE,
  K8S_VERSION_RE,
  LABEL_RE,
  MAX_PORT,
  PROFILE_RE,
  REGION_RE,
  SSH_USER_RE,
  isAcmeDirectoryUrl,
  isDnsName,
  isPort,
  isSafePath,
  isWithinZone,
} from './validators.js';
import { kopsOwnedName } from './naming.js';
import { KOPS_IMAGE_RE, KOPS_NETWORKING, isValidBucketName } from './kops-fields.js';

const dnsName = z.string().refine(isDnsName, {
  message: 'must be a DNS name of lower-case RFC 1123 labels such as c1.example.com (no trailing dot)',
});
const safePath = z
  .string()
  .refine(isSafePath, { message: 'must be a plain file path without spaces or shell metacharacters' });

export const appSchema = z
  .object({
    name: z.string().regex(LABEL_RE, 'must be a lower-case RFC 1123 label such as hello-web'),
    port: z.number().refine((n) => isPort(n), `must be a port number from 1 to ${MAX_PORT}`),
    host: dnsName.optional(),
    dockerfile: safePath.optional(),
    /** Build context, relative to the project directory (default: the project directory). */
    context: safePath.optional(),
    /** Images kept in the app's ECR repository by its lifecycle policy (default: the global keepImages). */
    keepImages: z.number().int().min(1).max(1000).optional(),
    /** Pods of the app's Deployment (default 1). */
    replicas: z.number().int().min(0).max(100).optional(),
    /** Environment variables of the app's container. */
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name such as LOG_LEVEL'),
        z.string().max(4096),
      )
      .optional(),
    /** HTTP path the readiness probe asks (e.g. /healthz); unset: no probe. */
    healthPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]{0,200}$/, 'must be an absolute URL path such as /healthz')
      .optional(),
    /** Requests (and equal limits) for the app's container, as Kubernetes quantities. */
    resources: z
      .object({
        cpu: z
          .string()
          .regex(/^\d+(\.\d+)?m?$/, 'must be a CPU quantity such as 250m or 1')
          .optional(),
        memory: z
          .string()
          .regex(/^\d+(Ki|Mi|Gi|K|M|G)?$/, 'must be a memory quantity such as 128Mi')
          .optional(),
      })
      .strict()
      .optional(),
    /** false: HTTP only, no certificate (e.g. while the ACME rate limit bites). */
    tls: z.boolean().default(true),
    /** Overrides the global httpsRedirect for this app (written by `solokube https-redirect --app`). */
    httpsRedirect: z.boolean().optional(),
  })
  .strict();

/** `production`, `staging` (Let's Encrypt) or the https URL of another ACME directory. */
export const acmeSchema = z.union([
  z.enum(['production', 'staging']),
  z.string().refine(isAcmeDirectoryUrl, {
    message: 'must be production, staging or an https:// ACME directory URL (no credentials, query or spaces)',
  }),
]);

export const configSchema = z
  .object({
    name: dnsName,
    dnsZone: dnsName,
    appsDomain: dnsName.optional(),
    region: z.string().regex(REGION_RE, 'must be an AWS region such as eu-west-1'),
    profile: z.string().regex(PROFILE_RE, 'must be an AWS profile name').optional(),
    zones: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]$/, 'must be an availability zone such as eu-west-1a'))
      .min(1)
      .optional(),
    instanceType: z
      .string()
      .regex(INSTANCE_TYPE_RE, 'must be an EC2 instance type such as t3.medium')
      .default('t3.medium'),
    kubernetesVersion: z
      .string()
      .regex(K8S_VERSION_RE, 'must be a Kubernetes version such as 1.36.3')
      .default('1.36.3'),
    // The admin kubeconfig for the cluster (what `kops export kubeconfig --admin` writes). Unset:
    // the file kops exports to ($KUBECONFIG or ~/.kube/config) when it has a context named `name`.
    kubeconfig: safePath.optional(),
    stateStore: z
      .string()
      .refine(isValidBucketName, {
        message: 'must be an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens',
      })
      .optional(),
    networking: z.enum(KOPS_NETWORKING).optional(),
    image: z.string().regex(KOPS_IMAGE_RE, 'must be an AMI id (ami-…), owner/name, or ssm:/parameter').optional(),
    ssh: z
      .object({
        privateKey: safePath.default('~/.ssh/id_ed25519'),
        user: z.string().regex(SSH_USER_RE, 'must be a Linux login name').default('admin'),
        knownHosts: safePath.default('~/.solokube/known_hosts'),
      })
      .strict()
      .default({ privateKey: '~/.ssh/id_ed25519', user: 'admin', knownHosts: '~/.solokube/known_hosts' }),
    nodeInterface: z.string().regex(INTERFACE_RE, 'must be a network interface name such as ens5').optional(),
    secondaryIp: z.boolean().default(true),
    proxy: z.enum(['haproxy', 'direct']).default('direct'),
    proxyProtocol: z.boolean().default(false),
    tlsEmail: z.string().regex(EMAIL_RE, 'must be an e-mail address').optional(),
    acme: acmeSchema.default('production'),
    /** Redirect the apps' HTTP to HTTPS (apps with tls: false are never redirected). */
    httpsRedirect: z.boolean().default(true),
    apps: z.array(appSchema).default([]),
    /** Images each app's ECR repository keeps (lifecycle policy); default 10. */
    keepImages: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!isWithinZone(c.name, c.dnsZone)) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `must be inside the DNS zone ${c.dnsZone} (kops publishes api.${c.name} there)`,
      });
    }
    if (c.appsDomain && !isWithinZone(c.appsDomain, c.dnsZone)) {
      ctx.addIssue({ code: 'custom', path: ['appsDomain'], message: `must be inside the DNS zone ${c.dnsZone}` });
    }
    if (c.zones) {
      c.zones.forEach((z, i) => {
        if (!z.startsWith(c.region))
          ctx.addIssue({ code: 'custom', path: ['zones', i], message: `must be a zone of region ${c.region}` });
      });
    }
    if (c.proxyProtocol && c.proxy === 'direct') {
      ctx.addIssue({
        code: 'custom',
        path: ['proxyProtocol'],
        message: 'only applies to proxy: haproxy (direct mode already keeps the client address)',
      });
    }
    // App records point at the Elastic IP and are removed on cleanup: none may be one of kops' names
    // or the zone apex, however the host came about (given, or <name>.<appsDomain>).
    const appsDomain = c.appsDomain ?? c.dnsZone;
    const kopsName = kopsOwnedName(appsDomain, c.name);
    if (c.appsDomain && kopsName && appsDomain !== c.name) {
      ctx.addIssue({
        code: 'custom',
        path: ['appsDomain'],
        message: `${kopsName}; the apps' records would replace kops' records`,
      });
    }
    const seen = new Map<string, number>();
    c.apps.forEach((a, i) => {
      if (seen.has(a.name))
        ctx.addIssue({
          code: 'custom',
          path: ['apps', i, 'name'],
          message: `duplicates apps[${seen.get(a.name)}].name`,
        });
      seen.set(a.name, i);
      if (a.host && !isWithinZone(a.host, c.dnsZone))
        ctx.addIssue({
          code: 'custom',
          path: ['apps', i, 'host'],
          message: `must be inside the DNS zone ${c.dnsZone}`,
        });
      const host = a.host ?? `${a.name}.${appsDomain}`;
      const why = host === c.dnsZone ? 'is the apex of the DNS zone' : kopsOwnedName(host, c.name);
      if (why) {
        const field = a.host ? 'host' : 'name';
        ctx.addIssue({
          code: 'custom',
          path: ['apps', i, field],
          message: `gives the host ${host}, which ${why}; apps cannot use it${a.host ? '' : ' (set host: to another name)'}`,
        });
      }
      if (a.tls === false && a.httpsRedirect === true)
        ctx.addIssue({
          code: 'custom',
          path: ['apps', i, 'httpsRedirect'],
          message: 'needs tls: true (an app without TLS has nothing to redirect to)',
        });
    });
  });

export type SolokubeConfig = z.output<typeof configSchema> & { appsDomain: string; zones: string[] };
