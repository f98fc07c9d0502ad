// Where the reclaim unit lives on a node, and the names it uses. The state file is what `doctor`
// reads to report the unit's last run.

export const RECLAIM_PATHS = {
  script: '/usr/local/lib/solokube/reclaim.sh',
  unit: '/etc/systemd/system/solokube-reclaim.service',
  /** Optional overrides (the sandbox points SOLOKUBE_EC2_ENDPOINT at its emulator); absent on AWS. */
  environment: '/etc/solokube/reclaim.env',
  /** The last run's result, JSON (see state.ts). */
  state: '/var/lib/solokube/reclaim-last.json',
} as const;

export const RECLAIM_UNIT_NAME = 'solokube-reclaim.service';

/**
 * The ENI tag key prefix recording one secondary private IP as the cluster's: key <prefix><ip>,
 * value the cluster name. The same as `up`'s SECONDARY_IP_TAG_PREFIX (src/aws/resources/
 * secondary-private-ip.ts; a test holds them equal), kept here so the node-side renderers do not
 * load the AWS SDK.
 */
export const SECONDARY_IP_TAG_PREFIX = 'solokube.io/secondary-ip/';

/** Stands for the secondary address in the NAT rules template the script fills in at boot. */
export const SECONDARY_IP_PLACEHOLDER = '@SECONDARY_IP@';

/** Stands for the node's interface in the networkd drop-in template the script fills in at boot. */
export const INTERFACE_PLACEHOLDER = '@INTERFACE@';
