// Settings fixed for the life of one emulator process (the state itself lives in EmulatorData).
import type { EcrEnv } from './ecr/api.js';
import type { ConsistencyModel } from './consistency.js';
import type { Cidr } from './ipv4.js';

export interface EmulatorConfig {
  /** Pool for AllocateAddress and auto-assigned public IPs. */
  publicIpPool: Cidr;
  /** GetChange answers PENDING this many times for a change, then INSYNC. */
  changeSyncPolls: number;
  /** The ECR registry's address and blob store, for the ECR API. */
  ecr: EcrEnv;
  /** Eventual-consistency mode (lag 0 = strongly consistent); switchable while running. */
  consistency: ConsistencyModel;
}
