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

/** The ENI tag that records which secondary private IP is ours (value: the address). */
export const SECONDARY_IP_TAG = 'solokube.io/secondary-ip';

/** Stands for the secondary address in the NAT rules template the script fills in at boot. */
export const SECONDARY_IP_PLACEHOLDER = '@SECONDARY_IP@';
