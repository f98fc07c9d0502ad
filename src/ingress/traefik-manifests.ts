// The Kubernetes objects that install Traefik: namespace, service account, the RBAC its
// kubernetesIngress provider needs (nothing more), the IngressClass, the ConfigMap with the static
// and file-provider configuration, one Deployment with one replica (ACME state cannot be shared
// between instances), and in haproxy mode the NodePort Service. Pure; objects are plain data.

import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { PORTS } from '../config/naming.js';
import { CONTROL_PLANE_TOLERATIONS } from '../k8s/control-plane-tolerations.js';
import { labels, type K8sObject } from './objects.js';
import type { IngressSettings } from './settings.js';
import {
  ACME_STORAGE_DIR,
  ADMIN_PORT,
  DYNAMIC_DIR,
  INGRESS_CLASS,
  renderDynamicConfig,
  renderStaticConfig,
} from './traefik-config.js';

export const TRAEFIK_VERSION = 'v3.6.12';
export const TRAEFIK_IMAGE = `traefik:${TRAEFIK_VERSION}`;
export const TRAEFIK_NAMESPACE = 'solokube-ingress';
export const TRAEFIK_NAME = 'traefik';
/** On the node: survives pod restarts and node reboots, so certificates are not ordered again. */
export const ACME_HOST_DIR = '/var/lib/solokube/traefik';
const STATIC_DIR = '/etc/traefik/static';
const ACME_CA_KEY = 'acme-ca.pem';
const SELECTOR = { 'app.kubernetes.io/name': TRAEFIK_NAME };

export function renderTraefikManifests(s: IngressSettings): K8sObject[] {
  const ns = TRAEFIK_NAMESPACE;
  const hostNetwork = s.mode !== 'haproxy';
  // A test ACME server's listener CA travels in the ConfigMap, beside the static configuration.
  const acmeCa: Record<string, string> = s.acme.caPem ? { [ACME_CA_KEY]: s.acme.caPem } : {};
  const staticOptions = {
    kubernetes: true,
    adminOnAllAddresses: !hostNetwork,
    ...(s.acme.caPem ? { acmeCaCertificates: [`${STATIC_DIR}/${ACME_CA_KEY}`] } : {}),
  };
  const configData: Record<string, string> = {
    'traefik.yaml': stringify(renderStaticConfig(s, staticOptions), { aliasDuplicateObjects: false }),
    'dynamic.yaml': stringify(renderDynamicConfig(s)),
    ...acmeCa,
  };
  const objects: K8sObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: labels('namespace') } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: TRAEFIK_NAME, namespace: ns, labels: labels('controller') },
    },
    clusterRole(),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `solokube-${TRAEFIK_NAME}`, labels: labels('controller') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `solokube-${TRAEFIK_NAME}` },
      subjects: [{ kind: 'ServiceAccount', name: TRAEFIK_NAME, namespace: ns }],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: INGRESS_CLASS, labels: labels('controller') },
      spec: { controller: 'traefik.io/ingress-controller' },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${TRAEFIK_NAME}-config`, namespace: ns, labels: labels('controller') },
      data: configData,
    },
    deployment(s, hostNetwork, configHash(configData)),
  ];
  if (s.mode === 'haproxy') objects.push(nodePortService(s));
  return objects;
}

function clusterRole(): K8sObject {
  const read = ['get', 'list', 'watch'];
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `solokube-${TRAEFIK_NAME}`, labels: labels('controller') },
    rules: [
      // Backends and user-supplied TLS secrets named by Ingress objects.
      { apiGroups: [''], resources: ['services', 'secrets'], verbs: read },
      // The provider's Node informer (on unless disableClusterScopeResources).
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'], verbs: read },
    ],
  };
}

function configHash(data: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
}

function deployment(s: IngressSettings, hostNetwork: boolean, hash: string): K8sObject {
  const probe = {
    httpGet: { path: '/ping', port: ADMIN_PORT, ...(hostNetwork ? { host: '127.0.0.1' } : {}) },
    periodSeconds: 10,
    failureThreshold: 3,
  };
  const needsLowPort = s.ports.web < 1024 || s.ports.websecure < 1024;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: TRAEFIK_NAME, namespace: TRAEFIK_NAMESPACE, labels: { ...labels('controller'), ...SELECTOR } },
    spec: {
      replicas: 1,
      // Never two at once: hostNetwork ports and acme.json belong to one process.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: SELECTOR },
      template: {
        metadata: {
          labels: { ...labels('controller'), ...SELECTOR },
          // A configuration change rolls the pod (the static configuration is read only at start).
          annotations: { 'solokube.io/config-hash': hash, 'solokube.io/ingress-mode': s.mode },
        },
        spec: {
          serviceAccountName: TRAEFIK_NAME,
          ...(hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
          nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
          tolerations: CONTROL_PLANE_TOLERATIONS,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: TRAEFIK_NAME,
              image: TRAEFIK_IMAGE,
              args: [`--configFile=${STATIC_DIR}/traefik.yaml`],
              ports: [
                { name: 'web', containerPort: s.ports.web, protocol: 'TCP' },
                { name: 'websecure', containerPort: s.ports.websecure, protocol: 'TCP' },
                { name: 'admin', containerPort: ADMIN_PORT, protocol: 'TCP' },
              ],
              readinessProbe: probe,
              livenessProbe: { ...probe, initialDelaySeconds: 10 },
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'], ...(needsLowPort ? { add: ['NET_BIND_SERVICE'] } : {}) },
              },
              volumeMounts: [
                { name: 'static', mountPath: STATIC_DIR, readOnly: true },
                { name: 'dynamic', mountPath: DYNAMIC_DIR, readOnly: true },
                { name: 'acme', mountPath: ACME_STORAGE_DIR },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            {
              name: 'static',
              configMap: {
                name: `${TRAEFIK_NAME}-config`,
                items: [
                  { key: 'traefik.yaml', path: 'traefik.yaml' },
                  ...(s.acme.caPem ? [{ key: ACME_CA_KEY, path: ACME_CA_KEY }] : []),
                ],
              },
            },
            {
              name: 'dynamic',
              configMap: { name: `${TRAEFIK_NAME}-config`, items: [{ key: 'dynamic.yaml', path: 'dynamic.yaml' }] },
            },
            { name: 'acme', hostPath: { path: ACME_HOST_DIR, type: 'DirectoryOrCreate' } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}

function nodePortService(s: IngressSettings): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: TRAEFIK_NAME, namespace: TRAEFIK_NAMESPACE, labels: labels('controller') },
    spec: {
      type: 'NodePort',
      // Local: the node's own HAProxy connection is not masqueraded through another node.
      externalTrafficPolicy: 'Local',
      selector: SELECTOR,
      ports: [
        { name: 'web', port: 80, targetPort: s.ports.web, nodePort: PORTS.ingressHttp, protocol: 'TCP' },
        { name: 'websecure', port: 443, targetPort: s.ports.websecure, nodePort: PORTS.ingressHttps, protocol: 'TCP' },
      ],
    },
  };
}
