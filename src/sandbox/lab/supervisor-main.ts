// The node's supervisor: a small detached process, run inside the lab's gateway namespace, that
// keeps the node container running the way systemd-nspawn@.service would (relaunch on exit code
// 133, i.e. a reboot from inside) and forwards a loopback port on the host to the node's sshd.
// It outlives the process that started the lab, so `up --sandbox` can exit and `down --sandbox`
// find it again through the lab record. Its stdout/stderr go to the lab's log file.
//
// Usage (by the lab only): nsenter --net=/run/netns/<gw> node supervisor-main.js <lab.json>
// with an IPC channel on which it receives the already-listening forward socket (created in the
// host namespace, which this process can no longer reach by itself).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { connect, Server, type Socket } from 'node:net';
import { joinLabCgroup } from './cgroup.js';
import { NSPAWN_REBOOT_EXIT_CODE, nspawnArgv } from './nspawn.js';
import { startKubeletStandin, type KubeletStandinLoop } from './kubelet-standin.js';
import { childPids, signal } from './processes.js';
import { readLabRecord, writeJsonAtomic, type LabRecord, type SupervisorStatus } from './record.js';

const STOP_GRACE_MS = 10_000;

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString()} supervisor[${process.pid}] ${msg}\n`);
}

async function main(): Promise<void> {
  const recordPath = process.argv[2];
  if (!recordPath) throw new Error('usage: supervisor-main.js <lab.json>');
  const record = await readLabRecord(recordPath);
  await joinLabCgroup(record.name, process.pid);
  let boots = 0;
  let current: ChildProcess | undefined;
  let stopping = false;
  let forwarder: Server | undefined;
  let apiForwarder: Server | undefined;
  // With a control plane, the node's kubelet stand-in runs here for as long as the node does.
  const kubelet: KubeletStandinLoop | undefined = record.controlPlane ? startKubeletStandin(record, log) : undefined;

  const status = (s: Omit<SupervisorStatus, 'supervisorPid' | 'updatedAt' | 'boots'>): Promise<void> =>
    writeJsonAtomic(record.statusPath, {
      supervisorPid: process.pid,
      boots,
      updatedAt: new Date().toISOString(),
      ...s,
    });

  const finish = async (lastExit?: SupervisorStatus['lastExit']): Promise<void> => {
    kubelet?.stop();
    await status({ state: 'stopped', nspawnPid: 0, ...(lastExit ? { lastExit } : {}) });
    forwarder?.close();
    apiForwarder?.close();
    log('stopped');
    process.exit(0);
  };

  const launch = async (): Promise<void> => {
    boots += 1;
    const argv = nspawnArgv({
      root: record.root,
      machineName: record.machineName,
      cpus: record.node.cpus,
      bindsRo: record.controlPlane?.binds,
      bindsRw: record.controlPlane?.stateBinds,
    });
    const logFd = openSync(record.logPath, 'a');
    const child = spawn(argv[0] ?? 'systemd-nspawn', argv.slice(1), { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    current = child;
    log(`boot ${boots}: systemd-nspawn pid ${child.pid}`);
    child.on('exit', (code, sig) => {
      log(`boot ${boots}: systemd-nspawn exited ${sig ?? code}`);
      if (!stopping && code === NSPAWN_REBOOT_EXIT_CODE) {
        void launch();
        return;
      }
      void finish({ code, signal: sig });
    });
    await status({ state: 'running', nspawnPid: child.pid ?? 0 });
  };

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log('stop requested');
    const nspawn = current;
    if (!nspawn || nspawn.exitCode !== null || nspawn.pid === undefined) {
      void finish();
      return;
    }
    // SIGTERM makes nspawn ask the container's systemd for an orderly poweroff.
    nspawn.kill('SIGTERM');
    setTimeout(() => {
      log('container did not stop in time; killing it');
      for (const leader of childPids(nspawn.pid ?? 0)) signal(leader, 'SIGKILL');
      nspawn.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => undefined);

  // The API forward (when the node runs a control plane) arrives first; the SSH one starts the node.
  process.on('message', (msg: unknown, handle: unknown) => {
    if (!(handle instanceof Server)) return;
    if (msg === 'api-forward') {
      apiForwarder = handle;
      apiForwarder.on('connection', (sock) => relay(sock, record, 443));
      return;
    }
    if (msg !== 'ssh-forward') return;
    forwarder = handle;
    forwarder.on('connection', (sock) => relay(sock, record, 22));
    void launch().then(() => process.send?.('ready'));
  });
  await status({ state: 'starting', nspawnPid: 0 });
  process.send?.('hello');
}

/** One forwarded connection: host loopback → the node's port (sshd, or kube-apiserver) over the VPC bridge. */
function relay(client: Socket, record: LabRecord, port: number): void {
  const upstream = connect({ host: record.node.primaryAddress, port });
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
  client.pipe(upstream);
  upstream.pipe(client);
}

main().catch((err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
