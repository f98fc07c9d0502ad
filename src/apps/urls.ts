// Where an app answers, as it really is: with the secondary IP, https on 443 and http on 80 of the
// apps' Elastic IP; without it, Traefik on the node's own address, where 443 belongs to
// kube-apiserver, so https is on the NodePort 30443 (http stays on 80).
import type { SolokubeConfig } from '../config/schema.js';
import { ingressSettings } from '../ingress/index.js';

export function appUrls(config: SolokubeConfig, app: string): string[] {
  const settings = ingressSettings(config);
  const route = settings.apps.find((a) => a.name === app);
  if (!route) return [];
  const httpsPort = settings.mode === 'no-secondary' ? `:${settings.ports.websecure}` : '';
  const urls: string[] = [];
  if (route.mode !== 'http-only') urls.push(`https://${route.host}${httpsPort}/`);
  // With the redirect on, http only answers with a redirect: not a URL to hand out.
  if (route.mode !== 'https-redirect') urls.push(`http://${route.host}/`);
  return urls;
}
