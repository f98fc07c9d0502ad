// A read-only check at the end of every reading of "what is there" (status, cleanup): when no
// control-plane instance was found AND nothing solokube made for the name exists, the name is most
// likely a typo or the wrong region. Saying "not ready" or "no changes needed" then would mislead;
// this fails with a typed not-found error instead. Leftovers of ours without an instance (a
// terminated node) are not an error: cleanup must still be able to remove them.

import { SolokubeError } from '../../core/errors.js';
import type { Resource } from '../../core/resource.js';
import { AWS_IDS } from './context.js';
import type { AwsEnv } from './context.js';

/** What was found for the others, each undefined when absent. */
const FOUND = [
  AWS_IDS.secondaryPrivateIp,
  AWS_IDS.elasticIp,
  AWS_IDS.eipAssociation,
  AWS_IDS.appSecurityGroup,
  AWS_IDS.dnsRecords,
  AWS_IDS.surplus,
];

export class ClusterNotFoundError extends SolokubeError {
  constructor(cluster: string, region: string, kopsTag: string) {
    super({
      code: 'aws.cluster-not-found',
      message:
        `no cluster named ${cluster} was found in ${region}: no running control-plane instance ` +
        `tagged ${kopsTag}=${cluster}, and nothing solokube made for it`,
      remedy:
        `Check the cluster name (name: in solokube.yaml or -c) and the region (--region / ` +
        `AWS_REGION); \`kops get clusters\` lists the clusters of your state store. If the cluster ` +
        `was deleted and cleaned up, nothing is left to do.`,
      actor: 'user',
      details: { cluster, region },
    });
  }
}

export function clusterKnown(env: AwsEnv, present: readonly string[]): Resource<{ found: true }> {
  const deps = [AWS_IDS.controlPlane, ...FOUND.filter((id) => present.includes(id))];
  return {
    id: AWS_IDS.clusterKnown,
    title: `cluster ${env.config.name} exists`,
    describe: () => ({
      checks: `an instance tagged KubernetesCluster=${env.config.name} exists (a typo in the name is an error, not "nothing to do")`,
    }),
    readOnly: true,
    dependsOn: deps,
    async find(ctx) {
      if (deps.some((id) => ctx.dependency<unknown>(id) !== undefined)) return { found: true };
      throw new ClusterNotFoundError(env.config.name, env.config.region, env.names.kopsClusterTag.Key);
    },
    desired: () => ({ found: true }),
    diff: () => [],
    apply: async () => {
      throw new Error('read-only resource');
    },
    delete: async () => {
      throw new Error('read-only resource');
    },
  };
}
