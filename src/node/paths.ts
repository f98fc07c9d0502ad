// Where solokube puts things on a node. Every file here is solokube's own (or, for haproxy.cfg, taken
// over with a backup of the previous one), so removal deletes exactly these and nothing else.

export const NODE_PATHS = {
  /** The NAT rules, loaded with `nft -f` (it replaces table ip solokube wholesale). */
  natRules: '/etc/solokube/nat-rules.nft',
  /** The script the boot unit runs. */
  bootScript: '/usr/local/lib/solokube/secondary-ip-up.sh',
  bootUnit: '/etc/systemd/system/solokube-secondary-ip.service',
  /** Debian's haproxy.service reads this file; solokube owns it while set up. */
  haproxyConfig: '/etc/haproxy/haproxy.cfg',
  /** The haproxy.cfg that was there before solokube, restored on removal. */
  haproxyBackup: '/etc/haproxy/haproxy.cfg.before-solokube',
  /** Candidate config, checked with `haproxy -c` before it replaces the live one. */
  haproxyCandidate: '/etc/haproxy/haproxy.cfg.solokube-new',
  /** Orders haproxy.service after the boot unit and pulls it in. */
  haproxyDropIn: '/etc/systemd/system/haproxy.service.d/50-solokube.conf',
} as const;

export const BOOT_UNIT_NAME = 'solokube-secondary-ip.service';
export const NFT_TABLE = 'solokube';
/** The first line of every file solokube writes; how find() tells ours from anyone else's. */
export const MANAGED_MARKER = '# Managed by solokube';
