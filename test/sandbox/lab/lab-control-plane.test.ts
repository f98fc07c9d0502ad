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

const CLUSTER = 'c1.example.com';
const INSTANCE = 'i-0a1b2c3d4e5f60718';
const PUBLIC_IP = '198.19.1.10';

describe('lab node with a real control plane', () => {
  let lab: Lab;
  let kubectlBin: string;
  const kubectl = (args: string[]): ReturnType<typeof run> =>
    run([kubectlBin, `--kubeconfig=${lab.record.controlPlane?.kubeconfigPath ?? ''}`, '--request-timeout=10s', ...args], { timeoutMs: 20_000 });

  /** Polls until the API serves and the node is Ready and schedulable, as `kops validate` would wait. */
  const waitForNode = async (timeoutMs: number): Promise<void> => {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      // Ready, and the node lifecycle controller has lifted its node.kubernetes.io/not-ready taint.
      const r = await kubectl(['get', 'node', INSTANCE, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.spec.taints[*].key}']);
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

  test('GIVEN the node booted WHEN asking from the host THEN the real kube-apiserver v1.36 answers and the kops-like node is Ready with its control-plane taint', async () => {
    const version = await kubectl(['version', '-o', 'json']);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(JSON.parse(version.stdout).serverVersion.gitVersion, 'v1.36.3');
    const taints = await kubectl(['get', 'node', INSTANCE, '-o', 'jsonpath={.spec.taints[*].key}={.spec.taints[*].effect}']);
    assert.equal(taints.code, 0, taints.stderr);
    assert.equal(taints.stdout.trim(), 'node-role.kubernetes.io/control-plane=NoSchedule');
  });

  test('GIVEN kops\' layout WHEN listing listeners on the node THEN kube-apiserver holds the wildcard *:443 and nothing else does', async () => {
    const ss = await lab.node.exec(['ss', '-Hltnp', 'sport = :443']);
    assert.equal(ss.code, 0, ss.stderr);
    const lines = ss.stdout.trim().split('\n');
    assert.equal(lines.length, 1, ss.stdout);
    assert.match(lines[0] ?? '', /(\*|0\.0\.0\.0|\[::\]):443\b.*kube-apiserver/);
  });

  test('GIVEN the instance\'s public address WHEN a client on the internet side asks https://api.<cluster>/version THEN the API answers with a certificate for that name', async () => {
    // The cluster has its own CA, as a kops cluster does; the host's kubeconfig carries it.
    const kubeconfig = parse(await readFile(lab.record.controlPlane?.kubeconfigPath ?? '', 'utf8')) as { clusters: { cluster: Record<string, string> }[] };
    const ca = join(lab.record.dir, 'cluster-ca.crt');
    await writeFile(ca, Buffer.from(kubeconfig.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64'));
    const r = await lab.client.curl(`https://api.${CLUSTER}/version`, { address: PUBLIC_IP, caCertPath: ca });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).gitVersion, 'v1.36.3');
  });

  test('GIVEN a Deployment WHEN it is applied with the node untainted THEN it rolls out under kwok', async () => {
    const untaint = await kubectl(['taint', 'node', INSTANCE, 'node-role.kubernetes.io/control-plane:NoSchedule-']);
    assert.equal(untaint.code, 0, untaint.stderr);
    const create = await kubectl(['create', 'deployment', 'hello', '--image=registry.invalid/hello:1', '--replicas=2']);
    assert.equal(create.code, 0, create.stderr);
    const rollout = await kubectl(['rollout', 'status', 'deployment/hello', '--timeout=90s']);
    assert.equal(rollout.code, 0, `${rollout.stdout}${rollout.stderr}`);
  });

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
