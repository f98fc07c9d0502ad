// A lab node and an SshShell to it as root, for node-layer tests; torn down together.
import { after, before } from 'node:test';
import type { RecordingIoHost } from '../../../src/core/io.js';
import { SshShell } from '../../../src/node/ssh-shell.js';
import { startLab } from '../../../src/sandbox/lab/index.js';
import type { Lab } from '../../../src/sandbox/lab/index.js';

export interface LabShell {
  lab: Lab;
  shell: SshShell;
  close(): Promise<void>;
}

export async function startLabShell(io: RecordingIoHost): Promise<LabShell> {
  const lab = await startLab({ io });
  const s = lab.node.ssh;
  const shell = new SshShell({
    host: s.host,
    port: s.port,
    user: s.user,
    privateKeyPath: s.privateKeyPath,
    knownHostsPath: s.knownHostsPath,
    io,
    connectTimeoutMs: 15_000,
  });
  return {
    lab,
    shell,
    async close() {
      await shell.close();
      await lab.destroy();
    },
  };
}

/** Registers before/after hooks on the current suite: a lab and its shell, live while the suite runs. */
export function labShellForSuite(io: RecordingIoHost): { readonly lab: Lab; readonly shell: SshShell } {
  let ls: LabShell | undefined;
  before(async () => {
    ls = await startLabShell(io);
  });
  after(async () => {
    await ls?.close();
  });
  return {
    get lab() {
      return ls!.lab;
    },
    get shell() {
      return ls!.shell;
    },
  };
}
