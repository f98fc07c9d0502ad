// The reclaim's last result as the script writes it to /var/lib/solokube/reclaim-last.json, parsed
// for `solokube doctor` (which reads the file over SSH). A missing or unreadable file is "never ran".

import { z } from 'zod';

const stateSchema = z.object({
  result: z.enum(['ok', 'failed']),
  at: z.string(),
  cluster: z.string(),
  instanceId: z.string(),
  networkInterfaceId: z.string(),
  secondaryIp: z.string(),
  elasticIp: z.string(),
  allocationId: z.string(),
  changes: z.array(z.string()),
  message: z.string(),
});

export type ReclaimLastRun = z.infer<typeof stateSchema>;

export type ReclaimStatus =
  { kind: 'never-ran' } | { kind: 'unreadable'; reason: string } | { kind: 'ran'; last: ReclaimLastRun };

export function parseReclaimState(text: string | undefined): ReclaimStatus {
  if (text === undefined || text.trim() === '') return { kind: 'never-ran' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { kind: 'unreadable', reason: `not JSON: ${(err as Error).message}` };
  }
  const parsed = stateSchema.safeParse(raw);
  return parsed.success
    ? { kind: 'ran', last: parsed.data }
    : { kind: 'unreadable', reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
