import { emptyEcrData, type EcrData } from './ecr/model.js';

// The emulator's in-memory state: plain JSON-able data, so it can be deep-copied for a
// transaction (every mutating request runs against a copy that is committed only on success),
// written to a file, and handed out as a view.

export type Tags = Record<string, string>;

export interface VpcRecord {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  tags: Tags;
}

export interface SubnetRecord {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  mapPublicIpOnLaunch: boolean;
  tags: Tags;
}

/** One security-group rule: protocol, port range and exactly one peer. */
export interface SgRule {
  ruleId: string;
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIp?: string;
  cidrIpv6?: string;
  groupId?: string;
  prefixListId?: string;
  description?: string;
}

export interface SecurityGroupRecord {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  tags: Tags;
  ingress: SgRule[];
  egress: SgRule[];
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface InstanceRecord {
  instanceId: string;
  imageId: string;
  instanceType: string;
  state: InstanceStateName;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  keyName?: string;
  launchTime: string;
  tags: Tags;
  /** The role of the instance profile (IMDS serves its credentials); absent = no profile. */
  iamRole?: string;
  /** IMDS options as ModifyInstanceMetadataOptions sets them (default: tokens required, hop limit 1, as kops launches). */
  metadataOptions?: { httpTokens: 'required' | 'optional'; httpPutResponseHopLimit: number };
  /** The launch template's user data (instances an Auto Scaling group launched). */
  userData?: string;
}

export interface PrivateIpRecord {
  address: string;
  primary: boolean;
}

export interface NetworkInterfaceRecord {
  networkInterfaceId: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  description: string;
  macAddress: string;
  groupIds: string[];
  tags: Tags;
  sourceDestCheck: boolean;
  privateIps: PrivateIpRecord[];
  /** The Amazon-owned public IP auto-assigned to the primary private IP (lost when an EIP covers it). */
  autoPublicIp?: string;
  attachment?: {
    attachmentId: string;
    instanceId: string;
    deviceIndex: number;
    attachTime: string;
    deleteOnTermination: boolean;
  };
}

export interface AddressRecord {
  allocationId: string;
  publicIp: string;
  tags: Tags;
  association?: { associationId: string; networkInterfaceId: string; privateIpAddress: string };
}

export interface AliasTarget {
  hostedZoneId: string;
  dnsName: string;
  evaluateTargetHealth: boolean;
}

/** A Route 53 record set; `name` is canonical: unescaped, lower-case, with the trailing dot. */
export interface RecordSetRecord {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  alias?: AliasTarget;
  setIdentifier?: string;
  weight?: number;
  region?: string;
  failover?: string;
  multiValueAnswer?: boolean;
  healthCheckId?: string;
}

export interface HostedZoneRecord {
  /** Bare id (`Z…`); responses add the `/hostedzone/` prefix. */
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  records: RecordSetRecord[];
}

export interface KeyPairRecord {
  keyPairId: string;
  keyName: string;
  keyType: 'rsa' | 'ed25519';
  keyFingerprint: string;
  publicKeyMaterial: string;
  createTime: string;
  tags: Tags;
}

/** One S3 object version or delete marker; bodies are base64 so the state stays JSON. */
export interface S3VersionRecord {
  versionId: string;
  deleteMarker: boolean;
  lastModified: string;
  body?: string;
  etag?: string;
  size?: number;
  contentType?: string;
  serverSideEncryption?: string;
}

export interface BucketRecord {
  name: string;
  region: string;
  creationDate: string;
  /** Absent = never enabled (objects get version id "null"). */
  versioning?: 'Enabled' | 'Suspended';
  encryption: { sseAlgorithm: string; kmsMasterKeyId?: string; bucketKeyEnabled?: boolean };
  publicAccessBlock?: {
    blockPublicAcls: boolean;
    ignorePublicAcls: boolean;
    blockPublicPolicy: boolean;
    restrictPublicBuckets: boolean;
  };
  tags?: Tags;
  /** Per key, oldest first; the last entry is the current version (or a delete marker). */
  objects: Record<string, S3VersionRecord[]>;
}

/** What an Auto Scaling group launches: a launch template's share the lifecycle needs. */
export interface LaunchTemplateRecord {
  instanceType: string;
  imageId: string;
  securityGroupIds: string[];
  keyName?: string;
  /** Tags every launched instance and its interface get (kops: KubernetesCluster, instancegroup, role). */
  tags: Tags;
  userData?: string;
  /** The instance profile's role every launched instance gets (kops: masters.<c> / nodes.<c>). */
  iamRole?: string;
}

export interface AutoScalingGroupRecord {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  subnetId: string;
  template: LaunchTemplateRecord;
  /** The group's own tags (kops tags its groups like its instances). */
  tags: Tags;
  /** Instances the group holds (running or pending), oldest first. */
  instances: string[];
}

export interface ChangeRecord {
  id: string;
  submittedAt: string;
  comment?: string;
  pendingPollsLeft: number;
}

/** An IAM role's inline policy statements (only what the emulator's evaluator understands; see iam/policy.ts). */
export interface IamRoleRecord {
  roleName: string;
  statements: import('./iam/policy.js').PolicyStatement[];
}

/** Temporary credentials IMDS handed to an instance for its role. */
export interface IamSessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  roleName: string;
  instanceId: string;
  issuedAt: string;
  expiration: string;
}

