// test:integration — needs root, network namespaces, the lab node, podman and the Go-built Kubernetes/kwok/Traefik binaries.
// Switching `proxy:` through `up` in the sandbox converges both ways. From nothing, `up --sandbox`
// (the built-in example: proxy direct, the hello app) serves https://hello.example.com; then, in the
// solokube.yaml `init` writes, `proxy: haproxy` with `proxyProtocol: true` and `up`: HAProxy on the
// node takes the secondary's 443/80 (SNI routing) to the ingress NodePorts, and the real Traefik runs
// as a pod behind them (the lab's kubelet stand-in gives it a pod network and plays kube-proxy);
// then `proxy: direct` again and `up`. After each switch, from the client namespace through DNS and
// the Elastic IP: HTTPS with the certificate pebble issued (the same one: acme.json is on the node),
// the app sees the client's own address, http:// is redirected, nothing of the other mode is left
// on the node or in the cluster, and another `up` plans no changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from '../../../src/k8s/client.js';
import { CLIENT_ADDRESS } from '../../../src/sandbox/lab/addresses.js';
import { attachLab, type Lab } from '../../../src/sandbox/lab/index.js';
import { NODE_PORTS_TABLE } from '../../../src/sandbox/lab/node-ports.js';
import { checkUntil, helloDeployedByUp, json, runCheck, sandboxRun } from './support.js';

interface UpResult {
  decision: string;
  plan: { steps: { id: string; action: string }[] };
  summary: { checks: string[] };
  sandbox: { clientNetns: string; caCertPath: string };
}

const CLIENT = new RegExp(`xff=${CLIENT_ADDRESS.replace(/\./g, '\\.')}\\b`);

