// The sandbox's own record (sandbox.json in the sandbox directory): which emulator runs, which lab
// node plays the cluster's instance (none until kops' stand-in launched it) and the DNS beside it.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SolokubeError } from '../../core/errors.js';
import { writeJsonAtomic } from '../lab/record.js';

/** One sandbox per machine (override for tests that need their own). */
export function sandboxDir(): string {
  return process.env.SOLOKUBE_SANDBOX_DIR ?? '/var/lib/solokube/sandbox';
}

const recordSchema = z.object({
  version: z.literal(1),
  clusterName: z.string(),
  dnsZone: z.string(),
  region: z.string(),
  emulator: z.object({ pid: z.number().int(), endpoint: z.string().url(), stateFile: z.string(), logFile: z.string() }),
  /** The lab node playing the control-plane instance; absent until kops' stand-in launched one. */
  labRecordPath: z.string().optional(),
  /** The emulator's instance the lab node plays (absent in records from before the sandbox started from nothing). */
  instanceId: z.string().optional(),
  /** The DNS server answering the emulator's zones on the lab's internet side. */
  dns: z.object({ pid: z.number().int(), netns: z.string(), address: z.string() }).optional(),
  /**
   * pebble, the ACME test server, on the lab's internet side: issuingRootPath signs the apps'
   * certificates; clientCaPath bundles every root it handed out in this lab (a restart mints a new
   * one; earlier certificates still chain to theirs) with the lab's CAs (the cluster's) for the printed checks.
   */
  pebble: z
    .object({ pid: z.number().int(), netns: z.string(), issuingRootPath: z.string(), clientCaPath: z.string() })
    .optional(),
  /** The process linking the node to its instance's metadata service and EC2 (instance-link.ts). */
  instanceLink: z.object({ pid: z.number().int(), instanceId: z.string() }).optional(),
  createdAt: z.string(),
});
export type SandboxRecord = z.infer<typeof recordSchema>;

export const recordPath = (): string => join(sandboxDir(), 'sandbox.json');

export async function readRecord(): Promise<SandboxRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = recordSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new SolokubeError({
      code: 'sandbox.record',
      message: `${recordPath()} is not a sandbox record solokube wrote`,
      remedy: `Remove ${sandboxDir()} by hand if nothing of the sandbox runs.`,
      actor: 'user',
    });
  }
  return parsed.data;
}

export function writeRecord(record: SandboxRecord): Promise<void> {
  return writeJsonAtomic(recordPath(), record);
}

/**
 * Where the cluster's etcd keeps its data, outside any node: kops' etcd volumes outlive a replaced
 * or paused control-plane instance, and so does this folder (removed with the sandbox by `down`).
 */
export const sandboxEtcdDir = (clusterName: string): string => join(sandboxDir(), 'etcd', clusterName);

/** The sandbox's copy of the admin kubeconfig `kops export kubeconfig --admin` writes. */
export const sandboxKubeconfigPath = (): string => join(sandboxDir(), 'kubeconfig');
