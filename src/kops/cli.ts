// What the lifecycle steps need from "kops": run one command. The real binary (KopsRunner) is one
// implementation; the sandbox's is another, which sends the commands that need a real cloud to the
// stand-in (src/sandbox/kops/) and everything else to the real binary.
import type { KopsResult, StepOptions } from './runner.js';

export interface KopsCli {
  run(step: string, args: string[], opts: StepOptions): Promise<KopsResult>;
  /** Refuses a missing or too old kops, before anything is changed. */
  preflight?(signal: AbortSignal): Promise<unknown>;
}
