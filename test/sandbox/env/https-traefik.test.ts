// test:integration — needs root, network namespaces, the lab node, podman and the Go-built Kubernetes/kwok/Traefik binaries.
// End to end, through the CLI as a subprocess: `up --sandbox` from nothing, with no solokube.yaml
// (the built-in example), builds the example's hello app from the package's examples/apps/hello,
// pushes it to the emulator's ECR and deploys it, runs the real Traefik on the node (the lab's
// kubelet stand-in, from the Deployment up applied) and pebble on the internet side. With no further
// step, https://hello.example.com answers from the client namespace through the sandbox DNS → Elastic
// IP → secondary :443 → the node's redirect → Traefik :8443, with a certificate pebble issued over
// HTTP-01 (checked against pebble's root), and the app sees the client's own address; http:// is
// redirected until `https-redirect disable --app hello` (in the solokube.yaml `init` writes) and
// `up` (which also starts pebble again after it was killed: no plan changes after).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { sleep } from '../../../src/core/sleep.js';
import { CLIENT_ADDRESS } from '../../../src/sandbox/lab/addresses.js';
import { STANDIN_HEADER } from '../../../src/sandbox/lab/app-pods.js';
import { attachLab } from '../../../src/sandbox/lab/index.js';
import { isAlive } from '../../../src/sandbox/lab/processes.js';
import { helloDeployedByUp, json, runCheck, sandboxRun } from './support.js';

interface UpResult {
  decision: string;
  plan: { steps: { id: string; action: string }[] };
  summary: { checks: string[]; elasticIp: string };
  sandbox: { clientNetns: string; caCertPath: string };
}

interface SandboxRecordView {
  pebble?: { pid: number; issuingRootPath: string; clientCaPath: string };
}

