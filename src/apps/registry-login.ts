// Registry credentials from ECR's GetAuthorizationToken: user AWS, a password that expires (12 h on
// AWS). solokube asks for a token right before a push and again when the registry refuses an
// expired one. Plain HTTP is accepted only for a loopback registry (the sandbox's emulator).
import { GetAuthorizationTokenCommand } from '../aws/sdk/ecr.js';
import type { AwsClients } from '../aws/clients.js';
import { SolokubeError } from '../core/errors.js';

export interface RegistryLogin {
  /** host[:port], as it appears in repository URIs. */
  host: string;
  username: string;
  password: string;
  expiresAt: Date;
  /** Plain HTTP (loopback only): tools need --dest-tls-verify=false. */
  insecure: boolean;
}

const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?$/;

export async function getRegistryLogin(clients: AwsClients, signal: AbortSignal): Promise<RegistryLogin> {
  const out = await clients.call('ecr:GetAuthorizationToken', signal, (o) =>
    clients.ecr.send(new GetAuthorizationTokenCommand({}), o),
  );
  const data = out.authorizationData?.[0];
  const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!data?.proxyEndpoint || colon < 1 || !data.expiresAt) {
    throw new SolokubeError({
      code: 'apps.ecr-token',
      message: 'ECR GetAuthorizationToken returned no usable token',
      remedy: 'Check the ECR endpoint and permissions (ecr:GetAuthorizationToken) and rerun.',
      actor: 'aws',
    });
  }
  const endpoint = new URL(data.proxyEndpoint);
  const insecure = endpoint.protocol === 'http:';
  if (insecure && !LOOPBACK_HOST.test(endpoint.host)) {
    throw new SolokubeError({
      code: 'apps.insecure-registry',
      message: `the registry ${endpoint.host} is offered over plain HTTP; solokube sends registry passwords over HTTP only to loopback`,
      remedy: 'Point solokube at the real ECR (https) or at a local emulator on 127.0.0.1.',
      actor: 'user',
    });
  }
  return {
    host: endpoint.host,
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    expiresAt: data.expiresAt,
    insecure,
  };
}

/** True while the token has more than `marginMs` left. */
export function loginFresh(login: RegistryLogin, marginMs: number, now = Date.now()): boolean {
  return login.expiresAt.getTime() - now > marginMs;
}
