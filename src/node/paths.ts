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

/**
 * The prefix length the secondary address gets on the interface. Never the subnet's: an address in
 * the primary's subnet prefix is the kernel's "secondary" of that prefix, and when the primary is
 * acquired again (DHCP on EC2 after a lease loss, a networkd reconfigure) the kernel promotes it to
 * the prefix's first address and makes it the source of everything the node sends, cutting the
 * node's path to the instance metadata service (which answers only the primary). A /32 is a prefix
 * of its own, never promoted, and source selection towards the gateway keeps choosing the address
 * whose prefix holds the gateway (the primary). AWS delivers to the ENI whatever the prefix on it.
 */
export const SECONDARY_ADDRESS_PREFIX_LENGTH = 32;