describe('proxy: direct ↔ haproxy through up, in the sandbox', () => {
  const sbx = sandboxRun();
  let first: UpResult;
  let lab: Lab;
  let serial: string;

  const node = async (line: string): Promise<string> => (await lab.node.exec(['sh', '-c', line])).stdout.trim();
  /** Traefik's NodePort Service (haproxy mode only), as the cluster has it. */
  const nodePortService = async (): Promise<string | undefined> => {
    const client = KubeClient.fromKubeconfig(join(sbx.env.SOLOKUBE_SANDBOX_DIR!, 'kubeconfig'), {
      clusterName: 'c1.example.com',
    });
    try {
      const svc = await client.getOrUndefined<{ spec: { type: string } }>(
        '/api/v1/namespaces/solokube-ingress/services/traefik',
      );
      return svc?.spec.type;
    } finally {
      client.close();
    }
  };

  /** Who listens on a TCP port in the node's own network namespace (a process name, or ''). */
  const listener = (port: number) => node(`ss -Hltnp 'sport = :${port}' | grep -o '(("[^"]*"' | head -1 | tr -d '("'`);
  const served = (): { serial: string; verified: boolean } => {
    const r = runCheck(
      `ip netns exec ${first.sandbox.clientNetns} sh -c 'out=$(openssl s_client -connect hello.example.com:443 -servername hello.example.com -CAfile ${first.sandbox.caCertPath} </dev/null 2>&1); printf "%s\\n" "$out"; printf "%s\\n" "$out" | openssl x509 -noout -serial'`,
    );
    const s = /^serial=([0-9A-F]+)$/m.exec(r.stdout)?.[1];
    assert.ok(s, r.stdout.slice(-1500));
    return { serial: s, verified: /Verify return code: 0 \(ok\)/.test(r.stdout) };
  };
  const setProxy = (proxy: 'direct' | 'haproxy', proxyProtocol: boolean): void => {
    const file = join(sbx.cwd, 'solokube.yaml');
    const text = readFileSync(file, 'utf8')
      .replace(/^proxy: \w+$/m, `proxy: ${proxy}`)
      .replace(/^proxyProtocol: \w+$/m, `proxyProtocol: ${proxyProtocol}`);
    writeFileSync(file, text);
  };
  const up = async (): Promise<UpResult> => {
    const r = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 480_000);
    assert.equal(r.code, 0, r.stderr);
    return json<UpResult>(r);
  };
  /** The path works: HTTPS with the same certificate, the client address at the app, http:// redirected; and up has nothing left. */
  const pathWorks = async (): Promise<void> => {
    const https = await checkUntil(first.summary.checks[0]!, /stand-in pod=/, 120_000);
    assert.match(https.stdout, CLIENT, 'the app saw the client address');
    assert.deepEqual(served(), { serial, verified: true });
    const http = runCheck(
      `ip netns exec ${first.sandbox.clientNetns} curl -sS -i --max-time 5 http://hello.example.com/`,
    );
    assert.match(http.stdout, /^HTTP\/1\.1 301/);
    const again = await up();
    assert.deepEqual(
      again.plan.steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.id} ${s.action}`),
      [],
    );
  };

  before(async () => {
    first = await up();
    assert.match((await helloDeployedByUp(sbx)).image, /@sha256:/);
    lab = await attachLab(sbx.record().labRecordPath);
    await checkUntil(first.summary.checks[0]!, /stand-in pod=/, 180_000);
    serial = served().serial;
    // The switches edit ./solokube.yaml: the example written there (its app runs already).
    assert.equal((await sbx.cli(['init'])).code, 0);
  });
  after(async () => {
    await sbx.cli(['down', '--sandbox', '--yes'], 300_000);
  });

  const directOnNode = async (): Promise<void> => {
    // Traefik itself holds 8443/8080 on the node (hostNetwork); HAProxy holds nothing of ours.
    assert.equal(await listener(8443), 'traefik');
    assert.equal(await listener(8080), 'traefik');
    assert.equal(await listener(80), '', 'port 80 only through the kernel redirect');
    assert.doesNotMatch(await node('cat /etc/haproxy/haproxy.cfg 2>/dev/null'), /solokube/);
    assert.equal(await node('ls /etc/systemd/system/haproxy.service.d 2>/dev/null'), '');
    assert.equal(await node(`nft list table ip ${NODE_PORTS_TABLE} >/dev/null 2>&1 && echo present`), '');
    assert.equal(await node('ls /run/netns | grep "^skl-p-" || true'), '', 'no pod network left');
    assert.match(await node('nft list table ip solokube'), /redirect to :8443/);
    assert.equal(await nodePortService(), undefined, 'no NodePort Service');
  };

  test('GIVEN up from nothing (proxy: direct) THEN the path works and the node runs Traefik itself', async () => {
    await pathWorks();
    await directOnNode();
  });

  test(
    'GIVEN proxy: haproxy with proxyProtocol WHEN up runs THEN HAProxy routes to Traefik ' +
      'behind its NodePorts, the app still sees the client, nothing of direct mode is left',
    async () => {
      setProxy('haproxy', true);
      const r = await up();
      assert.equal(r.decision, 'apply');
      await pathWorks();
      // HAProxy on :8443 (443 redirected there) and on the secondary's :80 itself; nothing on :8080.
      assert.equal(await listener(8443), 'haproxy');
      assert.equal(await listener(80), 'haproxy');
      assert.equal(await listener(8080), '');
      assert.match(await node('cat /etc/haproxy/haproxy.cfg'), /send-proxy-v2/);
      // Traefik runs in a pod network of its own behind the NodePorts, not on the node's ports.
      assert.match(await node(`nft list table ip ${NODE_PORTS_TABLE}`), /dport 30443 dnat to [\d.]+:8443/);
      assert.match(await node('ls /run/netns | grep "^skl-p-"'), /^skl-p-[0-9a-f]+$/);
      assert.notEqual(await listener(30443), 'traefik');
      assert.equal(await nodePortService(), 'NodePort');
    },
  );

  test(
    'GIVEN haproxy mode WHEN proxy: direct again and up runs THEN Traefik is back on the node, ' +
      'HAProxy and the NodePorts are gone, the path works',
    async () => {
      setProxy('direct', false);
      const r = await up();
      assert.equal(r.decision, 'apply');
      await pathWorks();
      await directOnNode();
    },
  );
});
