// A cluster kops made without solokube's state store: its control-plane instance runs (found by
// kops' KubernetesCluster tag) but the state store solokube would use holds no `<cluster>/config`.
// solokube must not create it again — `kops create` + `update` would launch a second cluster's
// cloud objects beside the first — nor delete it on `down`: it is not provably ours. `up` and
// `down` then leave the cluster alone and work on the network part only (as before the cluster was
// in solokube's scope); setting `stateStore:` to the bucket kops uses brings it under management.
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { stateStoreBucketName } from '../aws/resources/state-store.js';
import { s3Of } from '../aws/s3.js';
import { names } from '../config/naming.js';
import type { SolokubeConfig } from '../config/schema.js';
import type { SolokubeError } from '../core/errors.js';

export async function clusterMadeElsewhere(
  config: SolokubeConfig,
  clients: AwsClients,
  signal: AbortSignal,
): Promise<{ bucket: string } | undefined> {
  const n = names(config);
  const out = await clients.call('ec2:DescribeInstances', signal, (o) =>
    clients.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${n.kopsClusterTag.Key}`, Values: [n.kopsClusterTag.Value] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
      }),
      o,
    ),
  );
  if (!(out.Reservations ?? []).some((r) => (r.Instances ?? []).length > 0)) return undefined;
  const bucket = await stateStoreBucketName({ config, names: n, clients })({ signal });
  try {
    await clients.call('s3:HeadObject', signal, (o) =>
      s3Of(clients).send(new HeadObjectCommand({ Bucket: bucket, Key: `${config.name}/config` }), o),
    );
    return undefined;
  } catch (err) {
    const status = (err as SolokubeError).details?.['httpStatus'];
    if (status === 404) return { bucket };
    throw err;
  }
}
