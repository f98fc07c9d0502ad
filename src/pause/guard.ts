// `up` on a paused cluster: it would render the control-plane group at 1/1 again and so resume the
// cluster as a side effect of "converge". Resuming costs money and boots an instance, so it is the
// user's explicit decision: up stops before changing anything and names `solokube resume`.

import { SolokubeError } from '../core/errors.js';
import { debug, type IoHost } from '../core/io.js';
import type { KopsCli } from '../kops/cli.js';
import { readPauseState } from './scale.js';

/**
 * Throws when kops holds the cluster's control-plane group at zero. When kops cannot say (no state
 * store yet, no such cluster, kops failing), it does not block: the cluster stage reads the same
 * state next and reports a real failure there with its own remedy.
 */
export async function refuseWhenPaused(kops: KopsCli, cluster: string, io: IoHost, signal: AbortSignal): Promise<void> {
  let state: Awaited<ReturnType<typeof readPauseState>>;
  try {
    state = await readPauseState(kops, cluster, signal);
  } catch (err) {
    debug(io, `could not read whether ${cluster} is paused: ${(err as Error).message}`);
    return;
  }
  if (!state?.paused) return;
  throw new SolokubeError({
    code: 'pause.paused',
    message: `${cluster} is paused: kops holds its control-plane instance group ${state.group} at 0, and up does not resume it on its own`,
    remedy: `Run \`solokube resume --yes\` to start the control plane again (then \`solokube up\` converges the rest).`,
    actor: 'user',
  });
}
