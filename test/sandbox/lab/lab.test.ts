// test:integration — needs root, network namespaces and the lab node (or a local sshd).
// The lab itself, booted for real: one node shared by these tests (a boot costs ~1.5 s), torn
// down in `after` even when a test fails. Needs root (CI is root).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordingIoHost } from '../../../src/core/io.js';
import { knownHostsLine, startLab, type Lab } from '../../../src/sandbox/lab/index.js';
import { run } from '../../../src/sandbox/lab/run.js';
import { inNetns } from '../../../src/sandbox/lab/gateway.js';

describe('lab node', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ io: new RecordingIoHost() });
  });
  after(async () => {
    await lab?.destroy();
  });

  const ssh = (knownHosts: string, command: string): ReturnType<typeof run> =>
    run(
      [
        'ssh',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'ConnectTimeout=5',
        '-i',
        lab.node.ssh.privateKeyPath,
        '-p',
        String(lab.node.ssh.port),
        `${lab.node.ssh.user}@${lab.node.ssh.host}`,
        command,
      ],
      { timeoutMs: 15_000 },
    );

  test('GIVEN the pinned host key WHEN connecting with strict checking THEN sshd lets root in; a different pinned key is refused', async () => {
    const ok = await ssh(lab.node.ssh.knownHostsPath, 'hostname');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), lab.name);

    const keyscan = await run(['ssh-keyscan', '-t', 'ed25519', '-p', String(lab.node.ssh.port), lab.node.ssh.host]);
    assert.match(keyscan.stdout, new RegExp(lab.node.ssh.hostPublicKey.replace(/[+/]/g, '\\$&')));

    // A real but different ed25519 key pinned for the same host:port, as after a node replacement.
    const other = join(lab.record.dir, 'other_host_key');
    assert.equal((await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', other])).code, 0);
    const wrong = join(lab.record.dir, 'wrong_known_hosts');
    await writeFile(
      wrong,
      knownHostsLine(lab.node.ssh.host, lab.node.ssh.port, await readFile(`${other}.pub`, 'utf8')) + '\n',
    );
    const refused = await ssh(wrong, 'hostname');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /HOST IDENTIFICATION HAS CHANGED/);
  });

  test(
    'GIVEN a booted node WHEN the client calls the primary address THEN the API stand-in ' +
      'answers on 443 and the ingress on 30443/30080 with the real client address',
    async () => {
      const api = await lab.client.curl(`https://api.${lab.clusterName}/`, { address: lab.node.primaryAddress });
      assert.equal(api.code, 0, api.stderr);
      assert.match(api.stdout, /^apiserver host=api\.cluster\.lab\.test client=198\.19\.0\.100$/m);

      const tls = await lab.client.curl(`https://shop.${lab.appsDomain}:30443/`, { address: lab.node.primaryAddress });
      assert.equal(tls.code, 0, tls.stderr);
      assert.match(
        tls.stdout,
        new RegExp(
          `^ingress host=shop\\.${lab.appsDomain.replace(/\./g, '\\.')} scheme=https client=198\\.19\\.0\\.100 `,
          'm',
        ),
      );

      await lab.client.setHosts({ [`api.${lab.clusterName}`]: lab.node.primaryAddress });
      const byName = await lab.client.exec([
        'curl',
        '-sS',
        '-m',
        '5',
        '--cacert',
        lab.caCertPath,
        `https://api.${lab.clusterName}/`,
      ]);
      assert.match(byName.stdout, /^apiserver /m, byName.stderr);

      const plain = await lab.client.curl(`http://shop.${lab.appsDomain}:30080/16k`, {
        address: lab.node.primaryAddress,
      });
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.stdout.length, 16 * 1024);
    },
  );

  test('GIVEN proxyProtocol and then direct ingress mode THEN the ingress reports the PROXY header address, then answers on 8443/8080 itself', async () => {
    try {
      await lab.node.setIngressMode({ proxyProtocol: true, direct: false });
      const bare = await lab.client.curl(`https://a.${lab.appsDomain}:30443/`, {
        address: lab.node.primaryAddress,
        timeoutMs: 3000,
      });
      assert.notEqual(bare.code, 0, 'a request without a PROXY header must be rejected');
      const pp = await lab.client.curl(`http://a.${lab.appsDomain}:30080/`, {
        address: lab.node.primaryAddress,
        haproxyProtocol: true,
      });
      assert.equal(pp.code, 0, pp.stderr);
      assert.match(pp.stdout, /client=198\.19\.0\.100 /);

      await lab.node.setIngressMode({ proxyProtocol: false, direct: true });
      const direct = await lab.client.curl(`https://a.${lab.appsDomain}:8443/`, { address: lab.node.primaryAddress });
      assert.equal(direct.code, 0, direct.stderr);
      assert.match(direct.stdout, /^ingress host=a\..* scheme=https client=198\.19\.0\.100 /m);
      const directHttp = await lab.client.curl(`http://a.${lab.appsDomain}:8080/`, {
        address: lab.node.primaryAddress,
      });
      assert.match(directHttp.stdout, /scheme=http client=198\.19\.0\.100 /);
      await assert.rejects(lab.node.setIngressMode({ proxyProtocol: true, direct: true }), /exclude each other/);
    } finally {
      await lab.node.setIngressMode({ proxyProtocol: false, direct: false });
    }
    const back = await lab.client.curl(`http://a.${lab.appsDomain}:8080/`, {
      address: lab.node.primaryAddress,
      timeoutMs: 2000,
    });
    assert.notEqual(back.code, 0, '8080 is closed again outside direct mode');
  });

  test('GIVEN a public address mapped to the node THEN the client reaches the node through it, the node leaves as it, and unmapping cuts it off', async () => {
    const pub = '198.19.1.10';
    await lab.gateway.mapPublicIp(pub, lab.node.primaryAddress);
    await lab.gateway.mapPublicIp(pub, lab.node.primaryAddress); // idempotent
    assert.deepEqual(await lab.gateway.listPublicIps(), [{ publicIp: pub, privateIp: lab.node.primaryAddress }]);

    const api = await lab.client.curl(`https://api.${lab.clusterName}/`, { address: pub });
    assert.equal(api.code, 0, api.stderr);
    assert.match(api.stdout, /^apiserver .*client=198\.19\.0\.100$/m);

    const seen = await sourceAddressSeenByClient(lab);
    assert.equal(seen, pub);

    await lab.gateway.unmapPublicIp(pub);
    await lab.gateway.unmapPublicIp(pub); // absent is fine
    assert.deepEqual(await lab.gateway.listPublicIps(), []);
    const cut = await lab.client.curl(`https://api.${lab.clusterName}/`, { address: pub, timeoutMs: 2000 });
    assert.notEqual(cut.code, 0);
    await assert.rejects(lab.gateway.mapPublicIp('8.8.8.8', lab.node.primaryAddress), /not inside 198\.19\.1\.0\/24/);
  });

  test(
    'GIVEN a hand-added address and a file on disk WHEN the node reboots THEN the network stack ' +
      'is fresh, the disk is kept and the services answer again',
    async () => {
      const bootsBefore = await lab.node.bootCount();
      const leaderBefore = await lab.node.leaderPid();
      assert.equal((await lab.node.exec(['ip', 'addr', 'add', '198.18.0.77/24', 'dev', lab.node.interface])).code, 0);
      assert.equal((await lab.node.exec(['touch', '/root/kept-across-reboot'])).code, 0);

      await lab.node.reboot();

      assert.equal(await lab.node.bootCount(), bootsBefore + 1);
      // Its own cgroup, so concurrent labs' systemds never manage each other's units.
      assert.match(
        readFileSync(`/proc/${await lab.node.leaderPid()}/cgroup`, 'utf8'),
        new RegExp(`/solokube-lab/${lab.name}/payload/`),
      );
      assert.notEqual(await lab.node.leaderPid(), leaderBefore);
      const addrs = await lab.node.exec(['ip', '-j', 'addr', 'show', 'dev', lab.node.interface]);
      const locals = (JSON.parse(addrs.stdout) as { addr_info: { family: string; local: string }[] }[])
        .flatMap((l) => l.addr_info)
        .filter((a) => a.family === 'inet')
        .map((a) => a.local);
      assert.deepEqual(locals, [lab.node.primaryAddress]);
      assert.equal((await lab.node.exec(['test', '-e', '/root/kept-across-reboot'])).code, 0);
      const api = await lab.client.curl(`https://api.${lab.clusterName}/`, { address: lab.node.primaryAddress });
      assert.match(api.stdout, /^apiserver /m);
      const ok = await ssh(lab.node.ssh.knownHostsPath, 'systemctl is-active ssh nginx');
      assert.equal(ok.code, 0, ok.stderr);
    },
  );
});

/** Listens once in the client namespace and returns the source address the node's connection arrives from. */
async function sourceAddressSeenByClient(lab: Lab): Promise<string> {
  const port = 9009;
  const script =
    "const s=require('net').createServer(c=>{c.end(c.remoteAddress+'\\n');s.close()});" +
    `s.listen(${port},'${lab.client.address}',()=>console.log('up'));` +
    'setTimeout(()=>process.exit(2),10000).unref();';
  const listener = spawn(
    inNetns(lab.client.netns, [process.execPath, '-e', script])[0] ?? 'nsenter',
    inNetns(lab.client.netns, [process.execPath, '-e', script]).slice(1),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      listener.stdout.once('data', () => resolve());
      listener.once('exit', (code) => reject(new Error(`listener exited ${code}`)));
    });
    const r = await lab.node.exec([
      'timeout',
      '5',
      'bash',
      '-c',
      `exec 3<>/dev/tcp/${lab.client.address}/${port}; cat <&3`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().replace(/^::ffff:/, '');
  } finally {
    listener.kill('SIGKILL');
  }
}
