// One real control plane per test file, shared by its tests through namespaces: started on first
// use (building the pinned binaries once per machine if needed), stopped after the file's tests.
// Nothing here asks for root (setpriv --pdeathsig, process groups, loopback ports), but building the binaries writes /var/cache/solokube; CI is root.

import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { RecordingIoHost } from '../../src/core/io.js';
import { startControlPlane } from '../../src/sandbox/k8s/control-plane.js';
import type { ControlPlane } from '../../src/sandbox/k8s/control-plane.js';
import type { KubeTarget } from '../../src/k8s/target.js';
import type { KubeObject } from '../../src/k8s/types.js';

let shared: Promise<ControlPlane> | undefined;

// Registered when a test file imports this module, i.e. at the file's top level, so it runs once
// after all of the file's tests.
after(async () => {
  const cp = await shared?.catch(() => undefined);
  await cp?.stop();
});

/** The file's shared control plane, started on first use. */
export function sharedControlPlane(): Promise<ControlPlane> {
  shared ??= startControlPlane({ io: new RecordingIoHost() });
  return shared;
}

/** A name unique to this run, for namespaces and cluster labels so tests never see each other's objects. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export function targetFor(
  cp: ControlPlane,
  cluster: string,
  opts: { forceConflicts?: boolean; requestTimeoutMs?: number } = {},
): KubeTarget {
  return {
    client: cp.client(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    cluster,
    forceConflicts: opts.forceConflicts ?? false,
  };
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function configMap(ns: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export function deployment(
  ns: string,
  name: string,
  opts: {
    replicas?: number;
    image?: string;
    podLabels?: Record<string, string>;
    nodeSelector?: Record<string, string>;
    progressDeadlineSeconds?: number;
  } = {},
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: labels },
      ...(opts.progressDeadlineSeconds ? { progressDeadlineSeconds: opts.progressDeadlineSeconds } : {}),
      template: {
        metadata: { labels: { ...labels, ...opts.podLabels } },
        spec: {
          containers: [
            { name: 'web', image: opts.image ?? 'registry.example/web:1', ports: [{ containerPort: 8080 }] },
          ],
          ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
        },
      },
    },
  };
}

/** kubectl's JSON view of an object (the independent client). */
export async function kubectlGet(cp: ControlPlane, args: readonly string[]): Promise<KubeObject | undefined> {
  const r = await cp.kubectl(['get', ...args, '-o', 'json']);
  if (r.code !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new Error(`kubectl get ${args.join(' ')} failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout) as KubeObject;
}
