// What can be seeded into the emulator (programmatically with `seed()` or as JSON with
// POST /_sandbox/seed). Seeding only ADDS: an object whose id (or, for objects seeded without an
// id, whose natural key: an address's public IP, a zone's name, a record's name+type+set id)
// already exists is left exactly as it is, so re-seeding a reused emulator is harmless.
// Ids left out are generated. References (vpcId, subnetId, …) must name objects that exist after
// the earlier sections of the same seed are applied, in the order of the fields below.

export type SeedTags = Record<string, string>;

export interface EmulatorSeed {
  /** EC2-VPC Elastic IPs quota (Service Quotas L-0263D0A3, DescribeAccountAttributes vpc-max-elastic-ips, AddressLimitExceeded). Default 5. */
  eipQuota?: number;
  vpcs?: SeedVpc[];
  subnets?: SeedSubnet[];
  securityGroups?: SeedSecurityGroup[];
  /** Each instance gets its primary ENI (device index 0) created with it. */
  instances?: SeedInstance[];
  /** Extra ENIs, attached (device index ≥ 1) or not. */
  networkInterfaces?: SeedNetworkInterface[];
  /** Elastic IPs already allocated, e.g. "foreign" ones that belong to someone else; they count against the quota. */
  addresses?: SeedAddress[];
  /** Public or private hosted zones; the apex SOA and NS sets are created automatically. */
  hostedZones?: SeedHostedZone[];
  records?: SeedRecordSet[];
}

export interface SeedVpc {
  vpcId?: string;
  cidrBlock: string;
  isDefault?: boolean;
  tags?: SeedTags;
}

export interface SeedSubnet {
  subnetId?: string;
  vpcId: string;
  cidrBlock: string;
  /** Default `<region>a`. */
  availabilityZone?: string;
  /** Instances launched here get an auto-assigned public IP. Default true. */
  mapPublicIpOnLaunch?: boolean;
  tags?: SeedTags;
}

export interface SeedRule {
  /** `tcp`, `udp`, `icmp` or `-1` (all). */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  /** Exactly one peer. */
  cidrIp?: string;
  cidrIpv6?: string;
  groupId?: string;
  prefixListId?: string;
  description?: string;
}

export interface SeedSecurityGroup {
  groupId?: string;
  groupName: string;
  description?: string;
  vpcId: string;
  tags?: SeedTags;
  ingress?: SeedRule[];
  /** Default: allow everything out, like a new group on AWS. */
  egress?: SeedRule[];
}

export interface SeedInstance {
  instanceId?: string;
  /** Decides the per-ENI private IP limit. Default t3.medium. */
  instanceType?: string;
  imageId?: string;
  /** Default running. */
  state?: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
  subnetId: string;
  /** Primary private IP; default the lowest free address of the subnet. */
  privateIpAddress?: string;
  /** Secondary private IPs already on the primary ENI. */
  secondaryPrivateIpAddresses?: string[];
  /** The auto-assigned public IP; default: the lowest free address of the emulator's public pool when the subnet maps public IPs on launch. */
  publicIp?: string;
  /** Set false for no public IP at all. */
  associatePublicIp?: boolean;
  /** Groups of the primary ENI. */
  securityGroupIds?: string[];
  /** Id of the primary ENI; generated when absent. */
  networkInterfaceId?: string;
  keyName?: string;
  launchTime?: string;
  tags?: SeedTags;
  /** MAC of the primary ENI (e.g. the lab node's interface); generated when absent. */
  macAddress?: string;
  /** Role of the instance profile; IMDS serves its credentials (see putRolePolicy). */
  iamRole?: string;
  /** IMDS options; default tokens required and hop limit 1, as kops launches control planes. */
  metadataOptions?: { httpTokens?: 'required' | 'optional'; httpPutResponseHopLimit?: number };
}

export interface SeedNetworkInterface {
  networkInterfaceId?: string;
  subnetId: string;
  /** The first one is the primary; default one lowest-free address. */
  privateIpAddresses?: string[];
  groupIds?: string[];
  description?: string;
  tags?: SeedTags;
  attachment?: { instanceId: string; deviceIndex: number };
}

export interface SeedAddress {
  allocationId?: string;
  /** Default: the lowest free address of the public pool. */
  publicIp?: string;
  tags?: SeedTags;
  /** Associate it right away with an ENI (or an instance's primary ENI) and one of its private IPs (default the primary). */
  association?: { networkInterfaceId?: string; instanceId?: string; privateIpAddress?: string };
}

export interface SeedHostedZone {
  /** Bare id (`Z…`), generated when absent. */
  id?: string;
  name: string;
  privateZone?: boolean;
  comment?: string;
  callerReference?: string;
}

export interface SeedRecordSet {
  /** The zone, by name (`example.com`) or id (`Z…` or `/hostedzone/Z…`). */
  zone: string;
  name: string;
  type: string;
  ttl?: number;
  values?: string[];
  /** Resolve the value at seed time to this instance's public IP (how kops' dns-controller points `api.<cluster>`). */
  publicIpOfInstance?: string;
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth?: boolean };
  setIdentifier?: string;
  weight?: number;
}
