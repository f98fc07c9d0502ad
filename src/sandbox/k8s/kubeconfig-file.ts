// A kubeconfig with everything embedded (no paths), the form `kops export kubeconfig --admin` writes.

import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  name: string;
  server: string;
  caCertPath: string;
  clientCertPath: string;
  clientKeyPath: string;
}

export async function renderKubeconfig(spec: KubeconfigSpec): Promise<string> {
  const b64 = async (p: string): Promise<string> => (await readFile(p)).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: spec.name, cluster: { server: spec.server, 'certificate-authority-data': await b64(spec.caCertPath) } },
    ],
    users: [
      {
        name: `${spec.name}-admin`,
        user: {
          'client-certificate-data': await b64(spec.clientCertPath),
          'client-key-data': await b64(spec.clientKeyPath),
        },
      },
    ],
    contexts: [{ name: spec.name, context: { cluster: spec.name, user: `${spec.name}-admin` } }],
    'current-context': spec.name,
  });
}

export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<string> {
  await writeFile(path, await renderKubeconfig(spec), { mode: 0o600 });
  return path;
}
