// The AWS emulator's public API: start it, seed it, read its state, inject faults, read the call log.
import type { CallRecord } from './calls.js';
import { CallLog } from './calls.js';
import type { EmulatorConfig } from './config.js';
import { FaultBook, type FaultSpec } from './faults.js';
import { parseCidr } from './ipv4.js';
import { emptyData, type EmulatorStateView } from './model.js';
import { loadState, StateFileWriter } from './persist.js';
import { applySeed } from './seed.js';
import type { EmulatorSeed } from './seed-types.js';
import { seedSchema } from './seed-schema.js';
import { EmulatorServer } from './server.js';
import { startDnsServer, type DnsServer } from './dns/server.js';
import { EmulatorStore } from './store.js';

export type { CallRecord } from './calls.js';
export type { FaultSpec } from './faults.js';
export type { EmulatorStateView } from './model.js';
export type * from './seed-types.js';
export { kopsClusterSeed, type KopsClusterSeedParams } from './kops-seed.js';

export interface EmulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Loaded at start when it exists; rewritten atomically after each mutation. */
  stateFile?: string;
  /** Default 123456789012 (ignored when a state file is loaded: the file's account wins). */
  accountId?: string;
  /** Default us-east-1. */
  region?: string;
  /** CIDR for AllocateAddress and auto-assigned public IPs; default 198.51.100.0/24. */
  publicIpPool?: string;
  /** GetChange answers PENDING this many times, then INSYNC; default 1. */
  changeSyncPolls?: number;
  /** Also answer DNS (UDP and TCP) from the public hosted zones at this address; port 0 = a free one. */
  dns?: { address: string; port?: number };
}

export interface AwsEmulator {
  /** http://127.0.0.1:PORT — one endpoint for EC2, Route 53, Service Quotas and STS. */
  endpoint: string;
  port: number;
  /** Where DNS is answered, when `dns` was asked for. */
  dns?: { address: string; port: number };
  /** Adds what is missing (see EmulatorSeed); throws and changes nothing on an invalid seed. */
  seed(seed: EmulatorSeed): void;
  /** A deep copy, JSON-able. */
  state(): EmulatorStateView;
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  calls(): CallRecord[];
  resetCalls(): void;
  close(): Promise<void>;
}

export async function startAwsEmulator(opts: EmulatorOptions = {}): Promise<AwsEmulator> {
  const pool = parseCidr(opts.publicIpPool ?? '198.51.100.0/24');
  if (!pool) throw new Error(`publicIpPool is not an IPv4 CIDR: ${opts.publicIpPool}`);
  const changeSyncPolls = opts.changeSyncPolls ?? 1;
  if (!Number.isInteger(changeSyncPolls) || changeSyncPolls < 0) throw new Error('changeSyncPolls must be a whole number ≥ 0');
  const config: EmulatorConfig = { publicIpPool: pool, changeSyncPolls };
  const loaded = opts.stateFile === undefined ? undefined : loadState(opts.stateFile);
  const data = loaded ?? emptyData(opts.accountId ?? '123456789012', opts.region ?? 'us-east-1');
  const store = new EmulatorStore(data, opts.stateFile === undefined ? undefined : new StateFileWriter(opts.stateFile));
  const faults = new FaultBook();
  const calls = new CallLog();
  let endpoint = '';
  const server = new EmulatorServer({ store, faults, calls, config, endpoint: () => endpoint });
  const port = await server.listen(opts.port ?? 0);
  endpoint = `http://127.0.0.1:${port}`;
  let dns: DnsServer | undefined;
  if (opts.dns) {
    try {
      dns = await startDnsServer({ address: opts.dns.address, port: opts.dns.port ?? 53, zones: () => store.read((d) => Object.values(d.hostedZones)) });
    } catch (err) {
      await server.close();
      throw err;
    }
  }
  return {
    endpoint,
    port,
    ...(dns ? { dns: { address: dns.address, port: dns.port } } : {}),
    seed: (seed) => { const valid = seedSchema.parse(seed); store.mutate((d) => applySeed(d, valid, config)); },
    state: () => store.view(),
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    calls: () => calls.list(),
    resetCalls: () => calls.clear(),
    close: async () => {
      await dns?.close();
      await server.close();
    },
  };
}
