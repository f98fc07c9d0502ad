// BootUnit: the oneshot unit (and its script) that restores the secondary address and the NAT table
// on every boot, before HAProxy. Applying it also runs it once, which proves the script works.
//
// It also answers for the instance's reclaim unit (src/reclaim, installed by the control-plane
// instance group's user data), the other thing that runs at boot: on a new cluster's first boot the
// reclaim finds no Elastic IP yet (up makes it later) and records a failure, which `doctor` would
// report for as long as the instance lives. Once up has set the node up, a reclaim whose last run
// did not succeed is run again (it then finds everything in place and records ok, or says why not).

import { SolokubeError } from '../../core/errors.js';
import type { Change, Resource } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { RECLAIM_PATHS, RECLAIM_UNIT_NAME } from '../../reclaim/paths.js';
import { parseReclaimState } from '../../reclaim/state.js';
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
  /** The reclaim unit's last result, when the instance has that unit. */
  reclaim?: ReclaimOutcome;
}

type ReclaimOutcome = 'ok' | 'failed' | 'never ran' | 'unreadable';

/** The reclaim unit's last result, or undefined when the node has no reclaim unit. */
async function reclaimOutcome(shell: NodeShell): Promise<ReclaimOutcome | undefined> {
  if ((await shell.readFile(RECLAIM_PATHS.unit)) === undefined) return undefined;
  const state = parseReclaimState(await shell.readFile(RECLAIM_PATHS.state));
  return state.kind === 'ran' ? state.last.result : state.kind === 'never-ran' ? 'never ran' : 'unreadable';
}

export class ReclaimRunError extends SolokubeError {
  constructor(outcome: string, journal: string) {
    super({
      code: 'node.reclaim-failed',
      message: `the node's ${RECLAIM_UNIT_NAME}, run again once the node was set up, ended ${outcome}:\n${journal}`,
      remedy: `Read \`journalctl -u ${RECLAIM_UNIT_NAME}\` on the node (a missing permission names the action); fix it and run up again.`,
      actor: 'solokube',
    });
  }
}

/** Run the reclaim unit once more (oneshot: returns when it finished); throws unless it records ok. */
async function rerunReclaim(shell: NodeShell): Promise<void> {
  await shell.run(['systemctl', 'start', RECLAIM_UNIT_NAME], { allowFailure: true });
  const outcome = await reclaimOutcome(shell);
  if (outcome === 'ok' || outcome === undefined) return;
  const journal = await shell.run(['journalctl', '-u', RECLAIM_UNIT_NAME, '-o', 'cat', '--no-pager', '-n', '15'], {
    allowFailure: true,
  });
  throw new ReclaimRunError(outcome, journal.stdout.trim());
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
      const reclaim = await reclaimOutcome(shell);
      return { unit, script, enabled, ...(reclaim === undefined ? {} : { reclaim }) };
    },
    diff: (actual, desired): Change[] => {
      const changes = diffFields(actual, desired, ['unit', 'script', 'enabled']);
      if (actual?.reclaim !== undefined && actual.reclaim !== 'ok')
        changes.push({ field: `${RECLAIM_UNIT_NAME} last run`, from: actual.reclaim, to: 'ok (run again)' });
      return changes;
    },
    async apply(ctx, _actual, desired) {
      const shell = withSignal(baseShell, ctx.signal);
      await shell.run(['mkdir', '-p', '-m', '0755', '/usr/local/lib/solokube']);
      await shell.writeFileAtomic(NODE_PATHS.bootScript, desired.script ?? '', 0o755);
      await shell.writeFileAtomic(NODE_PATHS.bootUnit, desired.unit ?? '', 0o644);
      await shell.run(['systemctl', 'daemon-reload']);
      await shell.run(['systemctl', 'enable', BOOT_UNIT_NAME]);
      await shell.run(['systemctl', 'restart', BOOT_UNIT_NAME]);
      const reclaim = await reclaimOutcome(shell);
      if (reclaim !== undefined && reclaim !== 'ok') await rerunReclaim(shell);
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
