// Shared fixtures of the kops tests: configurations (default, no secondary IP, custom instance type
// and zones) and where kops' CRD schemas are (../shared/schemas/kops beside the repository;
// SOLOKUBE_KOPS_SCHEMAS overrides it, e.g. for a git worktree that lives elsewhere).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../src/config/load.js';
import type { SolokubeConfig } from '../../src/config/schema.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function kopsSchemaDir(): string {
  const dir =
    process.env.SOLOKUBE_KOPS_SCHEMAS ??
    fileURLToPath(new URL('../shared/schemas/kops', new URL(REPO_ROOT, 'file://')));
  if (!existsSync(dir))
    throw new Error(
      `kops CRD schemas not found at ${dir} (expected ../shared/schemas/kops beside the repository, or set SOLOKUBE_KOPS_SCHEMAS)`,
    );
  return dir;
}

const base = { name: 'c1.example.com', dnsZone: 'example.com', region: 'eu-west-1' };

export const CONFIGS: Record<string, { config: SolokubeConfig; appSecurityGroupId?: string }> = {
  default: { config: validateConfig(base, 'test') },
  'no-secondary-ip': { config: validateConfig({ ...base, secondaryIp: false }, 'test') },
  custom: {
    config: validateConfig(
      {
        ...base,
        instanceType: 'm6i.large',
        zones: ['eu-west-1b', 'eu-west-1c'],
        networking: 'calico',
        image: 'debian/debian-12-amd64-20261101-2000',
        kubernetesVersion: '1.35.5',
      },
      'test',
    ),
    appSecurityGroupId: 'sg-0123456789abcdef0',
  },
};

export const STATE_STORE = 's3://solokube-state-123456789012-eu-west-1';
