// `solokube doctor --sandbox -o json` as the lab tests run it: the report comes back whether doctor
// passed (the result) or failed (the error's details), with the exit code.

import assert from 'node:assert/strict';
import type { SandboxRun } from '../../sandbox/env/support.js';

export interface ReportCheck {
  id: string;
  hop: string;
  status: string;
  summary: string;
  remedy?: string;
}

export interface DoctorCliReport {
  ok: boolean;
  firstBroken?: { hop: string; id: string; summary: string; remedy?: string };
  checks: ReportCheck[];
}

export async function doctorCli(sbx: SandboxRun): Promise<{ code: number | null; report: DoctorCliReport }> {
  const run = await sbx.cli(['doctor', '--sandbox', '-o', 'json'], 90_000);
  const out = JSON.parse(run.stdout) as { result?: DoctorCliReport; error?: { details: DoctorCliReport } };
  const report = out.result ?? out.error?.details;
  assert.ok(report, `no report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return { code: run.code, report };
}
