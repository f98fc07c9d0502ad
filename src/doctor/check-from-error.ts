// A failing check from whatever a probe threw: solokube's typed errors keep their remedy; anything
// else still says what to do next (a failing check always carries a remedy).

import type { Check } from '../aws/doctor.js';
import { SolokubeError } from '../core/errors.js';

/** For an error that brings no remedy of its own. */
export const GENERIC_REMEDY =
  'Rerun with --debug to see the full error and its cause, then follow the first broken hop.';

export function checkFromError(id: string, err: unknown): Check {
  const e = err instanceof SolokubeError ? err : undefined;
  return {
    id,
    status: 'fail',
    summary: e?.message ?? (err instanceof Error ? err.message : String(err)),
    remedy: e?.remedy ?? GENERIC_REMEDY,
  };
}
