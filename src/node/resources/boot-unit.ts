// BootUnit: the oneshot unit (and its script) that restores the secondary address and the NAT table
// on every boot, before HAProxy. Applying it also runs it once, which proves the script works.

import type { Change, Resource } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { BOOT_UNIT_NAME, NODE_PATHS } from '../paths.js';
import { renderBootUnit } from '../render-boot.js';
import type { NodeShell } from '../shell.js';
import { withSignal } from '../shell.js';
import type { NodeOutline, NodeSpec } from '../spec.js';
import { NODE_RESOURCE_DEADLINE_MS, NODE_RESOURCE_DEPENDS_ON, NODE_RESOURCE_IDS } from './ids.js';

export interface BootUnitState {
  unit: string | undefined;
  script: string | undefined;
  /** `systemctl is-enabled` says enabled. */
  enabled: boolean;
}

/** The static description for `plan --offline`. */
export function outlineBootUnit(_o: NodeOutline): Record<string, unknown> {
  return { unit: BOOT_UNIT_NAME, restores: 'the secondary address and the redirect rules, before the proxy starts' };
}

export function bootUnit(spec: NodeSpec, baseShell: NodeShell): Resource<BootUnitState> {
  return {
    id: NODE_RESOURCE_IDS.bootUnit,
    title: `boot unit ${BOOT_UNIT_NAME} (address and rules restored at boot)`,
    dependsOn: NODE_RESOURCE_DEPENDS_ON[NODE_RESOURCE_IDS.bootUnit],
    deadlineMs: NODE_RESOURCE_DEADLINE_MS[NODE_RESOURCE_IDS.bootUnit],
    desired: () => ({ ...renderBootUnit(spec), enabled: true }),
    async find(ctx) {
      const shell = withSignal(baseShell, ctx.signal);
      const unit = await shell.readFile(NODE_PATHS.bootUnit);
      const script = await shell.readFile(NODE_PATHS.bootScript);
      if (unit === undefined && script === undefined) return undefined;
      const enabled =
        (await shell.run(['systemctl', 'is-enabled', BOOT_UNIT_NAME], { allowFailure: true })).stdout.trim() ===
        'enabled';
      return { unit, script, enabled };
    },
    diff: (actual, desired): Change[] => diffFields(actual, desired, ['unit', 'script', 'enabled']),
    async apply(ctx, _actual, desired) {
      const shell = withSignal(baseShell, ctx.signal);
      await shell.run(['mkdir', '-p', '-m', '0755', '/usr/local/lib/solokube']);
      await shell.writeFileAtomic(NODE_PATHS.bootScript, desired.script ?? '', 0o755);
      await shell.writeFileAtomic(NODE_PATHS.bootUnit, desired.unit ?? '', 0o644);
      await shell.run(['systemctl', 'daemon-reload']);
      await shell.run(['systemctl', 'enable', BOOT_UNIT_NAME]);
      await shell.run(['systemctl', 'restart', BOOT_UNIT_NAME]);
      return undefined;
    },
    async delete(ctx) {
      const shell = withSignal(baseShell, ctx.signal);
      await shell.run(['systemctl', 'disable', BOOT_UNIT_NAME], { allowFailure: true });
      // No ExecStop: stopping only clears the unit's "active (exited)" state.
      await shell.run(['systemctl', 'stop', BOOT_UNIT_NAME], { allowFailure: true });
      await shell.run(['rm', '-f', '--', NODE_PATHS.bootUnit, NODE_PATHS.bootScript]);
      await shell.run(['rmdir', '--ignore-fail-on-non-empty', '/usr/local/lib/solokube']);
      await shell.run(['systemctl', 'daemon-reload']);
    },
  };
}
