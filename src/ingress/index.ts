// The ingress layer: Traefik's manifests and each app's Ingress objects, rendered from the config.
import { stringify } from 'yaml';
import type { SolokubeConfig } from '../config/schema.js';
import { appRoutes, renderAppIngress } from './app-routes.js';
import type { K8sObject } from './objects.js';
import { ingressSettings, type SettingsOptions } from './settings.js';
import { renderTraefikManifests } from './traefik-manifests.js';

export * from './settings.js';
export * from './objects.js';
export { appRoutes, renderAppIngress, renderFileRoutes, type AppRoute } from './app-routes.js';
export {
  renderStaticConfig,
  renderDynamicConfig,
  REDIRECT_MIDDLEWARE,
  INGRESS_CLASS,
  ADMIN_PORT,
} from './traefik-config.js';
export {
  renderTraefikManifests,
  TRAEFIK_IMAGE,
  TRAEFIK_VERSION,
  TRAEFIK_NAMESPACE,
  ACME_HOST_DIR,
} from './traefik-manifests.js';

/** Everything the cluster needs for the ingress, in apply order (namespace first, Ingresses last). */
export function renderIngressManifests(c: SolokubeConfig, o: SettingsOptions = {}): K8sObject[] {
  const s = ingressSettings(c, o);
  return [...renderTraefikManifests(s), ...appRoutes(s).map((r) => renderAppIngress(s, r))];
}

/** Multi-document YAML, for golden files and `kubectl apply -f -`. */
export function manifestsToYaml(objects: readonly K8sObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