describe('sandbox end to end: HTTPS through the real Traefik with a pebble certificate', () => {
  const sbx = sandboxRun();
  const readRecordView = (): SandboxRecordView =>
    JSON.parse(readFileSync(join(sbx.env.SOLOKUBE_SANDBOX_DIR!, 'sandbox.json'), 'utf8')) as SandboxRecordView;
  let up: UpResult;
  let pebbleRoot: string;
  const netns = (): string => up.sandbox.clientNetns;

  /** curl from the client namespace, resolving through the sandbox DNS like any client. */
  const curl = (args: string): ReturnType<typeof runCheck> =>
    runCheck(`ip netns exec ${netns()} curl -sS --max-time 5 ${args}`);

  /** The certificate Traefik serves for hello, as the client namespace sees it: serial and verification against caFile. */
  const servedCertificate = (caFile: string): { serial: string; verified: boolean } => {
    const r = runCheck(
      `ip netns exec ${netns()} sh -c 'out=$(openssl s_client -connect hello.example.com:443 -servername hello.example.com -CAfile ${caFile} </dev/null 2>&1); printf "%s\\n" "$out"; printf "%s\\n" "$out" | openssl x509 -noout -serial'`,
    );
    const serial = /^serial=([0-9A-F]+)$/m.exec(r.stdout)?.[1];
    assert.ok(serial, `no certificate served: ${r.stdout.slice(-1500)}`);
    return { serial, verified: /Verify return code: 0 \(ok\)/.test(r.stdout) };
  };
  /** New orders pebble received, over all its runs (its log is appended to). */
  const pebbleOrders = (): number =>
    readFileSync(join(readRecordView().pebble!.issuingRootPath, '..', 'pebble.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('POST /order-plz')).length;

  /** Ask until the answer matches (Traefik starts, reads the Ingress and obtains the certificate). */
  const until = async (args: string, want: RegExp, timeoutMs: number): Promise<string> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = curl(args);
      const out = `${r.stdout}${r.stderr}`;
      if (want.test(out)) return out;
      if (Date.now() > end) assert.fail(`no answer matching ${want} within ${timeoutMs} ms; last: ${r.code} ${out}`);
      await sleep(2000);
    }
  };

  after(async () => {
    await sbx.cli(['down', '--sandbox', '--yes']);
  });

  test('GIVEN a fresh sandbox WHEN up runs THEN pebble runs on the internet side, recorded by PID, and the printed check trusts its root', async () => {
    const r = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 480_000);
    assert.equal(r.code, 0, r.stderr);
    up = json<UpResult>(r);
    assert.equal(up.decision, 'apply');
    const record = readRecordView();
    assert.ok(record.pebble, 'the sandbox record names pebble');
    assert.equal(isAlive(record.pebble.pid), true, 'pebble runs');
    pebbleRoot = record.pebble.issuingRootPath;
    // The checks trust pebble's issuing root (bundled with the lab's CAs, for the API's check).
    assert.equal(up.sandbox.caCertPath, record.pebble.clientCaPath);
    assert.ok(readFileSync(record.pebble.clientCaPath, 'utf8').includes(readFileSync(pebbleRoot, 'utf8').trim()));
    assert.ok(up.summary.checks[0]?.includes(`--cacert ${record.pebble.clientCaPath}`), up.summary.checks[0]);
  });

  test('GIVEN no solokube.yaml WHEN up ran THEN it built the example app, pushed it to ECR and the Deployment runs that image by digest', async () => {
    const step = up.plan.steps.find((s) => s.id === 'apps/hello');
    assert.ok(step && step.action !== 'unchanged', `up planned to deploy hello: ${JSON.stringify(step)}`);
    const hello = await helloDeployedByUp(sbx);
    assert.equal(hello.availableReplicas, 1);
    const m = /^(?<host>[^/]+)\/(?<repository>c1\.example\.com\/hello)@(?<digest>sha256:[0-9a-f]{64})$/.exec(
      hello.image,
    );
    assert.ok(m?.groups, hello.image);
    const ecr = new ECRClient({
      endpoint: sbx.record().emulator.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
      maxAttempts: 1,
    });
    try {
      const images = await ecr.send(
        new DescribeImagesCommand({
          repositoryName: m.groups.repository,
          imageIds: [{ imageDigest: m.groups.digest }],
        }),
      );
      // Tagged by what it is built from (the package need not be a git checkout).
      assert.match(images.imageDetails?.[0]?.imageTags?.join(',') ?? '', /^content-[0-9a-f]{16}$/);
    } finally {
      ecr.destroy();
    }
  });

  test(
    'GIVEN up done WHEN https://hello.example.com is asked from the client namespace THEN ' +
      'Traefik answers with a pebble certificate for the name, and the app saw the client address',
    async () => {
      const root = pebbleRoot;
      // The printed check, as pasted: DNS → Elastic IP → secondary :443 → redirect → Traefik :8443.
      const check = up.summary.checks[0]!;
      assert.ok(!check.includes('--resolve'), check);
      const answer = await until(`-i --cacert ${root} https://hello.example.com/`, /stand-in pod=/, 180_000);
      assert.match(answer, /^HTTP\/[12](\.1)? 200/);
      assert.match(answer, new RegExp(`${STANDIN_HEADER}: app pod default/hello-\\S+ container hello`, 'i'));
      // Direct mode: only a kernel redirect before Traefik, so the address Traefik forwards is the client's.
      assert.match(answer, new RegExp(`xff=${CLIENT_ADDRESS.replace(/\./g, '\\.')}\\b`));
      const pasted = runCheck(check);
      assert.equal(pasted.code, 0, pasted.stderr);
      assert.match(pasted.stdout, /stand-in pod=/);
      // The chain verifies against pebble's root (and not the lab's CA), for the name asked.
      const cert = runCheck(
        `ip netns exec ${netns()} sh -c 'openssl s_client -connect hello.example.com:443 -servername hello.example.com -CAfile ${root} -verify_return_error </dev/null 2>&1'`,
      );
      assert.match(cert.stdout, /Verify return code: 0 \(ok\)/, cert.stdout.slice(-1500));
      assert.match(cert.stdout, /issuer=.*Pebble Intermediate/i);
      assert.match(cert.stdout, /subject=.*CN\s*=\s*hello\.example\.com/i);
      // pebble validated the order over HTTP-01, on port 80 of the name (through DNS and the Elastic IP).
      const pebbleLog = readFileSync(join(root, '..', 'pebble.log'), 'utf8');
      assert.match(pebbleLog, /validate w\/ HTTP: http:\/\/hello\.example\.com:80\/\.well-known\/acme-challenge\//);
      assert.match(pebbleLog, /authz \S+ set VALID/);
      assert.match(pebbleLog, /Issued certificate serial/);
    },
  );

  test('GIVEN the redirect on (the example) WHEN http://hello.example.com is asked THEN it answers 301 to https', async () => {
    const r = curl('-i http://hello.example.com/');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^HTTP\/1\.1 301/);
    assert.match(r.stdout, /^location: https:\/\/hello\.example\.com\//im);
  });

  test('GIVEN the certificate issued WHEN the node reboots THEN Traefik serves the same certificate again and pebble got no new order', async () => {
    const clientCa = readRecordView().pebble!.clientCaPath;
    const issued = servedCertificate(clientCa);
    assert.equal(issued.verified, true);
    const orders = pebbleOrders();
    const lab = await attachLab(sbx.record().labRecordPath);
    const boots = await lab.node.bootCount();
    await lab.node.reboot({ timeoutMs: 180_000 });
    assert.equal(await lab.node.bootCount(), boots + 1, 'the node really rebooted');
    // The control plane, the kubelet stand-in's Traefik and the app's stand-in come back by themselves.
    await until(`--cacert ${clientCa} https://hello.example.com/`, /stand-in pod=/, 180_000);
    assert.deepEqual(servedCertificate(clientCa), issued);
    assert.equal(pebbleOrders(), orders, 'no new order: acme.json on the node kept the certificate');
  });

  test(
    'GIVEN pebble gone (killed) and https-redirect disable --app hello WHEN up runs THEN ' +
      'pebble runs again under a new PID (a new root), the certificate issued before still ' +
      'verifies against the printed --cacert, http:// serves the app, and a further up plans no ' +
      'changes',
    async () => {
      const before = readRecordView().pebble!;
      const issued = servedCertificate(before.clientCaPath);
      const orders = pebbleOrders();
      const oldRoot = readFileSync(before.issuingRootPath, 'utf8');
      process.kill(before.pid, 'SIGKILL');
      const end = Date.now() + 5_000;
      while (isAlive(before.pid) && Date.now() < end) await sleep(100);
      assert.equal(isAlive(before.pid), false);
      // `https-redirect` edits ./solokube.yaml: the example written there (its app runs already, so
      // up leaves it as it is although its Dockerfile is not beside that file).
      assert.equal((await sbx.cli(['init'])).code, 0);
      const off = await sbx.cli(['https-redirect', 'disable', '--app', 'hello']);
      assert.equal(off.code, 0, off.stderr);
      const r = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 300_000);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(json<UpResult>(r).decision, 'apply');
      const restarted = readRecordView().pebble!;
      assert.notEqual(restarted.pid, before.pid);
      assert.equal(isAlive(restarted.pid), true, 'the rerun started pebble again');
      // pebble minted a new root; Traefik still serves the certificate the first pebble issued, which
      // the new root alone refuses and the printed bundle (every root handed out) accepts.
      assert.notEqual(readFileSync(restarted.issuingRootPath, 'utf8'), oldRoot);
      assert.deepEqual(servedCertificate(restarted.issuingRootPath), { serial: issued.serial, verified: false });
      const printed = json<UpResult>(r).sandbox.caCertPath;
      assert.equal(printed, restarted.clientCaPath);
      assert.deepEqual(servedCertificate(printed), issued);
      const pasted = runCheck(json<UpResult>(r).summary.checks[0]!);
      assert.equal(pasted.code, 0, pasted.stderr);
      assert.match(pasted.stdout, /stand-in pod=/);
      assert.equal(pebbleOrders(), orders, 'the new pebble was not asked');
      const answer = await until('-i http://hello.example.com/', /stand-in pod=/, 60_000);
      assert.match(answer, /^HTTP\/1\.1 200/);
      assert.match(answer, new RegExp(`xff=${CLIENT_ADDRESS.replace(/\./g, '\\.')}\\b`));
      const again = await sbx.cli(['up', '--sandbox', '--yes', '-o', 'json'], 300_000);
      assert.equal(again.code, 0, again.stderr);
      const a = json<UpResult>(again);
      assert.deepEqual(
        a.plan.steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.id} ${s.action}`),
        [],
      );
      assert.equal(a.decision, 'nothing-to-do');
    },
  );

  test('GIVEN the sandbox WHEN down --sandbox runs THEN pebble is gone with it', async () => {
    const record = readRecordView();
    const down = await sbx.cli(['down', '--sandbox', '--yes'], 300_000);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(isAlive(record.pebble!.pid), false);
    assert.equal(existsSync(sbx.env.SOLOKUBE_SANDBOX_DIR!), false);
  });
});
