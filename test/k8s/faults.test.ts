// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// Faults between solokube and the Kubernetes API: the API server stopped in the middle of an
// apply, an API that accepts connections and never answers, a kubeconfig trusting the wrong CA,
// an expired client certificate and one the server does not accept. Each fails within its deadline
// with a clear, typed message, and changes nothing it did not report.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingIoHost } from '../../src/core/io.js';
import type { IoEvent } from '../../src/core/io.js';
import { planConverge } from '../../src/core/plan.js';
import type { Resource } from '../../src/core/resource.js';
import { planAndApply } from '../../src/core/run.js';
import { KubeClient } from '../../src/k8s/client.js';
import {
  KubeCredentialsError,
  KubeServerCertificateError,
  KubeTimeoutError,
  KubeUnreachableError,
} from '../../src/k8s/errors.js';
import { loadKubeconfig } from '../../src/k8s/kubeconfig.js';
import { kubeObject } from '../../src/k8s/resources/kube-object.js';
import { kubeResources } from '../../src/k8s/resources/index.js';
import type { KubeTarget } from '../../src/k8s/target.js';
import { writeKubeconfig } from '../../src/sandbox/k8s/kubeconfig-file.js';
import { issueClientCertificate, makeControlPlanePki } from '../../src/sandbox/k8s/pki.js';
import type { ControlPlane } from '../../src/sandbox/k8s/control-plane.js';
import { assertIdempotent } from '../support/idempotency.js';
import { configMap, kubectlGet, namespace, sharedControlPlane, uniqueName } from '../support/control-plane.js';

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'solokube-k8s-fault-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A kubeconfig for the control plane with one part swapped (server, CA or client certificate). */
async function kubeconfigWith(
  cp: ControlPlane,
  dir: string,
  swap: { server?: string; caCertPath?: string; clientCertPath?: string; clientKeyPath?: string },
): Promise<string> {
  return writeKubeconfig(join(dir, 'kubeconfig'), {
    name: cp.name,
    server: swap.server ?? cp.server,
    caCertPath: swap.caCertPath ?? cp.pki.caCert,
    clientCertPath: swap.clientCertPath ?? cp.pki.adminCert,
    clientKeyPath: swap.clientKeyPath ?? cp.pki.adminKey,
  });
}

async function assertNamespaceAbsent(cp: ControlPlane, ns: string): Promise<void> {
  assert.equal(await kubectlGet(cp, ['namespace', ns]), undefined, `namespace ${ns} must not have been created`);
}

