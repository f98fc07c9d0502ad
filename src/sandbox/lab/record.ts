// The lab record: a small JSON file that lets a later process find and control a lab it did not
// start (`solokube up --sandbox` starts the lab, a later `solokube down --sandbox` destroys it).
// The supervisor keeps its own, changing, status next to it.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isPort } from '../../config/validators.js';
import { SolokubeError } from '../../core/errors.js';

const ingressMode = z.object({ proxyProtocol: z.boolean(), direct: z.boolean() });

export const labRecordSchema = z.object({
  version: z.literal(1),
  name: z.string().regex(/^skl-[0-9a-f]{6}$/),
  createdAt: z.string(),
  imagePath: z.string().regex(/^\/[A-Za-z0-9/_.-]+$/),
  dir: z.string(),
  root: z.string(),
  upper: z.string(),
  work: z.string(),
  recordPath: z.string(),
  statusPath: z.string(),
  logPath: z.string(),
  knownHostsPath: z.string(),
  netns: z.object({ gw: z.string(), client: z.string() }),
  machineName: z.string(),
  node: z.object({
    interface: z.string(),
    primaryAddress: z.string(),
    prefixLength: z.number(),
    gateway: z.string(),
    cpus: z
      .string()
      .regex(/^[0-9,-]+$/)
      .optional(),
  }),
  client: z.object({ address: z.string() }),
  ssh: z.object({
    host: z.string(),
    port: z.number().refine((n) => isPort(n, { allowZero: true })),
    user: z.string(),
    privateKeyPath: z.string(),
    hostPublicKey: z.string(),
    hostKeyFingerprint: z.string(),
  }),
  tls: z.object({
    caCertPath: z.string(),
    apiCertPath: z.string(),
    apiKeyPath: z.string(),
    ingressCertPath: z.string(),
    ingressKeyPath: z.string(),
  }),
  clusterName: z.string(),
  appsDomain: z.string(),
  ingressMode,
  supervisorPid: z.number().int(),
  /** Present when the node runs a real Kubernetes control plane (kube-apiserver on *:443). */
  controlPlane: z
    .object({
      binds: z.array(
        z.object({ host: z.string().regex(/^\/[A-Za-z0-9/_.-]+$/), node: z.string().regex(/^\/[A-Za-z0-9/_.-]+$/) }),
      ),
      stateBinds: z
        .array(
          z.object({ host: z.string().regex(/^\/[A-Za-z0-9/_.-]+$/), node: z.string().regex(/^\/[A-Za-z0-9/_.-]+$/) }),
        )
        .optional(),
      kubeconfigPath: z.string(),
      apiForwardPort: z.number().refine((n) => isPort(n, { allowZero: true })),
    })
    .optional(),
});
export type LabRecord = z.infer<typeof labRecordSchema>;

export const supervisorStatusSchema = z.object({
  supervisorPid: z.number().int(),
  /** The systemd-nspawn of the current boot; 0 before the first launch. */
  nspawnPid: z.number().int(),
  /** How many times the node was launched (1 after the first boot; +1 per reboot). */
  boots: z.number().int(),
  state: z.enum(['starting', 'running', 'stopped']),
  lastExit: z.object({ code: z.number().nullable(), signal: z.string().nullable() }).optional(),
  updatedAt: z.string(),
});
export type SupervisorStatus = z.infer<typeof supervisorStatusSchema>;

/** Write JSON atomically (temp file + rename) so a reader never sees half a file. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}

export async function readLabRecord(path: string): Promise<LabRecord> {
  return parseJsonFile(path, labRecordSchema, 'lab record');
}

export async function readSupervisorStatus(path: string): Promise<SupervisorStatus> {
  return parseJsonFile(path, supervisorStatusSchema, 'lab supervisor status');
}

async function parseJsonFile<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SolokubeError({
      code: 'lab.record-missing',
      message: `${what} ${path} cannot be read`,
      cause: err,
      remedy: 'The lab is gone or was never started; start a new one.',
      actor: 'user',
    });
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new SolokubeError({
      code: 'lab.record-invalid',
      message: `${what} ${path} is not valid: ${parsed.error.message}`,
      remedy: 'Remove the lab by hand (see its directory) and start a new one.',
      actor: 'solokube',
    });
  }
  return parsed.data;
}

/** Paths of every lab record under stateRoot (labs of any process, including other test runs). */
export async function listLabRecordPaths(stateRoot: string): Promise<string[]> {
  const names = await readdir(stateRoot).catch(() => [] as string[]);
  return names.filter((n) => /^skl-[0-9a-f]{6}$/.test(n)).map((n) => join(stateRoot, n, 'lab.json'));
}
