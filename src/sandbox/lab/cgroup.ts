// Each lab gets its own cgroup. systemd-nspawn --keep-unit puts the container under the caller's
// cgroup (".../payload"), so two labs started from the same place (one test process, or a host
// without systemd where everything sits in "/") would share one cgroup tree, and each container's
// systemd would manage the other's units. The supervisor moves itself into
// <hierarchy>/solokube-lab/<name> before it launches nspawn; destroy removes that tree.
import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertLabName } from './names.js';

/** cgroup2 at /sys/fs/cgroup (unified host), cgroup2 at .../unified and name=systemd at .../systemd (hybrid host). */
const HIERARCHY_ROOTS = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd'];

export function labCgroupDirs(name: string): string[] {
  assertLabName(name);
  return HIERARCHY_ROOTS.filter((root) => existsSync(join(root, 'cgroup.procs'))).map((root) =>
    join(root, 'solokube-lab', name),
  );
}

/** Move pid (and so everything it starts later) into the lab's own cgroups. */
export async function joinLabCgroup(name: string, pid: number): Promise<void> {
  for (const dir of labCgroupDirs(name)) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'cgroup.procs'), `${pid}\n`);
  }
}

/** Last resort at destroy: SIGKILL every process left in the lab's cgroup2 tree (cgroup.kill, Linux 5.14+). */
export async function killLabCgroup(name: string): Promise<void> {
  for (const dir of labCgroupDirs(name)) {
    if (existsSync(join(dir, 'cgroup.kill'))) await writeFile(join(dir, 'cgroup.kill'), '1\n').catch(() => undefined);
  }
}

/** Remove the lab's cgroup trees, deepest first (a cgroup directory goes only when it has no children and no processes). */
export function removeLabCgroups(name: string): string[] {
  const left: string[] = [];
  for (const dir of labCgroupDirs(name)) {
    if (!existsSync(dir)) continue;
    removeTree(dir, left);
  }
  return left;
}

function removeTree(dir: string, left: string[]): void {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) removeTree(p, left);
  }
  try {
    rmdirSync(dir);
  } catch {
    left.push(dir);
  }
}
