// Clients for one command run: made from the validated configuration, always destroyed afterwards
// (the SDK's keep-alive sockets would otherwise hold the process open).

import type { SolokubeConfig } from '../config/schema.js';
import { createAwsClients } from './clients.js';
import type { AwsClients, AwsClientOptions } from './clients.js';

export async function withAwsClients<T>(
  config: SolokubeConfig,
  fn: (clients: AwsClients) => Promise<T>,
  extra: Partial<AwsClientOptions> = {},
): Promise<T> {
  const clients = createAwsClients({
    region: config.region,
    ...(config.profile ? { profile: config.profile } : {}),
    ...extra,
  });
  try {
    return await fn(clients);
  } finally {
    clients.destroy();
  }
}
