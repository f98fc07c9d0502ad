// `up` in stages: while the cluster stage has changes, the network stage (whose discovery needs the
// instance the cluster stage launches) is named, not planned; after the cluster is applied it is
// planned, shown and applied under the same confirmation; a converged run is one plan of everything.
// The "network" resource here fails to read without the cluster, as the control-plane discovery does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotConfirmedError } from '../../src/core/errors.js';
import { RecordingIoHost } from '../../src/core/io.js';
import type { Resource } from '../../src/core/resource.js';
import { planStages, runStages } from '../../src/stack/stages.js';
import type { Stage } from '../../src/stack/stages.js';
import { MemoryStore, memoryResource } from '../support/memory-resource.js';

/** A resource that, like the control-plane discovery, cannot even be read before the cluster exists. */
function needsCluster(store: MemoryStore, id: string, value: string): Resource {
  const inner = memoryResource(store, id, value) as Resource;
  return {
    ...inner,
    async find(ctx) {
      if (!store.items.has('kops/cluster')) throw new Error(`${id} read before the cluster exists`);
      return inner.find(ctx);
    },
  };
}

function world(opts: { clusterValue?: string; failNetwork?: Error } = {}) {
  const store = new MemoryStore();
  const built: string[] = [];
  const cluster = [memoryResource(store, 'kops/cluster', opts.clusterValue ?? 'v1') as Resource];
  const network = opts.failNetwork
    ? [memoryResource(store, 'aws/elastic-ip', 'eip', { failWith: opts.failNetwork }) as Resource]
    : [needsCluster(store, 'aws/elastic-ip', 'eip')];
  const stages: Stage[] = [
    { title: 'the cluster', phases: () => (built.push('cluster'), [{ mode: 'converge', resources: cluster }]) },
    { title: 'the network part', phases: () => (built.push('network'), [{ mode: 'converge', resources: network }]) },
    { title: 'the cluster again', phases: () => (built.push('again'), [{ mode: 'converge', resources: cluster }]) },
  ];
  return { store, built, stages };
}

const signal = new AbortController().signal;

test('GIVEN nothing exists WHEN up is planned THEN the plan holds the cluster only and names the rest as "then", never reading it', async () => {
  const { stages, built } = world();
  const r = await planStages(stages, new RecordingIoHost(), signal);
  assert.deepEqual(
    r.plan.steps.map((s) => [s.id, s.action]),
    [['kops/cluster', 'create']],
  );
  assert.deepEqual(r.then, ['the network part', 'the cluster again']);
  assert.deepEqual(built, ['cluster'], 'the network stage was not even built');
});

test(
  'GIVEN nothing exists WHEN up runs with --yes THEN the cluster is applied, then the ' +
    'network part is planned, shown and applied; a rerun is one plan with no changes',
  async () => {
    const { stages, store } = world();
    const shown: string[] = [];
    const io = new RecordingIoHost();
    const first = await runStages(stages, {
      io,
      signal,
      yes: true,
      dryRun: false,
      showPlan: (_p, text) => shown.push(text),
    });
    assert.equal(first.decision, 'apply');
    assert.deepEqual(store.log, [
      'start kops/cluster',
      'apply kops/cluster',
      'start aws/elastic-ip',
      'apply aws/elastic-ip',
    ]);
    assert.equal(shown.length, 2, 'the cluster plan, then the network plan');
    assert.match(shown[0]!, /then: the network part — planned and applied once the steps above are done/);
    assert.match(shown[1]!, /aws\/elastic-ip[\s\S]*then: the cluster again/);
    assert.deepEqual(
      first.plan.steps.map((s) => [s.id, s.action]),
      [
        ['kops/cluster', 'create'],
        ['aws/elastic-ip', 'create'],
        ['kops/cluster', 'unchanged'],
      ],
    );
    assert.deepEqual(first.then, []);

    const again = await runStages(stages, { io, signal, yes: true, dryRun: false });
    assert.equal(again.decision, 'nothing-to-do');
    assert.deepEqual(
      again.plan.steps.map((s) => [s.id, s.action]),
      [
        ['kops/cluster', 'unchanged'],
        ['aws/elastic-ip', 'unchanged'],
      ],
      'one plan of everything; the cluster found unchanged is not planned a second time',
    );
  },
);

test('GIVEN nothing exists and no terminal WHEN up runs without --yes THEN it refuses and changes nothing, the later stages included', async () => {
  const { stages, store } = world();
  await assert.rejects(
    runStages(stages, { io: new RecordingIoHost(), signal, yes: false, dryRun: false }),
    NotConfirmedError,
  );
  assert.equal(store.items.size, 0);
});

test('GIVEN a dry run WHEN up is planned from nothing THEN nothing is applied and the result names the stages still to come', async () => {
  const { stages, store } = world();
  const r = await runStages(stages, { io: new RecordingIoHost(), signal, yes: false, dryRun: true });
  assert.equal(r.decision, 'dry-run');
  assert.deepEqual(r.then, ['the network part', 'the cluster again']);
  assert.equal(store.items.size, 0);
});

test('GIVEN the network part fails after the cluster was made WHEN up reruns THEN it resumes: the cluster unchanged, the network part created', async () => {
  const failing = world({ failNetwork: new Error('EC2 said no') });
  await assert.rejects(
    runStages(failing.stages, { io: new RecordingIoHost(), signal, yes: true, dryRun: false }),
    /EC2 said no/,
  );
  assert.deepEqual([...failing.store.items.keys()], ['kops/cluster']);
  // The same account, the network part working again.
  const fixed = world();
  for (const [k, v] of failing.store.items) fixed.store.items.set(k, v);
  const r = await runStages(fixed.stages, { io: new RecordingIoHost(), signal, yes: true, dryRun: false });
  assert.deepEqual(
    r.plan.steps.filter((s) => s.action !== 'unchanged').map((s) => s.id),
    ['aws/elastic-ip'],
  );
  assert.deepEqual([...fixed.store.items.keys()].sort(), ['aws/elastic-ip', 'kops/cluster']);
});
