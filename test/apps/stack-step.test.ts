// test:integration — needs the Go-built Kubernetes binaries (a real control plane with kwok) and podman.
// The apps' part of `up` and `down`: up deploys configured apps that are absent (and reports, not
// fails, an app whose Dockerfile is not written yet) and then has nothing to do; down removes the
// apps' objects and every ECR repository solokube created for the cluster, configured or not,
// and leaves a repository it cannot prove is its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { ensureRepository } from '../../src/apps/repository.js';
import { appsDownResources, appsUpResources } from '../../src/apps/stack-step.js';
import { parseConfig } from '../../src/config/load.js';
import { RecordingIoHost } from '../../src/core/io.js';
import { planDestroy } from '../../src/core/plan.js';
import { planAndApply } from '../../src/core/run.js';
import { controlPlaneTaint } from '../../src/k8s/resources/control-plane-taint.js';
import { assertIdempotent } from '../support/idempotency.js';
import { kubectlGet } from '../support/control-plane.js';
import { appsClusterLab } from './cluster-support.js';

const CLUSTER = 'c2.example.com';
const config = parseConfig(
  `name: ${CLUSTER}
dnsZone: example.com
region: eu-west-1
apps:
  - name: hello
    port: 8080
  - name: ghost
    port: 8080
    dockerfile: ghost/Dockerfile
`,
  'test',
);
const signal = () => AbortSignal.timeout(180_000);

describe('apps in up and down', () => {
  const t = appsClusterLab(CLUSTER, false);

  const repositories = async () =>
    ((await t.lab.clients.ecr.send(new DescribeRepositoriesCommand({}))).repositories ?? [])
      .map((r) => r.repositoryName)
      .sort();

  it(
    'GIVEN configured apps, one without its Dockerfile yet WHEN up converges THEN the other ' +
      'is deployed, the missing one is reported, and a rerun plans zero changes',
    async () => {
      const io = new RecordingIoHost();
      const resources = [
        controlPlaneTaint(t.target),
        ...appsUpResources(config, t.lab.clients, t.target, {
          projectDir: t.project,
          tools: t.lab.tools,
          deadlineMs: 60_000,
        }),
      ];
      await assertIdempotent(resources, { io, signal: signal() });
      const dep = (await kubectlGet(t.cp, ['deployment', 'hello', '-n', 'default'])) as {
        status?: { availableReplicas?: number };
      };
      assert.equal(dep.status?.availableReplicas, 1);
      assert.equal(await kubectlGet(t.cp, ['deployment', 'ghost', '-n', 'default']), undefined);
      assert.ok(
        io.events.some((e) => e.level === 'warn' && /ghost is configured but its Dockerfile/.test(e.message)),
        'the skipped app is reported',
      );
      assert.deepEqual(
        appsUpResources(config, t.lab.clients, undefined, { projectDir: t.project }),
        [],
        'no cluster, no apps',
      );
    },
  );

  it(
    'GIVEN the apps deployed, a repository of an app no longer configured and a foreign one ' +
      'under the same prefix WHEN down runs THEN objects and solokube’s repositories are gone, ' +
      'the foreign one stays, and a second down has nothing to do',
    async () => {
      await ensureRepository({
        clients: t.lab.clients,
        cluster: CLUSTER,
        app: 'retired',
        keepImages: 3,
        io: new RecordingIoHost(),
        signal: signal(),
      });
      await t.lab.clients.ecr.send(new CreateRepositoryCommand({ repositoryName: `${CLUSTER}/someone-else` }));
      assert.deepEqual(await repositories(), [`${CLUSTER}/hello`, `${CLUSTER}/retired`, `${CLUSTER}/someone-else`]);

      const down = () => appsDownResources(config, t.lab.clients, t.target);
      await planAndApply(down(), {
        io: new RecordingIoHost(),
        signal: signal(),
        mode: 'destroy',
        yes: true,
        dryRun: false,
      });
      assert.deepEqual(await repositories(), [`${CLUSTER}/someone-else`]);
      assert.equal(await kubectlGet(t.cp, ['deployment', 'hello', '-n', 'default']), undefined);
      assert.equal(await kubectlGet(t.cp, ['service', 'hello', '-n', 'default']), undefined);
      const { plan } = await planDestroy(down(), new RecordingIoHost(), signal());
      assert.deepEqual(
        plan.steps.filter((s) => s.action !== 'unchanged').map((s) => s.id),
        [],
      );
    },
  );
});