export interface EmulatorData {
  accountId: string;
  region: string;
  /** EC2-VPC Elastic IPs quota (L-0263D0A3); drives AddressLimitExceeded and both quota views. */
  eipQuota: number;
  vpcs: Record<string, VpcRecord>;
  subnets: Record<string, SubnetRecord>;
  securityGroups: Record<string, SecurityGroupRecord>;
  instances: Record<string, InstanceRecord>;
  networkInterfaces: Record<string, NetworkInterfaceRecord>;
  addresses: Record<string, AddressRecord>;
  hostedZones: Record<string, HostedZoneRecord>;
  changes: Record<string, ChangeRecord>;
  /** IAM roles by name, and the sessions IMDS issued by access key id (both absent in older state files). */
  iamRoles?: Record<string, IamRoleRecord>;
  iamSessions?: Record<string, IamSessionRecord>;
  /** ECR repositories, images (metadata only; bytes are in the registry's blob directory) and tokens. */
  ecr: EcrData;
  keyPairs?: Record<string, KeyPairRecord>;
  /** S3 buckets: one global namespace; each bucket lives in one region. */
  buckets?: Record<string, BucketRecord>;
  /** Auto Scaling groups of the emulator's own region (absent in older state files); see autoscaling.ts. */
  autoScalingGroups?: Record<string, AutoScalingGroupRecord>;
  /**
   * The state of every region other than the emulator's own (whose state is the top level, so
   * seeds, state files and views from before regions existed keep their meaning).
   */
  regions?: Record<string, RegionalData>;
  /** Only in a request's view: public IPs other regions hold (public addresses are unique). */
  foreignPublicIps?: string[];
  /** Per-prefix counters behind deterministic ids. */
  counters: Record<string, number>;
}

/** The fields each region has its own copy of. */
export const REGIONAL_KEYS = [
  'eipQuota',
  'vpcs',
  'subnets',
  'securityGroups',
  'instances',
  'networkInterfaces',
  'addresses',
  'keyPairs',
] as const;
export type RegionalData = Pick<EmulatorData, (typeof REGIONAL_KEYS)[number]>;

export function emptyRegion(): RegionalData {
  return {
    eipQuota: 5,
    vpcs: {},
    subnets: {},
    securityGroups: {},
    instances: {},
    networkInterfaces: {},
    addresses: {},
    keyPairs: {},
  };
}

/** What `state()` and GET /_sandbox/state return: a deep copy of the data. */
export type EmulatorStateView = EmulatorData;

export function emptyData(accountId: string, region: string): EmulatorData {
  return {
    accountId,
    region,
    eipQuota: 5,
    vpcs: {},
    subnets: {},
    securityGroups: {},
    instances: {},
    networkInterfaces: {},
    addresses: {},
    hostedZones: {},
    changes: {},
    ecr: emptyEcrData(),
    counters: {},
  };
}
