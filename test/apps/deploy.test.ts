// test:integration — needs the Go-built Kubernetes binaries (a real control plane with kwok) and podman.
// `apps deploy / rollback / history / list / delete` end to end: real podman builds pushed by real
// skopeo to the emulator's ECR, the real ECR SDK, server-side apply and rollouts on a real
// control plane whose pods kwok runs (its pod-behaviour stages make a version crash-loop).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DescribeRepositoriesCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { appHistory } from '../../src/apps/history.js';
import { deleteApp } from '../../src/apps/delete.js';
import { deployApp, type DeployAppOptions } from '../../src/apps/deploy.js';
import { listApps } from '../../src/apps/list.js';
import { rollbackApp } from '../../src/apps/rollback.js';
import { appSource } from '../../src/apps/source.js';
import { parseConfig } from '../../src/config/load.js';
import type { SolokubeConfig } from '../../src/config/schema.js';
import { RecordingIoHost } from '../../src/core/io.js';
import type { Plan } from '../../src/core/plan.js';
import type { DeploymentObject, KubeList, PodObject } from '../../src/k8s/types.js';
import { POD_BEHAVIOUR_LABEL } from '../../src/sandbox/k8s/kwok-stages.js';
import { kubectlGet } from '../support/control-plane.js';
import { commitAll, ecrCalls, registryCalls } from './support.js';
import { appsClusterLab } from './cluster-support.js';

const CLUSTER = 'c1.example.com';
const config: SolokubeConfig = parseConfig(
  `name: ${CLUSTER}
dnsZone: example.com
region: eu-west-1
apps:
  - name: hello
    port: 8080
  - name: flaky
    port: 8080
    keepImages: 2
  - name: dry
    port: 8080
`,
  'test',
);

const signal = () => AbortSignal.timeout(180_000);
const pending = (plan: Plan) => plan.steps.filter((s) => s.action !== 'unchanged');

