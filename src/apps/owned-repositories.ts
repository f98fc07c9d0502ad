// For `down`: every ECR repository solokube created for this cluster's apps, configured or not
// any more, found by name prefix (`<cluster>/`) and proven by tags (solokube.io/cluster = this
// cluster, role app-image-repository), deleted with its images so nothing stays billed. A
// repository under the prefix without both tags is someone else's and stays.
import { DeleteRepositoryCommand, DescribeRepositoriesCommand, ListTagsForResourceCommand } from '../aws/sdk/ecr.js';
import type { AwsClients } from '../aws/clients.js';
import { awsErrorCode } from '../aws/errors.js';
import { TAG_CLUSTER, TAG_ROLE } from '../config/naming.js';
import type { Resource, ResourceContext } from '../core/resource.js';
import { ECR_ROLE, ecrRepositoryName } from './repository-name.js';

export interface OwnedRepositoriesState {
  names: string[];
}

export const OWNED_REPOSITORIES_ID = 'aws/ecr-repositories';

async function ownedRepositories(clients: AwsClients, cluster: string, ctx: ResourceContext): Promise<string[]> {
  const prefix = ecrRepositoryName(cluster, '');
  const candidates: { name: string; arn: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.call('ecr:DescribeRepositories', ctx.signal, (o) =>
      clients.ecr.send(new DescribeRepositoriesCommand({ maxResults: 1000, ...(nextToken ? { nextToken } : {}) }), o),
    );
    for (const r of page.repositories ?? [])
      if (r.repositoryName?.startsWith(prefix) && r.repositoryArn)
        candidates.push({ name: r.repositoryName, arn: r.repositoryArn });
    nextToken = page.nextToken;
  } while (nextToken);
  const owned: string[] = [];
  for (const c of candidates) {
    const tags = await clients.call('ecr:ListTagsForResource', ctx.signal, (o) =>
      clients.ecr.send(new ListTagsForResourceCommand({ resourceArn: c.arn }), o),
    );
    const has = (k: string, v: string) => (tags.tags ?? []).some((t) => t.Key === k && t.Value === v);
    if (has(TAG_CLUSTER, cluster) && has(TAG_ROLE, ECR_ROLE)) owned.push(c.name);
  }
  return owned.sort();
}

export function ownedEcrRepositories(clients: AwsClients, cluster: string): Resource<OwnedRepositoriesState> {
  return {
    id: OWNED_REPOSITORIES_ID,
    title: `ECR repositories of the apps of ${cluster} (with their images)`,
    async find(ctx) {
      const names = await ownedRepositories(clients, cluster, ctx);
      return names.length === 0 ? undefined : { names };
    },
    desired: () => ({ names: [] }),
    diff: (actual) => (actual ? [{ field: 'repositories', from: actual.names, to: [] }] : []),
    apply: () => Promise.reject(new Error('app repositories are created by apps deploy, not here')),
    async delete(ctx, actual) {
      for (const name of actual.names) {
        try {
          await clients.call('ecr:DeleteRepository', ctx.signal, (o) =>
            clients.ecr.send(new DeleteRepositoryCommand({ repositoryName: name, force: true }), o),
          );
        } catch (err) {
          if (awsErrorCode(err) !== 'RepositoryNotFoundException') throw err;
        }
      }
    },
  };
}
