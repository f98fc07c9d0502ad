// The AWS emulator's public API: start it, seed it, read its state, inject faults, read the call log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CallRecord } from './calls.js';
import { CallLog } from './calls.js';
import type { EmulatorConfig } from './config.js';
import { applyLifecyclePolicies } from './ecr/api.js';
import { BlobStore } from './ecr/blob-store.js';
import { RegistryServer } from './ecr/registry-server.js';
import { ConsistencyModel } from './consistency.js';
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
import { putRolePolicy, setInstanceRole } from './iam/roles.js';
import { serveImds, type ImdsEndpoint, type ImdsOptions } from './imds/server.js';

export type { CallRecord } from './calls.js';
export type { FaultSpec } from './faults.js';
export type { EmulatorStateView } from './model.js';
export type * from './seed-types.js';
export { hostedZoneSeed, kopsClusterSeed, type KopsClusterSeedParams } from './kops-seed.js';
export type { ImdsEndpoint, ImdsOptions } from './imds/server.js';
export type { PolicyStatement } from './iam/policy.js';

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
  /** The ECR registry's port on 127.0.0.1; 0 (default) = a free port. */
  registryPort?: number;
  /**
   * Where registry blobs and manifests are kept on disk. Default: `<stateFile>.registry/` beside
   * the state file, or a temporary directory removed by close() when there is no state file.
   */
  registryDir?: string;
  /**
   * Eventual-consistency mode: changes become visible to the rest of the API only this many ms
   * later (see consistency.ts and README.md); default 0, strongly consistent.
   */
  consistencyLagMs?: number;
  /** Also answer DNS (UDP and TCP) from the public hosted zones at this address; port 0 = a free one. */
  dns?: { address: string; port?: number };
}

export interface AwsEmulator {
  /** http://127.0.0.1:PORT — one endpoint for EC2, Route 53, Service Quotas and STS. */
  endpoint: string;
  port: number;
  /** host:port of the ECR registry (what repositoryUri and proxyEndpoint name). */
  registryHost: string;
  registryPort: number;
  /** Applies lifecycle policies now, as AWS does some time after a push; returns the expired digests. */
  applyEcrLifecyclePolicies(repositoryName?: string): { repositoryName: string; expired: string[] }[];
  /** Lifetime of the registry tokens GetAuthorizationToken issues from now on (AWS: 12 h). */
  setEcrTokenTtl(seconds: number): void;
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
  /**
   * Sets a role's inline policy (kops' additionalPolicies form: a list of statements, or a policy
   * document); replaces what the role had. Refuses what the evaluator does not support (iam/policy.ts).
   */
  putRolePolicy(roleName: string, policy: unknown): void;
  /** Attaches an instance profile with this role to the instance (undefined detaches it). */
  setInstanceRole(instanceId: string, roleName: string | undefined): void;
  /** Starts the instance's own IMDSv2 listener on 127.0.0.1 (see imds/server.ts); closed with the emulator. */
  serveImds(instanceId: string, opts?: ImdsOptions): Promise<ImdsEndpoint>;
  /** Switch the eventual-consistency lag (0 = strongly consistent); applies to changes from now on. */
  setConsistencyLag(ms: number): void;
  close(): Promise<void>;
}

export async function startAwsEmulator(opts: EmulatorOptions = {}): Promise<AwsEmulator> {
  const pool = parseCidr(opts.publicIpPool ?? '198.51.100.0/24');
  if (!pool) throw new Error(`publicIpPool is not an IPv4 CIDR: ${opts.publicIpPool}`);
  const changeSyncPolls = opts.changeSyncPolls ?? 1;
  if (!Number.isInteger(changeSyncPolls) || changeSyncPolls < 0)
    throw new Error('changeSyncPolls must be a whole number ≥ 0');
  const loaded = opts.stateFile === undefined ? undefined : loadState(opts.stateFile);
  const data = loaded ?? emptyData(opts.accountId ?? '123456789012', opts.region ?? 'us-east-1');
  const store = new EmulatorStore(data, opts.stateFile === undefined ? undefined : new StateFileWriter(opts.stateFile));
  const faults = new FaultBook();
  const calls = new CallLog();
  const tempRegistryDir =
    opts.registryDir === undefined && opts.stateFile === undefined
      ? mkdtempSync(join(tmpdir(), 'solokube-ecr-'))
      : undefined;
  const registryDir =
    opts.registryDir ??
    tempRegistryDir ??
    join(dirname(opts.stateFile!), `${opts.stateFile!.split('/').pop()}.registry`);
  const blobs = new BlobStore(registryDir);
  const now = () => Date.now() / 1000;
  const registry = new RegistryServer({ store, blobs, faults, calls, now });
  const registryPort = await registry.listen(opts.registryPort ?? 0);
  const config: EmulatorConfig = {
    publicIpPool: pool,
    changeSyncPolls,
    ecr: { registryHost: registry.host, blobs, now },
    consistency: new ConsistencyModel(opts.consistencyLagMs ?? 0),
  };
  let endpoint = '';
  const imds = new Set<ImdsEndpoint>();
  const startImds = async (instanceId: string, o?: ImdsOptions): Promise<ImdsEndpoint> => {
    if (!store.read((d) => Object.hasOwn(d.instances, instanceId)))
      throw new Error(`no instance ${instanceId} to serve metadata for`);
    const e = await serveImds(store, instanceId, o);
    imds.add(e);
    return e;
  };
  const server = new EmulatorServer({ store, faults, calls, config, endpoint: () => endpoint, serveImds: startImds });
  const port = await server.listen(opts.port ?? 0).catch(async (err: unknown) => {
    await registry.close();
    throw err;
  });
  endpoint = `http://127.0.0.1:${port}`;
  let dns: DnsServer | undefined;
  if (opts.dns) {
    try {
      dns = await startDnsServer({
        address: opts.dns.address,
        port: opts.dns.port ?? 53,
        zones: () => store.read((d) => Object.values(d.hostedZones)),
      });
    } catch (err) {
      await server.close();
      throw err;
    }
  }
  return {
    endpoint,
    port,
    registryHost: registry.host,
    registryPort,
    applyEcrLifecyclePolicies: (name) => store.mutate((d) => applyLifecyclePolicies(d, now(), name)),
    setEcrTokenTtl: (seconds) => {
      if (!(seconds > 0)) throw new Error('the token lifetime must be a positive number of seconds');
      store.mutate((d) => {
        d.ecr.tokenTtlSeconds = seconds;
      });
    },
    ...(dns ? { dns: { address: dns.address, port: dns.port } } : {}),
    seed: (seed) => {
      const valid = seedSchema.parse(seed);
      store.mutate((d) => applySeed(d, valid, config));
    },
    state: () => store.view(),
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    calls: () => calls.list(),
    resetCalls: () => calls.clear(),
    putRolePolicy: (roleName, policy) => {
      store.mutate((d) => putRolePolicy(d, roleName, policy));
    },
    setInstanceRole: (instanceId, roleName) => {
      store.mutate((d) => setInstanceRole(d, instanceId, roleName));
    },
    serveImds: startImds,
    setConsistencyLag: (ms) => config.consistency.setLag(ms),
    close: async () => {
      await Promise.all([...imds].map((e) => e.close()));
      await dns?.close();
      await Promise.all([server.close(), registry.close()]);
      if (tempRegistryDir !== undefined) rmSync(tempRegistryDir, { recursive: true, force: true });
    },
  };
}
