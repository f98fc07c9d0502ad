// The sandbox's kops: the real kops binary (built once per machine from the pinned release) for
// every command that can run against the emulator — create -f, replace -f, get, create
// sshpublickey — and the stand-in (src/sandbox/kops/standin.ts) for those that need a real cloud,
// with the lab node booted as the instance it launches. The same cluster resource as on AWS runs it.

import { join } from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import { stateStoreBucketName, stateStoreUrl } from '../../aws/resources/state-store.js';
import { names } from '../../config/naming.js';
import type { SolokubeConfig } from '../../config/schema.js';
import type { IoHost } from '../../core/io.js';
import type { KopsCli } from '../../kops/cli.js';
import { KopsRunner } from '../../kops/runner.js';
import { ensureGoTools } from '../gotools/build.js';
import { KopsStandIn } from '../kops/standin.js';
import type { NodeProvider } from '../kops/node-provider.js';
import { sandboxDir } from './record.js';

/** The instance's own public address in the sandbox (what the stand-in's instance is given). */
export const SANDBOX_INSTANCE_PUBLIC_IP = '198.19.1.10';

export interface SandboxKopsOptions {
  config: SolokubeConfig;
  clients: AwsClients;
  io: IoHost;
  signal: AbortSignal;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  nodeProvider?: NodeProvider;
}

export async function sandboxKops(o: SandboxKopsOptions): Promise<KopsCli & { close(): void }> {
  const bucket = await stateStoreBucketName({ config: o.config, names: names(o.config), clients: o.clients })({
    signal: o.signal,
  });
  const binary = process.env.SOLOKUBE_KOPS ?? (await ensureGoTools(['kops'], { io: o.io }))['kops']!;
  const dir = sandboxDir();
  const { region } = o.config;
  const real = new KopsRunner({
    binary,
    stateStore: stateStoreUrl(bucket),
    io: o.io,
    env: {
      HOME: dir,
      KUBECONFIG: join(dir, 'kops-kubeconfig'),
      AWS_REGION: region,
      AWS_ENDPOINT_URL: o.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: o.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: o.credentials.secretAccessKey,
      S3_ENDPOINT: o.endpoint,
      S3_REGION: region,
      S3_ACCESS_KEY_ID: o.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: o.credentials.secretAccessKey,
    },
  });
  return new KopsStandIn({
    real,
    endpoint: o.endpoint,
    region,
    credentials: o.credentials,
    stateStore: stateStoreUrl(bucket),
    addresses: { publicIp: SANDBOX_INSTANCE_PUBLIC_IP },
    ...(o.nodeProvider ? { nodeProvider: o.nodeProvider } : {}),
  });
}
