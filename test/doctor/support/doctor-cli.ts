// `solokube doctor --sandbox -o json` as the lab tests run it: the document is checked against its
// documented shape (support/report-schema.ts) on every run, and the report comes back whether doctor
// passed (the result) or failed (the error's details), with the exit code.

import type { SandboxRun } from '../../sandbox/env/support.js';
import { parseDoctorDocument, reportOf } from './report-schema.js';
import type { DoctorReportDoc } from './report-schema.js';

export type DoctorCliReport = DoctorReportDoc;

export async function doctorCli(
  sbx: SandboxRun,
): Promise<{ code: number | null; report: DoctorCliReport; ms: number }> {
  const started = Date.now();
  const run = await sbx.cli(['doctor', '--sandbox', '-o', 'json'], 90_000);
  const ms = Date.now() - started;
  let report: DoctorCliReport;
  try {
    report = reportOf(parseDoctorDocument(run.stdout));
  } catch (err) {
    throw new Error(`doctor (exit ${run.code}): ${err instanceof Error ? err.message : String(err)}\n${run.stderr}`, {
      cause: err,
    });
  }
  return { code: run.code, report, ms };
}
