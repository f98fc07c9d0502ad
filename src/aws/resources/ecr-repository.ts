// An app's ECR repository: created when absent (tagged for the cluster and the app, scan on push),
// with a lifecycle policy that keeps the last N images. A repository of that name that is not
// tagged for this cluster is never taken over, changed or deleted.

import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutLifecyclePolicyCommand,
} from '../sdk/ecr.js';
import type { Repository } from '@aws-sdk/client-ecr';
import {
  ECR_ROLE,
  TAG_APP,
  ecrRepositoryName,
  ecrRepositoryTags,
  keepLastPolicy,
  keptByPolicy,
} from '../../apps/repository-name.js';
import { TAG_CLUSTER, TAG_ROLE } from '../../config/naming.js';
import { SolokubeError } from '../../core/errors.js';
import type { Resource, ResourceContext } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { unknownAfter } from '../../core/unknown.js';
import type { Unknown } from '../../core/unknown.js';
import type { AwsClients } from '../clients.js';
import { awsErrorCode } from '../errors.js';

export interface EcrRepositoryState {
  name: string;
  /** `<registry host>/<name>`; known once the repository exists. */
  uri: string | Unknown;
  arn: string | Unknown;
  /** The solokube.io/cluster tag: this cluster's name when the repository is ours. */
  cluster: string | null;
  app: string | null;
  role: string | null;
  scanOnPush: boolean;
  /** N of solokube's keep-last-N policy; null when there is no policy or it is someone else's. */
  keepImages: number | null;
}

export interface EcrRepositorySpec {
  cluster: string;
  app: string;
  keepImages: number;
  /** Destroy: delete the images with the repository; without it a non-empty repository is refused. */
  purgeImages?: boolean;
}

export const ecrRepositoryId = (app: string) => `aws/ecr-repository/${app}`;

