// Set-up shared by the apps tests that need a cluster: the image lab (emulator + isolated podman)
// and the file's shared control plane, a project to build, and a target for one cluster name.
import { after, before } from 'node:test';
import type { KubeTarget } from '../../src/k8s/target.js';
import type { ControlPlane } from '../../src/sandbox/k8s/control-plane.js';
import { sharedControlPlane, targetFor } from '../support/control-plane.js';
import { makeProject, startImageLab, untaintNode, type ImageLab } from './support.js';

export interface AppsClusterLab {
  lab: ImageLab;
  cp: ControlPlane;
  target: KubeTarget;
  project: string;
}

/** With untaint, the kops-like node loses its control-plane taint first, as `up` does before apps run. */
export async function startAppsClusterLab(cluster: string, untaint: boolean): Promise<AppsClusterLab> {
  const [lab, cp] = await Promise.all([startImageLab(), sharedControlPlane()]);
  const target = targetFor(cp, cluster);
  if (untaint) await untaintNode(target);
  return { lab, cp, target, project: makeProject(lab.dir) };
}

/** Registers the file's before/after hooks; the returned object is filled in before the first test. */
export function appsClusterLab(cluster: string, untaint: boolean): AppsClusterLab {
  const env = {} as AppsClusterLab;
  before(async () => {
    Object.assign(env, await startAppsClusterLab(cluster, untaint));
  });
  after(async () => {
    await env.lab?.close();
  });
  return env;
}
