// The one way up, down, status and plan reach a cluster: AWS clients (pointed at the sandbox's
// emulator when there is one) and node access (SSH to the instance with a pinned host key, or the
// sandbox node's forward), both closed when the work is done.

import type { SolokubeConfig } from '../config/schema.js';
import type { AwsClients } from '../aws/clients.js';
import type { Sandbox } from '../sandbox/env/sandbox.js';
import type { NodeAccess } from '../stack/node-step.js';
import type { CommandContext } from './context.js';

export async function withClusterTarget<T>(
  ctx: CommandContext,
  config: SolokubeConfig,
  target: { sandbox?: Sandbox | undefined; acceptNewHostKey?: boolean | undefined },
  fn: (clients: AwsClients, access: NodeAccess) => Promise<T>,
): Promise<T> {
  const [{ withAwsClients }, { sshAccess }] = await Promise.all([import('../aws/session.js'), import('../stack/node-access.js')]);
  const { sandbox } = target;
  const access = sandbox ? sandbox.nodeAccess(ctx.io) : sshAccess(config, ctx.io, { acceptNewHostKey: Boolean(target.acceptNewHostKey) });
  try {
    return await withAwsClients(config, (clients) => fn(clients, access), sandbox ? sandbox.awsClientOverrides : {});
  } finally {
    await access.close();
  }
}