export function ecrRepository(clients: AwsClients, spec: EcrRepositorySpec): Resource<EcrRepositoryState> {
  const name = ecrRepositoryName(spec.cluster, spec.app);
  const id = ecrRepositoryId(spec.app);
  const call = <T>(ctx: ResourceContext, op: string, fn: (o: { abortSignal: AbortSignal }) => Promise<T>) =>
    clients.call(`ecr:${op}`, ctx.signal, fn);

  const describe = async (ctx: ResourceContext): Promise<Repository | undefined> => {
    try {
      const out = await call(ctx, 'DescribeRepositories', (o) =>
        clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }), o),
      );
      return out.repositories?.[0];
    } catch (err) {
      if (awsErrorCode(err) === 'RepositoryNotFoundException') return undefined;
      throw err;
    }
  };
  const policyOf = async (ctx: ResourceContext): Promise<string | undefined> => {
    try {
      return (
        await call(ctx, 'GetLifecyclePolicy', (o) =>
          clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }), o),
        )
      ).lifecyclePolicyText;
    } catch (err) {
      if (awsErrorCode(err) === 'LifecyclePolicyNotFoundException') return undefined;
      throw err;
    }
  };
  const toState = async (ctx: ResourceContext, r: Repository): Promise<EcrRepositoryState> => {
    const [tagsOut, policy] = await Promise.all([
      call(ctx, 'ListTagsForResource', (o) =>
        clients.ecr.send(new ListTagsForResourceCommand({ resourceArn: r.repositoryArn! }), o),
      ),
      policyOf(ctx),
    ]);
    const tags = new Map((tagsOut.tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    return {
      name,
      uri: r.repositoryUri!,
      arn: r.repositoryArn!,
      cluster: tags.get(TAG_CLUSTER) ?? null,
      app: tags.get(TAG_APP) ?? null,
      role: tags.get(TAG_ROLE) ?? null,
      scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
      keepImages: keptByPolicy(policy),
    };
  };
  const refuseForeign = (actual: EcrRepositoryState) => {
    if (actual.cluster !== spec.cluster) {
      throw new SolokubeError({
        code: 'aws.ecr-foreign-repository',
        message:
          `the ECR repository ${name} exists but is not ` +
          `tagged ${TAG_CLUSTER}=${spec.cluster}${actual.cluster ? ` (it belongs to ${actual.cluster})` : ''}; ` +
          `solokube does not take over repositories it did not create`,
        remedy: `Delete or rename that repository yourself, or tag it ${TAG_CLUSTER}=${spec.cluster} if it really is this cluster's.`,
        actor: 'user',
      });
    }
  };

  return {
    id,
    title: `ECR repository ${name} (scan on push, keeps the last ${spec.keepImages} images)`,
    find: async (ctx) => {
      const r = await describe(ctx);
      return r ? toState(ctx, r) : undefined;
    },
    desired: () => ({
      name,
      uri: unknownAfter(id),
      arn: unknownAfter(id),
      cluster: spec.cluster,
      app: spec.app,
      role: ECR_ROLE,
      scanOnPush: true,
      keepImages: spec.keepImages,
    }),
    diff: (actual, desired) =>
      diffFields(
        actual,
        desired,
        actual === undefined
          ? ['name', 'cluster', 'app', 'scanOnPush', 'keepImages']
          : ['cluster', 'app', 'role', 'scanOnPush', 'keepImages'],
      ),

    async apply(ctx, actual, desired) {
      let current = actual;
      if (current === undefined) {
        try {
          const created = await call(ctx, 'CreateRepository', (o) =>
            clients.ecr.send(
              new CreateRepositoryCommand({
                repositoryName: name,
                tags: ecrRepositoryTags(spec.cluster, spec.app),
                imageTagMutability: 'MUTABLE',
                imageScanningConfiguration: { scanOnPush: true },
              }),
              o,
            ),
          );
          current = {
            ...desired,
            uri: created.repository!.repositoryUri!,
            arn: created.repository!.repositoryArn!,
            keepImages: null,
          };
        } catch (err) {
          // A retried create whose first attempt got through: read what is there and carry on if it is ours.
          if (awsErrorCode(err) !== 'RepositoryAlreadyExistsException') throw err;
          const r = await describe(ctx);
          if (!r) throw err;
          current = await toState(ctx, r);
        }
      }
      refuseForeign(current);
      if (current.app !== spec.app || current.role !== ECR_ROLE) {
        throw new SolokubeError({
          code: 'aws.ecr-foreign-repository',
          message: `the ECR repository ${name} is tagged for app ${current.app ?? '(none)'}, not ${spec.app}`,
          remedy: "Fix the repository's solokube.io/app tag or remove the repository.",
          actor: 'user',
        });
      }
      if (!current.scanOnPush) {
        await call(ctx, 'PutImageScanningConfiguration', (o) =>
          clients.ecr.send(
            new PutImageScanningConfigurationCommand({
              repositoryName: name,
              imageScanningConfiguration: { scanOnPush: true },
            }),
            o,
          ),
        );
      }
      if (current.keepImages !== spec.keepImages) {
        await call(ctx, 'PutLifecyclePolicy', (o) =>
          clients.ecr.send(
            new PutLifecyclePolicyCommand({
              repositoryName: name,
              lifecyclePolicyText: keepLastPolicy(spec.keepImages),
            }),
            o,
          ),
        );
      }
      return { ...current, scanOnPush: true, keepImages: spec.keepImages };
    },

    // Only ours is ever deleted: a foreign repository of the same name stays, unchanged.
    retain: (actual) => actual.cluster !== spec.cluster,

    async delete(ctx, actual) {
      refuseForeign(actual);
      try {
        await call(ctx, 'DeleteRepository', (o) =>
          clients.ecr.send(new DeleteRepositoryCommand({ repositoryName: name, force: spec.purgeImages === true }), o),
        );
      } catch (err) {
        const code = awsErrorCode(err);
        if (code === 'RepositoryNotFoundException') return;
        if (code === 'RepositoryNotEmptyException') {
          throw new SolokubeError({
            code: 'apps.repository-not-empty',
            message: `the ECR repository ${name} still holds images; it was not deleted`,
            remedy: 'Pass --purge-images to delete the repository with its images (they cannot be recovered).',
            actor: 'user',
            cause: err,
          });
        }
        throw err;
      }
    },
  };
}
