// Which kubeconfig and context solokube uses, loaded with @kubernetes/client-node's KubeConfig
// (which understands every credential form kubeconfigs carry: embedded or file certificates,
// tokens, exec plugins). An expired client certificate is reported here, before any request,
// because the API server would only answer "401 Unauthorized" without saying why.

import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeconfigError, KubeCredentialsError } from './errors.js';

/** Where `kops export kubeconfig` writes: the first file of $KUBECONFIG, else ~/.kube/config. */
export function kopsKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(':').find((p) => p.length > 0);
  return first ?? join(homedir(), '.kube', 'config');
}

export function expandHome(path: string): string {
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  path: string;
  context: string;
  server: string;
}

/**
 * Load a kubeconfig and select the context: `context` when given, else one named after the cluster
 * (kops names its context after the cluster), else the file's current context.
 */
export function loadKubeconfig(path: string, opts: { context?: string; clusterName?: string } = {}): LoadedKubeconfig {
  const file = expandHome(path);
  if (!existsSync(file)) throw new KubeconfigError(file, 'the file does not exist');
  const kc = new KubeConfig();
  try {
    kc.loadFromString(readFileSync(file, 'utf8'));
    kc.makePathsAbsolute(join(file, '..'));
  } catch (err) {
    throw new KubeconfigError(
      file,
      `cannot be read as a kubeconfig (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const names = kc.getContexts().map((c) => c.name);
  const wanted =
    opts.context ?? (opts.clusterName && names.includes(opts.clusterName) ? opts.clusterName : kc.getCurrentContext());
  if (!wanted || !names.includes(wanted)) {
    throw new KubeconfigError(
      file,
      wanted ? `has no context named "${wanted}" (it has: ${names.join(', ') || 'none'})` : 'has no current context',
    );
  }
  kc.setCurrentContext(wanted);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new KubeconfigError(file, `context "${wanted}" names no cluster with a server address`);
  // solokube always verifies the API server's certificate (kops exports the cluster's CA).
  if (cluster.skipTLSVerify) {
    throw new KubeconfigError(
      file,
      `context "${wanted}" turns off certificate checking (insecure-skip-tls-verify); solokube ` +
        `talks only to an API server whose certificate it can verify: give the cluster's ` +
        `certificate-authority-data instead`,
    );
  }
  assertClientCertificateCurrent(kc, cluster.server);
  return { kc, path: file, context: wanted, server: cluster.server };
}

/** True when the file exists and has a context named after the cluster (what kops exports). */
export function hasContextFor(path: string, clusterName: string): boolean {
  const file = expandHome(path);
  if (!existsSync(file)) return false;
  try {
    const kc = new KubeConfig();
    kc.loadFromString(readFileSync(file, 'utf8'));
    return kc.getContexts().some((c) => c.name === clusterName);
  } catch {
    return false;
  }
}

function assertClientCertificateCurrent(kc: KubeConfig, server: string, now: Date = new Date()): void {
  const user = kc.getCurrentUser();
  const pem = user?.certData
    ? Buffer.from(user.certData, 'base64')
    : user?.certFile && existsSync(user.certFile)
      ? readFileSync(user.certFile)
      : undefined;
  if (!pem) return;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return; // not ours to judge; the TLS handshake will say what is wrong
  }
  const notAfter = new Date(cert.validTo);
  const notBefore = new Date(cert.validFrom);
  if (notAfter.getTime() <= now.getTime()) {
    throw new KubeCredentialsError(
      server,
      `the client certificate of user "${user?.name}" (${cert.subject.replace(/\n/g, ', ')}) expired at ${notAfter.toISOString()}`,
      { expiredAt: notAfter.toISOString() },
    );
  }
  if (notBefore.getTime() > now.getTime() + 5 * 60_000) {
    throw new KubeCredentialsError(
      server,
      `the client certificate of user "${user?.name}" is not valid before ${notBefore.toISOString()} (is this machine's clock right?)`,
      { notBefore: notBefore.toISOString() },
    );
  }
}
