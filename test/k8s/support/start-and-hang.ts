// Starts a control plane, prints the components' PIDs and waits forever: the crash test kills this
// process with SIGKILL and checks nothing it started survives.
import { RecordingIoHost } from '../../../src/core/io.js';
import { startControlPlane } from '../../../src/sandbox/k8s/control-plane.js';

const cp = await startControlPlane({ io: new RecordingIoHost(), node: false });
process.stdout.write(`DIR ${cp.dir}\nPIDS ${Object.values(cp.pids()).join(',')}\n`);
setInterval(() => undefined, 60_000);
