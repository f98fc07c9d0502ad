// The node's per-run identity, written into its overlay before the first boot: hostname, the
// primary address systemd-networkd configures on every boot (the way EC2's DHCP would), the SSH
// host key the caller pins, root's authorised key, and the stand-ins' certificates and config.
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { NODE_IF, VPC_GATEWAY, VPC_PREFIX_LENGTH } from './addresses.js';
import type { LabSshKeys } from './ssh-keys.js';
import type { LabTls } from './tls.js';
import {
  LARGE_RESPONSE_BYTES,
  STANDIN_CONFIG_PATH,
  STANDIN_TLS_DIR,
  STANDIN_WWW_DIR,
  renderStandinConfig,
  type IngressMode,
} from './standins.js';

export interface NodeIdentity {
  hostname: string;
  primaryAddress: string;
  keys: LabSshKeys;
  tls: LabTls;
  ingressMode: IngressMode;
  /** A real kube-apiserver will hold *:443, so no stand-in takes it. */
  realApi?: boolean;
}

export const NODE_NETWORK_FILE = '/etc/systemd/network/10-host0.network';

export function renderNetworkFile(primaryAddress: string): string {
  return [
    '# solokube lab: the primary address, configured at every boot like EC2 DHCP does',
    '[Match]',
    `Name=${NODE_IF}`,
    '',
    '[Network]',
    `Address=${primaryAddress}/${VPC_PREFIX_LENGTH}`,
    `Gateway=${VPC_GATEWAY}`,
    'LinkLocalAddressing=no',
    'IPv6AcceptRA=no',
    '',
  ].join('\n');
}

export async function writeNodeIdentity(root: string, id: NodeIdentity): Promise<void> {
  const at = (p: string): string => join(root, p);
  await put(at('/etc/hostname'), `${id.hostname}\n`);
  await put(at(NODE_NETWORK_FILE), renderNetworkFile(id.primaryAddress));
  await copyFile(id.keys.hostPrivateKeyPath, at('/etc/ssh/ssh_host_ed25519_key'));
  await chmod(at('/etc/ssh/ssh_host_ed25519_key'), 0o600);
  await put(at('/etc/ssh/ssh_host_ed25519_key.pub'), `${id.keys.hostPublicKey}\n`);
  await mkdir(at('/root/.ssh'), { recursive: true, mode: 0o700 });
  await put(at('/root/.ssh/authorized_keys'), `${id.keys.clientPublicKey}\n`, 0o600);
  await mkdir(at(STANDIN_TLS_DIR), { recursive: true, mode: 0o755 });
  for (const [src, name] of [
    [id.tls.apiCertPath, 'api.crt'],
    [id.tls.apiKeyPath, 'api.key'],
    [id.tls.ingressCertPath, 'ingress.crt'],
    [id.tls.ingressKeyPath, 'ingress.key'],
  ] as const) {
    await copyFile(src, at(`${STANDIN_TLS_DIR}/${name}`));
    await chmod(at(`${STANDIN_TLS_DIR}/${name}`), name.endsWith('.key') ? 0o600 : 0o644);
  }
  await put(at(`${STANDIN_WWW_DIR}/16k`), 'x'.repeat(LARGE_RESPONSE_BYTES - 1) + '\n');
  await put(at(STANDIN_CONFIG_PATH), renderStandinConfig(id.ingressMode, { realApi: id.realApi ?? false }));
}

async function put(path: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode });
  await chmod(path, mode);
}
