// The shape of `solokube doctor --output json`, as scripts rely on it: one document, `ok: true` with
// the report as `result` when nothing failed, else `ok: false` with the report in `error.details`.
// Every check: its hop (one of HOPS, the id's namespace matching it), a status, a summary, and a
// remedy whenever it fails; a skip says why. The report: `ok` exactly when no check fails, the
// checks in path order with unique ids, and `firstBroken` the first failing one. Strict objects: a
// field nobody documented fails the test that meets it.

import { z } from 'zod';
import { HOPS } from '../../../src/doctor/hops.js';

/** Which ids each hop's checks carry (AWS: plain names; the others: a namespace per hop). */
const ID_OF_HOP: Record<(typeof HOPS)[number], RegExp> = {
  aws: /^[a-z0-9]+(-[a-z0-9]+)*$/,
  node: /^node\/[a-z0-9-]+$/,
  cluster: /^k8s\/[a-z0-9-]+$/,
  // internet-probes: the probes as a whole failed (no vantage, the deadline), counted against DNS.
  dns: /^(dns\/[a-z0-9.-]+|internet-probes)$/,
  tls: /^tls\/[a-z0-9.-]+$/,
  e2e: /^e2e\/[a-z0-9.-]+$/,
};

const text = z.string().trim().min(1);

export const doctorCheckSchema = z
  .object({
    id: text,
    hop: z.enum(HOPS),
    status: z.enum(['pass', 'warn', 'fail', 'skip']),
    summary: text,
    remedy: text.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!ID_OF_HOP[c.hop].test(c.id))
      ctx.addIssue({ code: 'custom', message: `id ${c.id} is not one of hop ${c.hop}` });
    if (c.status === 'fail' && !c.remedy) ctx.addIssue({ code: 'custom', message: `failing ${c.id} has no remedy` });
    if (c.status === 'skip' && !c.summary.startsWith('skipped: '))
      ctx.addIssue({ code: 'custom', message: `skipped ${c.id} does not say why` });
  });

export const doctorReportSchema = z
  .object({
    cluster: text,
    ok: z.boolean(),
    firstBroken: z
      .object({ hop: z.enum(HOPS), id: text, summary: text, remedy: text.optional() })
      .strict()
      .optional(),
    checks: z.array(doctorCheckSchema).min(1),
  })
  .strict()
  .superRefine((r, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    const rank = r.checks.map((c) => HOPS.indexOf(c.hop));
    if (rank.some((x, i) => i > 0 && x < rank[i - 1]!)) issue('checks are not in path order');
    const ids = r.checks.map((c) => c.id);
    if (new Set(ids).size !== ids.length) issue(`check ids repeat: ${ids.join(', ')}`);
    const failing = r.checks.find((c) => c.status === 'fail');
    if (r.ok !== !failing) issue(`ok is ${r.ok} but ${failing ? `${failing.id} fails` : 'nothing fails'}`);
    const fb = r.firstBroken;
    if (failing && (fb?.id !== failing.id || fb.hop !== failing.hop || fb.summary !== failing.summary))
      issue(`firstBroken ${fb?.id} is not the first failing check ${failing.id}`);
    if (!failing && fb) issue('firstBroken is set although nothing fails');
  });

export type DoctorReportDoc = z.infer<typeof doctorReportSchema>;

const passedDocument = z
  .object({ ok: z.literal(true), command: z.literal('doctor'), result: doctorReportSchema })
  .strict();
const failedDocument = z
  .object({
    ok: z.literal(false),
    command: z.literal('doctor'),
    error: z
      .object({ code: z.literal('doctor.failed'), message: text, remedy: text, details: doctorReportSchema })
      .strict(),
  })
  .strict();

export type DoctorDocument = z.infer<typeof passedDocument> | z.infer<typeof failedDocument>;

/** Parse the stdout of `doctor --output json`, failing with every problem found (path and message). */
export function parseDoctorDocument(stdout: string): DoctorDocument {
  const doc = JSON.parse(stdout) as { ok?: unknown };
  const parsed = (doc.ok === true ? passedDocument : failedDocument).safeParse(doc);
  if (!parsed.success)
    throw new Error(
      `doctor's JSON does not have its documented shape:\n${parsed.error.issues
        .map((i) => `  ${i.path.join('.') || '(document)'}: ${i.message}`)
        .join('\n')}\n${stdout}`,
    );
  return parsed.data;
}

/** The report inside a document, whichever way doctor ended. */
export const reportOf = (doc: DoctorDocument): DoctorReportDoc => (doc.ok ? doc.result : doc.error.details);
