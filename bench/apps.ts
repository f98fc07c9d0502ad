// Apps figures (issue 12): AWS calls, registry requests, bytes the registry stored and wall time of
// `apps deploy` on the emulator and a real control plane (kwok node): a first deploy, a deploy with
// no change (goal: no push, no rollout) and a deploy after a one-file change (goal: only that layer
// pushed). Wall time includes podman's reproducible rebuild, which is most of it.
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployApp } from '../src/apps/deploy.js';
import { appSource } from '../src/apps/source.js';
import { parseConfig } from '../src/config/load.js';
import { RecordingIoHost } from '../src/core/io.js';
import { startControlPlane } from '../src/sandbox/k8s/control-plane.js';
import { commitAll, makeProject, startImageLab, untaintNode } from '../test/apps/support.js';
import type { BenchTable } from './table.js';

const CLUSTER = 'bench.example.com';

function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? bytesUnder(p) : e.isFile() ? statSync(p).size : 0;
  }
  return total;
}

export async function appsBench(): Promise<BenchTable[]> {
  const lab = await startImageLab();
  const cp = await startControlPlane({ io: new RecordingIoHost() });
  try {
    const target = { client: cp.client(), cluster: CLUSTER, forceConflicts: false };
    await untaintNode(target);
    const config = parseConfig(
      `name: ${CLUSTER}\ndnsZone: example.com\nregion: eu-west-1\napps:\n  - name: hello\n    port: 8080\n`,
      'bench',
    );
    // Two layers, so a change to one file leaves the other in ECR.
    const project = makeProject(
      lab.dir,
      'hello\n',
      'FROM scratch\nCOPY base.txt /base.txt\nCOPY hello.txt /hello.txt\n',
    );
    writeFileSync(join(project, 'base.txt'), randomBytes(256 * 1024)); // incompressible
    commitAll(project, 'base layer');
    const registryDir = join(lab.dir, 'registry');
    const measure = async (name: string) => {
      lab.emu.resetCalls();
      const before = bytesUnder(registryDir);
      const started = performance.now();
      const r = await deployApp({
        config,
        source: appSource(config, 'hello', project),
        clients: lab.clients,
        target,
        tools: lab.tools,
        who: 'bench',
        deadlineMs: 60_000,
        dryRun: false,
        yes: true,
        io: new RecordingIoHost(),
        signal: AbortSignal.timeout(300_000),
      });
      const wallMs = Math.round(performance.now() - started);
      const calls = lab.emu.calls();
      const changed = r.plan.steps.filter((s) => s.action !== 'unchanged').length;
      return [
        name,
        String(calls.filter((c) => c.service !== 'registry').length),
        String(calls.filter((c) => c.service === 'registry').length),
        String(bytesUnder(registryDir) - before),
        r.pushed ? 'yes' : 'no',
        String(changed),
        `${wallMs} ms`,
      ];
    };
    const rows = [await measure('first deploy'), await measure('no-change deploy')];
    writeFileSync(join(project, 'hello.txt'), 'hello, changed\n');
    commitAll(project, 'one-layer change');
    rows.push(await measure('one-layer change'));
    return [
      {
        title: 'apps deploy: AWS calls, registry traffic and wall time (emulator + real control plane)',
        columns: ['deploy', 'AWS calls', 'registry requests', 'bytes stored', 'pushed', 'objects changed', 'wall time'],
        rows,
        notes: [
          'bytes stored: growth of the registry directory (blobs + manifest); the 256 KiB random base layer is stored once',
          'wall time includes the podman rebuild (reproducible, so an unchanged commit keeps its digest)',
        ],
      },
    ];
  } finally {
    await cp.stop();
    await lab.close();
  }
}
