// The images of an app's repository, newest first: what a rollback may choose from (only what ECR
// still has) and what the deploy step compares against.
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import type { AwsClients } from '../aws/clients.js';
import { awsErrorCode } from '../aws/errors.js';

export interface RepositoryImage {
  digest: string;
  tags: string[];
  pushedAt: Date | undefined;
  sizeInBytes: number | undefined;
  mediaType: string | undefined;
}

/** [] when the repository does not exist. */
export async function listImages(
  clients: AwsClients,
  repositoryName: string,
  signal: AbortSignal,
): Promise<RepositoryImage[]> {
  const out: RepositoryImage[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await clients.call('ecr:DescribeImages', signal, (o) =>
        clients.ecr.send(
          new DescribeImagesCommand({ repositoryName, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
          o,
        ),
      );
      for (const d of page.imageDetails ?? []) {
        out.push({
          digest: d.imageDigest!,
          tags: [...(d.imageTags ?? [])].sort(),
          pushedAt: d.imagePushedAt,
          sizeInBytes: d.imageSizeInBytes,
          mediaType: d.imageManifestMediaType,
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (err) {
    if (awsErrorCode(err) === 'RepositoryNotFoundException') return [];
    throw err;
  }
  return out.sort(
    (a, b) => (b.pushedAt?.getTime() ?? 0) - (a.pushedAt?.getTime() ?? 0) || a.digest.localeCompare(b.digest),
  );
}
