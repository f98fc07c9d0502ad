// An app's Kubernetes objects, rendered from its entry in solokube.yaml: a Deployment that runs the
// image by digest (never a tag) and carries the deployment record, a Service in front of it, and
// the Ingress routes of the ingress layer. Pure; applied by server-side apply, so fields other
// managers add (an annotation, an env var set with kubectl) are left alone.
import type { SolokubeConfig } from '../config/schema.js';
import { appRoutes, ingressSettings, renderAppIngress } from '../ingress/index.js';
import { CONTROL_PLANE_TOLERATIONS } from '../k8s/control-plane-tolerations.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, type KubeObject } from '../k8s/types.js';
import { UsageError } from '../core/errors.js';
import { recordAnnotations, type DeploymentRecord } from './record.js';

export const APP_NAME_LABEL = 'app.kubernetes.io/name';
export const APP_LABEL = 'solokube.io/app';

export type AppConfig = SolokubeConfig['apps'][number];

export interface AppManifestInput {
  /** `<repository>@sha256:…`: what the Deployment runs (the record's image when there is a record). */
  image?: string;
  /** What the Deployment runs and what ran before it (see record.ts); without it, no record annotations (`apps render --image`). */
  record?: DeploymentRecord;
  earlier?: readonly DeploymentRecord[];
  /** Extra labels on the pods (tests use kwok's pod-behaviour label to make pods fail). */
  podLabels?: Readonly<Record<string, string>>;
}

export function appConfig(config: SolokubeConfig, app: string): AppConfig {
  const found = config.apps.find((a) => a.name === app);
  if (!found)
    throw new UsageError(
      `there is no app ${app} in the configuration`,
      `Add it under apps: in the configuration, or use one of: ${config.apps.map((a) => a.name).join(', ') || '(none configured)'}.`,
    );
  return found;
}

/** The namespace apps run in (the one the ingress layer routes to). */
export function appsNamespace(config: SolokubeConfig): string {
  return ingressSettings(config).appsNamespace;
}

export function appLabels(app: string): Record<string, string> {
  return { [APP_NAME_LABEL]: app, [APP_LABEL]: app, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
}

export function renderDeployment(config: SolokubeConfig, app: string, input: AppManifestInput): KubeObject {
  const entry = appConfig(config, app);
  if (!input.record && !input.image) throw new Error('renderDeployment needs an image or a record');
  const selector = { [APP_NAME_LABEL]: app };
  const env = Object.entries(entry.env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  const requests = {
    ...(entry.resources?.cpu ? { cpu: entry.resources.cpu } : {}),
    ...(entry.resources?.memory ? { memory: entry.resources.memory } : {}),
  };
  const container = {
    name: app,
    image: input.record?.image ?? input.image ?? '',
    ports: [{ name: 'http', containerPort: entry.port, protocol: 'TCP' }],
    ...(env.length > 0 ? { env } : {}),
    // Memory gets an equal limit (a leak stops the pod, not the node); CPU none (limits throttle).
    ...(Object.keys(requests).length > 0
      ? { resources: { requests, ...(requests.memory ? { limits: { memory: requests.memory } } : {}) } }
      : {}),
    ...(entry.healthPath
      ? { readinessProbe: { httpGet: { path: entry.healthPath, port: entry.port }, periodSeconds: 5 } }
      : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: app,
      namespace: appsNamespace(config),
      labels: appLabels(app),
      ...(input.record ? { annotations: recordAnnotations(input.record, input.earlier ?? []) } : {}),
    },
    spec: {
      replicas: entry.replicas ?? 1,
      selector: { matchLabels: selector },
      // A new version gets its pods ready before an old pod goes: a version that never becomes
      // ready leaves the previous one serving.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...appLabels(app), ...input.podLabels } },
        // The one node is the control plane: see CONTROL_PLANE_TOLERATIONS.
        spec: { tolerations: CONTROL_PLANE_TOLERATIONS, containers: [container] },
      },
    },
  };
}

export function renderService(config: SolokubeConfig, app: string): KubeObject {
  const entry = appConfig(config, app);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: appsNamespace(config), labels: appLabels(app) },
    spec: {
      type: 'ClusterIP',
      selector: { [APP_NAME_LABEL]: app },
      ports: [{ name: 'http', port: entry.port, targetPort: entry.port, protocol: 'TCP' }],
    },
  };
}

/** The ingress layer's routes for this app (an https and an http Ingress, or http only with tls: false). */
export function renderIngresses(config: SolokubeConfig, app: string): KubeObject[] {
  appConfig(config, app);
  const settings = ingressSettings(config);
  return appRoutes(settings)
    .filter((r) => r.app.name === app)
    .map((r) => renderAppIngress(settings, r) as KubeObject);
}

/** Deployment, Service and Ingresses, in apply order. */
export function renderAppManifests(config: SolokubeConfig, app: string, input: AppManifestInput): KubeObject[] {
  return [renderDeployment(config, app, input), renderService(config, app), ...renderIngresses(config, app)];
}
