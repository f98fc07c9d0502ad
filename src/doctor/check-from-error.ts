// A failing check from whatever a probe threw: solokube's typed errors keep their remedy.

import type { Check } from '../aws/doctor.js';
import { SolokubeError } from '../core/errors.js';

export function checkFromError(id: string, err: unknown): Check {
  const e = err instanceof SolokubeError ? err : undefined;
  return {
    id,
    status: 'fail',
    summary: e?.message ?? (err instanceof Error ? err.message : String(err)),
    ...(e?.remedy ? { remedy: e.remedy } : {}),
  };
}
