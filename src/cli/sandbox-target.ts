// Read-only commands (status, doctor) with --sandbox talk to the running sandbox; they never start
// one.

import { SolokubeError } from '../core/errors.js';
import type { Sandbox } from '../sandbox/env/sandbox.js';

export async function runningSandbox(): Promise<Sandbox> {
  const { openSandbox } = await import('../sandbox/env/sandbox.js');
  const sandbox = await openSandbox();
  if (!sandbox) {
    throw new SolokubeError({
      code: 'sandbox.not-running',
      message: 'no sandbox is running',
      remedy: 'Start it with `solokube up --sandbox`.',
      actor: 'user',
    });
  }
  return sandbox;
}
