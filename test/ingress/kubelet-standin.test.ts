// test:integration — needs root, network namespaces, the lab node and the Go-built Kubernetes/kwok/Traefik binaries.
// The lab node's kubelet stand-in, run by the lab's supervisor: with `up`'s cluster part applied
// (Traefik in proxy: direct) and the hello app's Deployment and Service created through the
// Kubernetes layer, the real Traefik runs on the node as the hostNetwork pod, reads the app's
// Ingress from the real API, and routes a client's request to the app's pod IP, where the app
// stand-in answers naming the pod and the client address Traefik forwarded. The loop leaves a
// running Traefik alone round after round, and follows the app's pods when they go away.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parseConfig } from '../../src/config/load.js';
import { sleep } from '../../src/core/sleep.js';
import { KubeClient } from '../../src/k8s/client.js';
import { ingressKubeResources } from '../../src/k8s/resources/ingress.js';
import type { KubeTarget } from '../../src/k8s/target.js';
import { APP_PODS_NETNS, STANDIN_HEADER } from '../../src/sandbox/lab/app-pods.js';
import type { Lab } from '../../src/sandbox/lab/index.js';
import { enableKubeletStandin } from '../../src/sandbox/lab/kubelet-standin.js';
import { applyAll, startLabCluster } from './support/cluster.js';
import { helloAppResources } from './support/hello-app.js';

const CLUSTER = 'c1.example.com';
const INSTANCE = 'i-0c1d2e3f405162738';
const PUBLIC_IP = '198.19.1.10';
const TRAEFIK_UNIT = 'solokube-lab-pod-solokube-ingress-';

const config = parseConfig(
  `name: ${CLUSTER}\ndnsZone: example.com\nregion: eu-west-1\nproxy: direct\ntlsEmail: ops@example.com\napps:\n  - {name: hello, port: 8080, tls: false}\n`,
  'test',
);

const apply = applyAll;

describe('the lab supervisor runs a kubelet stand-in', () => {
  let lab: Lab;
  let client: KubeClient;
  let target: KubeTarget;

  /** curl -i from the internet side through the Elastic-IP-like mapping to Traefik's :8080. */
  const ask = async (timeoutMs: number, want: RegExp): Promise<string> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = await lab.client.exec(
        [
          'curl',
          '--silent',
          '--include',
          '--max-time',
          '5',
          '--resolve',
          `hello.example.com:8080:${PUBLIC_IP}`,
          'http://hello.example.com:8080/',
        ],
        { timeoutMs: 8000 },
      );
      const last = `${r.code} ${r.stdout}${r.stderr}`;
      if (want.test(r.stdout)) return r.stdout;
      if (Date.now() > end)
        assert.fail(`no answer matching ${want} within ${timeoutMs} ms; last: ${last}\n${await diagnostics()}`);
      await sleep(1000);
    }
  };

  /** What the supervisor's loop logged and what Traefik said, for a failure message. */
  const diagnostics = async (): Promise<string> => {
    const log = await readFile(lab.record.logPath, 'utf8').catch(() => '');
    const supervisor = log
      .split('\n')
      .filter((l) => l.includes('supervisor['))
      .slice(-20)
      .join('\n');
    const traefik = await lab.node.exec([
      'journalctl',
      '--no-pager',
      '-o',
      'cat',
      '-n',
      '30',
      '-u',
      `${TRAEFIK_UNIT}*`,
    ]);
    return `supervisor:\n${supervisor}\ntraefik:\n${traefik.stdout}`;
  };

  before(async () => {
    const started = await startLabCluster(CLUSTER, INSTANCE, PUBLIC_IP);
    ({ lab, client } = started);
    await lab.gateway.mapPublicIp(PUBLIC_IP, lab.node.primaryAddress);
    target = { client, cluster: CLUSTER, forceConflicts: false };
    await enableKubeletStandin(lab.record, { traefik: started.bins.traefik! });
  });
  after(async () => {
    client?.close();
    await lab?.destroy();
  });

  test(
    "GIVEN up's cluster part and the hello app WHEN a client asks " +
      'http://hello.example.com:8080 THEN the real Traefik routes it from the Ingress to the app ' +
      "pod's stand-in, which saw the client's address",
    async () => {
      await apply([...ingressKubeResources(target, config), ...helloAppResources(target, 1)]);
      const answer = await ask(90_000, /stand-in pod=/);
      assert.match(answer, /^HTTP\/1\.1 200/);
      assert.match(answer, new RegExp(`${STANDIN_HEADER}: app pod default/hello-[a-z0-9-]+ container web`, 'i'));
      // Traefik forwarded the client's own address (direct mode keeps it: DNAT only, no proxy in between).
      assert.match(answer, new RegExp(`xff=${lab.client.address.replace(/\./g, '\\.')}\\b`));
      const units = await lab.node.exec(['systemctl', 'list-units', '--plain', '--no-legend', `${TRAEFIK_UNIT}*`]);
      assert.match(
        units.stdout,
        /solokube-lab-pod-solokube-ingress-traefik-[a-z0-9-]+-traefik\.service\s+loaded active running/,
      );
      // Traefik's provider reads the real API: the app's route came from its Ingress object.
      const journal = await lab.node.exec(['journalctl', '--no-pager', '-o', 'cat', '-u', `${TRAEFIK_UNIT}*`]);
      assert.doesNotMatch(journal.stdout, /level=(error|fatal).*kubernetes/i, journal.stdout.slice(-2000));
    },
  );

  test(
    "GIVEN Traefik running under the stand-in and a replaced instance's Node still listed first WHEN the loop goes " +
      'round several more times THEN it is the same process (nothing restarted, nothing run for the other Node)',
    async () => {
      const pid = async (): Promise<string> => {
        const units = await lab.node.exec(['systemctl', 'list-units', '--plain', '--no-legend', `${TRAEFIK_UNIT}*`]);
        const unit = units.stdout.trim().split(/\s+/)[0] ?? '';
        return (await lab.node.exec(['systemctl', 'show', '--property=MainPID', '--value', unit])).stdout.trim();
      };
      const first = await pid();
      assert.notEqual(first, '0');
      // The Node of an instance an Auto Scaling group replaced stays listed until it is removed; its
      // name sorts before this node's, so a stand-in taking the first Node would run its (no) pods.
      const stale = 'i-00000000000000000';
      assert.ok(stale < INSTANCE);
      await client.request({
        method: 'POST',
        path: '/api/v1/nodes',
        body: { apiVersion: 'v1', kind: 'Node', metadata: { name: stale } },
      });
      try {
        await sleep(7_000);
        assert.equal(await pid(), first);
      } finally {
        await client.request({ method: 'DELETE', path: `/api/v1/nodes/${stale}` });
      }
    },
  );

  test(
    "GIVEN the app answering WHEN its Deployment is scaled to zero THEN the stand-in's pod " +
      'address leaves the node and Traefik has no backend for it',
    async () => {
      await apply(helloAppResources(target, 0));
      await ask(60_000, /^HTTP\/1\.1 (404|503)/);
      const end = Date.now() + 30_000;
      for (;;) {
        const addrs = await lab.node.exec([
          'ip',
          '-n',
          APP_PODS_NETNS,
          '-4',
          '-o',
          'address',
          'show',
          'dev',
          'skl-pods1',
        ]);
        if (!/\binet /.test(addrs.stdout)) break;
        if (Date.now() > end) assert.fail(`pod addresses left in ${APP_PODS_NETNS}: ${addrs.stdout}`);
        await sleep(1000);
      }
    },
  );
});