describe('apps: deploy, rollback, history, list, delete', () => {
  const t = appsClusterLab(CLUSTER, true);

  // What every deploy and rollback here shares: who, a minute for the rollout, act without asking.
  const run = () => ({
    who: 'dev@example.com',
    deadlineMs: 60_000,
    dryRun: false,
    yes: true,
    io: new RecordingIoHost(),
    signal: signal(),
  });
  const deploy = (app: string, extra: Partial<DeployAppOptions> = {}) =>
    deployApp({
      config,
      source: appSource(config, app, t.project),
      clients: t.lab.clients,
      target: t.target,
      tools: t.lab.tools,
      ...run(),
      ...extra,
    });
  const rollback = (to?: string) =>
    rollbackApp({
      config,
      app: 'flaky',
      clients: t.lab.clients,
      target: t.target,
      ...run(),
      ...(to !== undefined ? { to } : {}),
    });
  const getDeployment = async (app: string) =>
    (await kubectlGet(t.cp, ['deployment', app, '-n', 'default'])) as DeploymentObject;
  const change = (content: string) => {
    writeFileSync(join(t.project, 'hello.txt'), content);
    commitAll(t.project, content);
  };
  const readyPodImages = async (app: string) => {
    const pods = (await t.target.client.request<KubeList<PodObject>>({
      method: 'GET',
      path: '/api/v1/namespaces/default/pods',
      query: { labelSelector: `app.kubernetes.io/name=${app}` },
    })) as KubeList<PodObject>;
    return pods.items
      .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => (p.spec as { containers: { image: string }[] }).containers[0]!.image);
  };

  it(
    'GIVEN a new app WHEN deployed THEN its repository is created and tagged, the image ' +
      'pushed once and run by digest, routed, recorded; a second deploy pushes nothing, rolls ' +
      'nothing, plans zero changes, and hand-added fields survive',
    async () => {
      const first = await deploy('hello');
      assert.equal(first.repositoryCreated, true);
      assert.equal(first.pushed, true);
      assert.match(first.image, /^127\.0\.0\.1:\d+\/c1\.example\.com\/hello@sha256:[0-9a-f]{64}$/);
      assert.deepEqual(first.urls, ['https://hello.example.com/']);

      const repo = (
        await t.lab.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/hello`] }))
      ).repositories![0]!;
      assert.equal(repo.imageScanningConfiguration?.scanOnPush, true);
      const tags = (await t.lab.clients.ecr.send(new ListTagsForResourceCommand({ resourceArn: repo.repositoryArn })))
        .tags;
      assert.ok(tags?.some((t) => t.Key === 'solokube.io/cluster' && t.Value === CLUSTER));

      const dep = await getDeployment('hello');
      const container = (dep.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
        .containers[0]!;
      assert.equal(container.image, first.image, 'the Deployment runs the pushed digest');
      assert.equal(dep.status?.availableReplicas, 1);
      const ann = dep.metadata.annotations!;
      assert.equal(ann['solokube.io/deployed-by'], 'dev@example.com');
      assert.equal(ann['solokube.io/digest'], first.digest);
      assert.match(ann['solokube.io/commit'] ?? '', /^[0-9a-f]{12}$/);
      assert.equal(ann['solokube.io/version'], first.version);
      assert.ok(!Number.isNaN(Date.parse(ann['solokube.io/deployed-at'] ?? '')));
      const ingress = (await kubectlGet(t.cp, ['ingress', 'hello-https', '-n', 'default'])) as unknown as {
        spec: { rules: { host: string }[] };
      };
      assert.equal(ingress.spec.rules[0]?.host, 'hello.example.com');

      // Someone adds an annotation and an env var with kubectl.
      assert.equal((await t.cp.kubectl(['annotate', '-n', 'default', 'deployment/hello', 'team=payments'])).code, 0);
      assert.equal((await t.cp.kubectl(['set', 'env', '-n', 'default', 'deployment/hello', 'EXTRA=1'])).code, 0);
      const status = await t.cp.kubectl(['rollout', 'status', '-n', 'default', 'deployment/hello', '--timeout=60s']);
      assert.equal(status.code, 0, status.stderr);
      const generation = (await getDeployment('hello')).metadata.generation;

      t.lab.emu.resetCalls();
      const second = await deploy('hello');
      assert.equal(second.pushed, false);
      assert.deepEqual(registryCalls(t.lab.emu), [], 'nothing reached the registry');
      assert.ok(!ecrCalls(t.lab.emu).includes('CreateRepository'));
      assert.deepEqual(pending(second.plan), [], 'zero changes planned');
      assert.equal(second.record.revision, 1);
      const after2 = await getDeployment('hello');
      assert.equal(after2.metadata.generation, generation, 'nothing rolled');
      assert.equal(after2.metadata.annotations?.['team'], 'payments');

      // A real change rolls out, and the hand-added fields still survive.
      change('hello, version two\n');
      const third = await deploy('hello');
      assert.equal(third.pushed, true);
      assert.notEqual(third.digest, first.digest);
      assert.equal(third.record.revision, 2);
      const after3 = await getDeployment('hello');
      assert.equal(after3.metadata.annotations?.['team'], 'payments');
      const env = (after3.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } })
        .template.spec.containers[0]!.env;
      assert.deepEqual(env, [{ name: 'EXTRA', value: '1' }]);
      assert.deepEqual(await readyPodImages('hello'), [third.image]);
    },
  );

  it(
    'GIVEN a running version WHEN a deploy’s pods never become ready THEN it fails at the ' +
      'deadline naming the reason, the previous version keeps serving, rollback returns to it, ' +
      'and a rollback to an expired image is refused with the images that exist',
    async () => {
      const v1 = await deploy('flaky');
      change('flaky two\n');
      const started = Date.now();
      await assert.rejects(
        deploy('flaky', { podLabels: { [POD_BEHAVIOUR_LABEL]: 'crash-loop' }, deadlineMs: 6_000 }),
        (err: Error) => /CrashLoopBackOff/.test(err.message) && /not available within 6s/.test(err.message),
      );
      assert.ok(Date.now() - started < 60_000, 'failed at the deadline, not later');
      assert.deepEqual(await readyPodImages('flaky'), [v1.image], 'the previous version still serves');

      const back = await rollback();
      assert.equal(back.record.digest, v1.digest);
      assert.equal(back.record.revision, 3);
      assert.equal(back.record.rollbackOf, 1);
      assert.equal((await getDeployment('flaky')).status?.availableReplicas, 1);
      assert.deepEqual(await readyPodImages('flaky'), [v1.image]);

      const history = await appHistory(config, 'flaky', t.lab.clients, t.target, signal());
      assert.deepEqual(
        history.map((h) => [h.revision, h.current, h.inEcr]),
        [
          [3, true, true],
          [2, false, true],
          [1, false, true],
        ],
      );

      // A third version; the lifecycle policy (keep 2) then expires the first image.
      change('flaky three\n');
      const v3 = await deploy('flaky');
      const expired = t.lab.emu.applyEcrLifecyclePolicies(`${CLUSTER}/flaky`);
      assert.deepEqual(expired[0]?.expired, [v1.digest]);
      await assert.rejects(
        rollback('1'),
        (err: Error & { code?: string }) =>
          err.code === 'apps.image-expired' &&
          err.message.includes(v3.digest) &&
          !err.message.split('exist:')[1]!.includes(v1.digest),
      );
      assert.deepEqual(await readyPodImages('flaky'), [v3.image], 'the refused rollback changed nothing');
      await assert.rejects(rollback('latest'), (err: Error & { exitCode?: number }) => err.exitCode === 2);
    },
  );

  it(
    'GIVEN deployed apps WHEN listed and deleted THEN the list shows them, delete removes ' +
      'only their labelled objects (and with purgeImages the repository), and a second delete has nothing to do',
    async () => {
      // A dry run changes nothing: no repository, no Deployment.
      t.lab.emu.resetCalls();
      const dry = await deploy('dry', { dryRun: true });
      assert.equal(dry.decision, 'dry-run');
      assert.ok(pending(dry.plan).some((s) => s.action === 'create'));
      assert.ok(!ecrCalls(t.lab.emu).some((op) => /^(Create|Put)/.test(op)), ecrCalls(t.lab.emu).join(','));
      assert.equal(await kubectlGet(t.cp, ['deployment', 'dry', '-n', 'default']), undefined);

      const listed = await listApps(config, t.target, signal());
      assert.deepEqual(
        listed.map((a) => [a.name, a.deployed, a.ready]),
        [
          ['dry', false, undefined],
          ['flaky', true, 1],
          ['hello', true, 1],
        ],
      );

      // A Service of the user's that merely carries the app label is not ours to delete.
      const own = await t.cp.kubectl(['apply', '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'users-own', namespace: 'default', labels: { 'solokube.io/app': 'hello' } },
          spec: { ports: [{ port: 80 }] },
        }),
      });
      assert.equal(own.code, 0, own.stderr);

      const del = (app: string, purgeImages: boolean) =>
        deleteApp({
          config,
          app,
          clients: t.lab.clients,
          target: t.target,
          purgeImages,
          dryRun: false,
          yes: true,
          io: new RecordingIoHost(),
          signal: signal(),
        });
      await del('hello', false);
      for (const obj of ['deployment/hello', 'service/hello', 'ingress/hello-https', 'ingress/hello-http'])
        assert.equal(await kubectlGet(t.cp, [obj, '-n', 'default']), undefined, `${obj} is gone`);
      assert.ok(await kubectlGet(t.cp, ['service/users-own', '-n', 'default']), "the user's Service stays");
      const kept = await t.lab.clients.ecr.send(
        new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/hello`] }),
      );
      assert.equal(kept.repositories?.length, 1, 'without purgeImages the images stay');
      assert.deepEqual(pending((await del('hello', false)).plan), [], 'a second delete has nothing to do');

      await del('flaky', true);
      assert.equal(await kubectlGet(t.cp, ['deployment/flaky', '-n', 'default']), undefined);
      await assert.rejects(
        t.lab.clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [`${CLUSTER}/flaky`] })),
        /RepositoryNotFound/,
      );
      assert.deepEqual(
        (await listApps(config, t.target, signal())).filter((a) => a.deployed),
        [],
      );
    },
  );
});