describe('faults between solokube and the Kubernetes API', () => {
  test(
    'GIVEN a chain of objects being applied WHEN the API server stops after the third THEN ' +
      'the run fails at once as unreachable, exactly the reported objects exist, and a rerun ' +
      'after the restart converges',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('fault-stop');
      const target: KubeTarget = { client: cp.client({ requestTimeoutMs: 5_000 }), cluster: ns, forceConflicts: false };
      const chain: Resource[] = [kubeObject(target, namespace(ns)) as Resource];
      for (let i = 0; i < 8; i++)
        chain.push(
          kubeObject(target, configMap(ns, `cm-${i}`, { i: String(i) }), {
            dependsOn: [chain[chain.length - 1]!.id],
          }) as Resource,
        );
      const created: string[] = [];
      let stopping: Promise<void> | undefined;
      const io = new RecordingIoHost();
      const emit = io.emit.bind(io);
      io.emit = (ev: IoEvent) => {
        emit(ev);
        if (ev.data?.action === 'create') created.push(String(ev.data.step));
        if (created.length === 3 && !stopping) stopping = cp.stopComponent('kube-apiserver');
      };
      const started = Date.now();
      try {
        await assert.rejects(
          planAndApply(chain, { io, signal: AbortSignal.timeout(60_000), mode: 'converge', yes: true, dryRun: false }),
          (err: unknown) => {
            assert.ok(err instanceof KubeUnreachableError, String(err));
            assert.match(
              err.message,
              // A refused or reset connection, or the 503 a stopping apiserver answers meanwhile.
              /the Kubernetes API at https:\/\/127\.0\.0\.1:\d+ is unreachable: (ECONNREFUSED|ECONNRESET|HTTP 503)/,
            );
            return true;
          },
        );
        assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
      } finally {
        await stopping;
        await cp.startComponent('kube-apiserver');
      }
      const listed = JSON.parse(
        (await cp.kubectl(['get', 'configmaps', '-n', ns, '-l', 'app.kubernetes.io/managed-by=solokube', '-o', 'json']))
          .stdout,
      ) as { items: { metadata: { name: string } }[] };
      const existing = [
        `k8s/namespace/${ns}`,
        ...listed.items.map((i) => `k8s/configmap/${ns}/${i.metadata.name}`),
      ].sort();
      assert.deepEqual(existing, [...created].sort(), 'what exists is exactly what was reported');
      await assertIdempotent(
        chain.map((r) => r),
        { io: new RecordingIoHost() },
      );
    },
  );

  test(
    'GIVEN an API address that accepts connections and never answers WHEN solokube plans THEN ' +
      'it fails at the request deadline, naming the hang',
    async () => {
      const cp = await sharedControlPlane();
      const sockets: Socket[] = [];
      const hang = createServer((s) => sockets.push(s));
      await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
      const port = (hang.address() as { port: number }).port;
      try {
        await withTempDir(async (dir) => {
          const path = await kubeconfigWith(cp, dir, { server: `https://127.0.0.1:${port}` });
          const target: KubeTarget = {
            client: KubeClient.fromKubeconfig(path, { requestTimeoutMs: 1_500 }),
            cluster: 'hang',
            forceConflicts: false,
          };
          const started = Date.now();
          await assert.rejects(
            planConverge(
              kubeResources(target, [namespace('fault-hang')]),
              new RecordingIoHost(),
              AbortSignal.timeout(60_000),
            ),
            (err: unknown) => {
              assert.ok(err instanceof KubeTimeoutError, String(err));
              assert.match(err.message, /did not answer GET \/api\/v1\/\S+ within 1\.5s/);
              return true;
            },
          );
          const took = Date.now() - started;
          assert.ok(took >= 1_400 && took < 5_000, `took ${took} ms`);
          assert.ok(sockets.length >= 1, 'solokube did connect');
          target.client.close();
        });
      } finally {
        for (const s of sockets) s.destroy();
        hang.close();
      }
    },
  );

  test(
    'GIVEN a kubeconfig trusting another CA WHEN solokube applies THEN it refuses the ' +
      "server's certificate before sending anything, and nothing is created",
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('fault-ca');
      await withTempDir(async (dir) => {
        const other = await makeControlPlanePki(join(dir, 'other'), { addresses: ['127.0.0.1'] });
        const path = await kubeconfigWith(cp, dir, { caCertPath: other.caCert });
        const target: KubeTarget = { client: KubeClient.fromKubeconfig(path), cluster: ns, forceConflicts: false };
        await assert.rejects(
          planAndApply(kubeResources(target, [namespace(ns)]), {
            io: new RecordingIoHost(),
            signal: AbortSignal.timeout(30_000),
            mode: 'converge',
            yes: true,
            dryRun: false,
          }),
          (err: unknown) => {
            assert.ok(err instanceof KubeServerCertificateError, String(err));
            assert.match(
              err.message,
              /certificate presented by https:\/\/127\.0\.0\.1:\d+ was rejected: .*not signed by the certificate authority in the kubeconfig/,
            );
            assert.match(err.remedy ?? '', /kops export kubeconfig --admin/);
            return true;
          },
        );
        target.client.close();
      });
      await assertNamespaceAbsent(cp, ns);
    },
  );

  test(
    'GIVEN a kubeconfig whose client certificate has expired WHEN solokube loads it THEN it ' +
      'says so with the expiry time, before contacting the API',
    async () => {
      const cp = await sharedControlPlane();
      await withTempDir(async (dir) => {
        const expired = await issueClientCertificate(
          { dir, caCert: cp.pki.caCert, caKey: cp.pki.caKey },
          { name: 'expired', user: 'admin', groups: ['system:masters'], days: -1 },
        );
        const path = await kubeconfigWith(cp, dir, { clientCertPath: expired.cert, clientKeyPath: expired.key });
        assert.throws(
          () => loadKubeconfig(path),
          (err: unknown) => {
            assert.ok(err instanceof KubeCredentialsError, String(err));
            assert.match(
              err.message,
              /rejected solokube's credentials: the client certificate of user "solokube-test-admin" \(.*CN=admin\) expired at \d{4}-\d\d-\d\dT/,
            );
            assert.match(err.remedy ?? '', /kops export kubeconfig --admin/);
            return true;
          },
        );
      });
    },
  );

  test(
    'GIVEN a current client certificate the API server does not trust WHEN solokube applies ' +
      'THEN the 401 is reported as rejected credentials and nothing is created',
    async () => {
      const cp = await sharedControlPlane();
      const ns = uniqueName('fault-401');
      await withTempDir(async (dir) => {
        const other = await makeControlPlanePki(join(dir, 'other'), { addresses: ['127.0.0.1'] });
        const path = await kubeconfigWith(cp, dir, { clientCertPath: other.adminCert, clientKeyPath: other.adminKey });
        const target: KubeTarget = { client: KubeClient.fromKubeconfig(path), cluster: ns, forceConflicts: false };
        await assert.rejects(
          planAndApply(kubeResources(target, [namespace(ns)]), {
            io: new RecordingIoHost(),
            signal: AbortSignal.timeout(30_000),
            mode: 'converge',
            yes: true,
            dryRun: false,
          }),
          (err: unknown) => {
            assert.ok(err instanceof KubeCredentialsError, String(err));
            assert.match(err.message, /rejected solokube's credentials: Unauthorized \(HTTP 401\)/);
            return true;
          },
        );
        target.client.close();
      });
      await assertNamespaceAbsent(cp, ns);
    },
  );
});
