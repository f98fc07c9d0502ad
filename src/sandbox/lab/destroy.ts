// Tearing a lab down, from the process that started it or from any later one (via its record):
// stop the supervisor (which powers the node off), make sure no container process survives,
// unmount the overlay, delete the namespaces and the lab's directory. Every step tolerates the
// thing already being gone, so a half-started lab and a second destroy are both fine.
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { SolokubeError } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';
import { killLabCgroup, removeLabCgroups } from './cgroup.js';
import { removeClientEtc } from './client-hosts.js';
import { deleteLabNetwork } from './gateway.js';
import { childPids, isOurProcess, signal, waitGone } from './processes.js';
import { readSupervisorStatus, type LabRecord } from './record.js';
import { run } from './run.js';

const SUPERVISOR_STOP_MS = 15_000;

export async function destroyLab(record: LabRecord): Promise<void> {
  assertOwnPaths(record);
  await stopContainer(record);
  await removeCgroups(record.name);
  await unmountAll(record.root);
  await deleteLabNetwork(record.netns);
  await removeClientEtc(record.netns.client);
  await rm(record.dir, { recursive: true, force: true });
}

/** A record is read from disk: refuse to unmount or delete anything outside the lab's own directory. */
function assertOwnPaths(record: LabRecord): void {
  const inside = (p: string): boolean => p.startsWith(`${record.dir}/`) && !p.includes('/../');
  const ok =
    basename(record.dir) === record.name &&
    isAbsolute(record.dir) &&
    !record.dir.includes('/../') &&
    [record.root, record.upper, record.work, record.statusPath, record.recordPath].every(inside);
  if (!ok) {
    throw new SolokubeError({
      code: 'lab.record-unsafe',
      message: `lab record for ${record.name} names paths outside ${record.dir}; refusing to remove anything`,
      remedy: 'Remove that lab by hand.',
      actor: 'user',
    });
  }
}

async function stopContainer(record: LabRecord): Promise<void> {
  const supervisorWords = ['supervisor-main.js', record.recordPath];
  const nspawnWords = ['systemd-nspawn', `--machine=${record.machineName}`];
  const status = existsSync(record.statusPath)
    ? await readSupervisorStatus(record.statusPath).catch(() => undefined)
    : undefined;
  const nspawnPid = status?.nspawnPid ?? 0;
  if (isOurProcess(record.supervisorPid, supervisorWords)) {
    signal(record.supervisorPid, 'SIGTERM');
    if (!(await waitGone(record.supervisorPid, SUPERVISOR_STOP_MS))) signal(record.supervisorPid, 'SIGKILL');
  }
  // The supervisor normally took the container down; make sure, by PID, that nothing is left.
  if (isOurProcess(nspawnPid, nspawnWords)) {
    for (const leader of childPids(nspawnPid)) signal(leader, 'SIGKILL');
    signal(nspawnPid, 'SIGKILL');
    await waitGone(nspawnPid, 5_000);
  }
}

/** The container's last processes may take a moment to leave their cgroups after the kill. */
async function removeCgroups(name: string): Promise<void> {
  let left = removeLabCgroups(name);
  for (let attempt = 0; attempt < 20 && left.length > 0; attempt++) {
    // Everything of ours was signalled by PID already; whatever still sits in the lab's own cgroup is ours too.
    await killLabCgroup(name);
    await sleep(250);
    left = removeLabCgroups(name);
  }
  if (left.length > 0) {
    throw new SolokubeError({
      code: 'lab.cgroup-busy',
      message: `lab ${name}: cgroups still in use: ${left.join(', ')}`,
      remedy: `Kill the processes listed in their cgroup.procs, then rmdir them.`,
    });
  }
}

/** Unmount the overlay (and anything below it); retried because the last container process may still be exiting. */
async function unmountAll(root: string): Promise<void> {
  for (let attempt = 0; attempt < 20 && isMounted(root); attempt++) {
    const r = await run(['umount', '-R', root]);
    if (r.code === 0) return;
    await sleep(250);
  }
  if (isMounted(root)) {
    throw new SolokubeError({
      code: 'lab.unmount-failed',
      message: `cannot unmount the lab overlay at ${root}`,
      remedy: `Find what still uses it (fuser -vm ${root}) and run \`umount -R ${root}\`.`,
    });
  }
}

export function isMounted(path: string): boolean {
  // /proc/self/mountinfo field 5 is the mount point, with spaces etc. octal-escaped.
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[4] === path);
}
