// test:integration — needs root, network namespaces, the lab node and the Go-built Kubernetes binaries.
// The lab node running a real control plane the way kops' instance does: kube-apiserver on *:443
// (the listener solokube exists to work around), etcd, the controllers and kwok for the kubelet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { RecordingIoHost } from '../../../src/core/io.js';
import { ensureGoTools } from '../../../src/sandbox/gotools/build.js';
import { startLab, type Lab } from '../../../src/sandbox/lab/index.js';
import { run } from '../../../src/sandbox/lab/run.js';
import { sleep } from '../../../src/core/sleep.js';
import { KubeClient } from '../../../src/k8s/client.js';
import { syncHostNetworkPods, type PodRunnerNode } from '../../../src/sandbox/lab/pod-runner.js';

const CLUSTER = 'c1.example.com';
const INSTANCE = 'i-0a1b2c3d4e5f60718';
const PUBLIC_IP = '198.19.1.10';

describe('lab node with a real control plane', () => {
  let lab: Lab;
  let kubectlBin: string;
  const kubectl = (args: string[]): ReturnType<typeof run> =>
    run(
      [kubectlBin, `--kubeconfig=${lab.record.controlPlane?.kubeconfigPath ?? ''}`, '--request-timeout=10s', ...args],
      { timeoutMs: 20_000 },
    );

  /** Polls until the API serves and the node is Ready and schedulable, as `kops validate` would wait. */
  const waitForNode = async (timeoutMs: number): Promise<void> => {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      // Ready, and the node lifecycle controller has lifted its node.kubernetes.io/not-ready taint.
      const r = await kubectl([
        'get',
        'node',
        INSTANCE,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.spec.taints[*].key}',
      ]);
      if (r.code === 0 && r.stdout.startsWith('True') && !r.stdout.includes('node.kubernetes.io/')) return;
      last = `${r.stdout}${r.stderr}`.trim();
      await sleep(1000);
    }
    assert.fail(`the node did not become Ready within ${timeoutMs} ms (last: ${last})`);
  };

  before(async () => {
    const io = new RecordingIoHost();
    const bins = await ensureGoTools(['k8s', 'etcd', 'kwok'], { io });
    kubectlBin = bins.kubectl!;
    const toolDir = (bin: string | undefined): string => dirname(dirname(bin ?? ''));
    lab = await startLab({
      io,
      clusterName: CLUSTER,
      apiAddresses: [PUBLIC_IP],
      controlPlane: {
        toolDirs: { k8s: toolDir(bins['kube-apiserver']), etcd: toolDir(bins.etcd), kwok: toolDir(bins.kwok) },
        node: { instanceId: INSTANCE, zone: 'eu-west-1a', instanceType: 't3.medium' },
      },
    });
    await lab.gateway.mapPublicIp(PUBLIC_IP, lab.node.primaryAddress);
    await waitForNode(180_000);
  });
  after(async () => {
    await lab?.destroy();
  });

  test(
    'GIVEN the node booted WHEN asking from the host THEN the real kube-apiserver v1.36 answers ' +
      'and the kops-like node is Ready with its control-plane taint',
    async () => {
      const version = await kubectl(['version', '-o', 'json']);
      assert.equal(version.code, 0, version.stderr);
      assert.equal(JSON.parse(version.stdout).serverVersion.gitVersion, 'v1.36.3');
      const taints = await kubectl([
        'get',
        'node',
        INSTANCE,
        '-o',
        'jsonpath={.spec.taints[*].key}={.spec.taints[*].effect}',
      ]);
      assert.equal(taints.code, 0, taints.stderr);
      assert.equal(taints.stdout.trim(), 'node-role.kubernetes.io/control-plane=NoSchedule');
    },
  );

  test("GIVEN kops' layout WHEN listing listeners on the node THEN kube-apiserver holds the wildcard *:443 and nothing else does", async () => {
    const ss = await lab.node.exec(['ss', '-Hltnp', 'sport = :443']);
    assert.equal(ss.code, 0, ss.stderr);
    const lines = ss.stdout.trim().split('\n');
    assert.equal(lines.length, 1, ss.stdout);
    assert.match(lines[0] ?? '', /(\*|0\.0\.0\.0|\[::\]):443\b.*kube-apiserver/);
  });

  test(
    "GIVEN the instance's public address WHEN a client on the internet side asks " +
      'https://api.<cluster>/version THEN the API answers with a certificate for that name',
    async () => {
      // The cluster has its own CA, as a kops cluster does; the host's kubeconfig carries it.
      const kubeconfig = parse(await readFile(lab.record.controlPlane?.kubeconfigPath ?? '', 'utf8')) as {
        clusters: { cluster: Record<string, string> }[];
      };
      const ca = join(lab.record.dir, 'cluster-ca.crt');
      await writeFile(ca, Buffer.from(kubeconfig.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64'));
      const r = await lab.client.curl(`https://api.${CLUSTER}/version`, { address: PUBLIC_IP, caCertPath: ca });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).gitVersion, 'v1.36.3');
    },
  );

  test('GIVEN a Deployment WHEN it is applied with the node untainted THEN it rolls out under kwok', async () => {
    const untaint = await kubectl(['taint', 'node', INSTANCE, 'node-role.kubernetes.io/control-plane:NoSchedule-']);
    assert.equal(untaint.code, 0, untaint.stderr);
    const create = await kubectl(['create', 'deployment', 'hello', '--image=registry.invalid/hello:1', '--replicas=2']);
    assert.equal(create.code, 0, create.stderr);
    const rollout = await kubectl(['rollout', 'status', 'deployment/hello', '--timeout=90s']);
    assert.equal(rollout.code, 0, `${rollout.stdout}${rollout.stderr}`);
  });

  test(
    'GIVEN a hostNetwork pod whose program the lab has WHEN the pod runner syncs THEN the ' +
      'program serves on the node with its ConfigMap and service-account token, follows a change, ' +
      'and stops when the pod is gone',
    async () => {
      const config = (body: string): string =>
        `pid /tmp/pod-nginx.pid; error_log stderr; events {} http { access_log off; server { listen 8081; location / { return 200 "${body} served\\n"; } } }`;
      const manifest = (body: string): string =>
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'web-conf', namespace: 'default' },
              data: { 'nginx.conf': config(body) },
            },
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { name: 'web', namespace: 'default' },
              spec: {
                replicas: 1,
                selector: { matchLabels: { app: 'web' } },
                template: {
                  metadata: { labels: { app: 'web' }, annotations: { body } },
                  spec: {
                    hostNetwork: true,
                    containers: [
                      {
                        name: 'nginx',
                        image: 'docker.io/library/nginx:1.25',
                        args: ['-c', '/etc/web/nginx.conf', '-g', 'daemon off;'],
                        volumeMounts: [{ name: 'conf', mountPath: '/etc/web' }],
                      },
                    ],
                    volumes: [{ name: 'conf', configMap: { name: 'web-conf' } }],
                  },
                },
              },
            },
          ],
        });
      const client = KubeClient.fromKubeconfig(lab.record.controlPlane?.kubeconfigPath ?? '');
      const node: PodRunnerNode = { root: lab.record.root, nodeName: INSTANCE, exec: (argv) => lab.node.exec(argv) };
      const programs = { nginx: '/usr/sbin/nginx' };
      const applyAndSync = async (body: string): Promise<void> => {
        const apply = await run(
          [kubectlBin, `--kubeconfig=${lab.record.controlPlane?.kubeconfigPath ?? ''}`, 'apply', '-f', '-'],
          { input: manifest(body), timeoutMs: 20_000 },
        );
        assert.equal(apply.code, 0, apply.stderr);
        const rollout = await kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
        assert.equal(rollout.code, 0, rollout.stderr);
        // kwok deletes the old ReplicaSet's pod soon after; sync, run again as the stand-in's loop
        // would, ends with only the new one.
        const r = await syncUntil((x) => x.running.length === 1);
        assert.equal(r.running.length, 1, JSON.stringify(r));
      };
      /** Syncs as the stand-in's loop does, until `settled` holds or 15 s pass; the last result. */
      const syncUntil = async (
        settled: (r: Awaited<ReturnType<typeof syncHostNetworkPods>>) => boolean,
      ): Promise<Awaited<ReturnType<typeof syncHostNetworkPods>>> => {
        const end = Date.now() + 15_000;
        for (;;) {
          const r = await syncHostNetworkPods(client, node, programs);
          if (settled(r) || Date.now() > end) return r;
          await sleep(300);
        }
      };
      const get = async (): Promise<string> => {
        const end = Date.now() + 15_000;
        for (;;) {
          const r = await lab.client.curl(`http://${PUBLIC_IP}:8081/`);
          if (r.code === 0 || Date.now() > end) return r.stdout;
          await sleep(300);
        }
      };
      try {
        await applyAndSync('first');
        assert.match(await get(), /^first /);
        const token = await lab.node.exec(['sh', '-c', 'ls /var/lib/solokube-lab-pods/default/*/serviceaccount/']);
        assert.match(token.stdout, /ca\.crt[\s\S]*namespace[\s\S]*token/);

        await applyAndSync('second');
        assert.match(await get(), /^second /);

        assert.equal((await kubectl(['delete', 'deployment', 'web'])).code, 0);
        const after = await syncUntil((x) => x.running.length === 0);
        assert.deepEqual(after.running, []);
        assert.equal(after.removed.length, 1, 'the sync that saw the pod gone stopped its program');
        const gone = await lab.client.curl(`http://${PUBLIC_IP}:8081/`);
        assert.notEqual(gone.code, 0, 'nothing serves once the pod is gone');
      } finally {
        client.close();
      }
    },
  );

  test('GIVEN a running cluster WHEN the node reboots THEN the control plane comes back with its state, and the removed taint stays removed', async () => {
    await lab.node.reboot({ timeoutMs: 120_000 });
    await waitForNode(180_000);
    const deploy = await kubectl(['get', 'deployment', 'hello', '-o', 'jsonpath={.spec.replicas}']);
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.equal(deploy.stdout.trim(), '2');
    const taints = await kubectl(['get', 'node', INSTANCE, '-o', 'jsonpath={.spec.taints}']);
    assert.equal(taints.code, 0, taints.stderr);
    assert.doesNotMatch(taints.stdout, /control-plane/);
  });
});
