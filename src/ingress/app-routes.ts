// Each app's routes, once: an HTTPS router on websecure with the ACME resolver (unless tls: false)
// and an HTTP router on web, carrying the redirect middleware in https-redirect mode. Rendered as
// Ingress objects for the cluster, and as file-provider routers for the lab (no cluster there),
// so both carry the same routing.

import { INGRESS_CLASS, REDIRECT_MIDDLEWARE } from './traefik-config.js';
import type { IngressApp, IngressSettings } from './settings.js';
import { labels, type K8sObject } from './objects.js';

export interface AppRoute {
  /** `<app>-https` or `<app>-http`. */
  name: string;
  app: IngressApp;
  entryPoint: 'web' | 'websecure';
  tls: boolean;
  middlewares: string[];
}

export function appRoutes(s: IngressSettings): AppRoute[] {
  return s.apps.flatMap((app) => {
    const routes: AppRoute[] = [];
    if (app.mode !== 'http-only')
      routes.push({ name: `${app.name}-https`, app, entryPoint: 'websecure', tls: true, middlewares: [] });
    routes.push({
      name: `${app.name}-http`,
      app,
      entryPoint: 'web',
      tls: false,
      middlewares: app.mode === 'https-redirect' ? [`${REDIRECT_MIDDLEWARE}@file`] : [],
    });
    return routes;
  });
}

const A = 'traefik.ingress.kubernetes.io/';

export function renderAppIngress(s: IngressSettings, r: AppRoute): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: r.name,
      namespace: s.appsNamespace,
      labels: { ...labels('app-ingress'), 'solokube.io/app': r.app.name },
      annotations: {
        [`${A}router.entrypoints`]: r.entryPoint,
        ...(r.tls ? { [`${A}router.tls`]: 'true', [`${A}router.tls.certresolver`]: s.acme.resolver } : {}),
        ...(r.middlewares.length > 0 ? { [`${A}router.middlewares`]: r.middlewares.join(',') } : {}),
        'solokube.io/http-mode': r.app.mode,
      },
    },
    spec: {
      ingressClassName: INGRESS_CLASS,
      rules: [
        {
          host: r.app.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: r.app.serviceName, port: { number: r.app.servicePort } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** The same routes for Traefik's file provider, to a fixed backend URL per app (the lab's stand-in). */
export function renderFileRoutes(
  s: IngressSettings,
  backends: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  for (const r of appRoutes(s)) {
    routers[r.name] = {
      rule: `Host(\`${r.app.host}\`)`,
      entryPoints: [r.entryPoint],
      service: r.app.name,
      ...(r.middlewares.length > 0 ? { middlewares: r.middlewares } : {}),
      ...(r.tls ? { tls: { certResolver: s.acme.resolver } } : {}),
    };
    const url = backends[r.app.name];
    if (url) services[r.app.name] = { loadBalancer: { servers: [{ url }], passHostHeader: true } };
  }
  return { http: { routers, services } };
}
