// Strict validators for every value that can reach a shell, a file on a node, or an API. Kept
// separate from the schema so the node, AWS and sandbox layers use the same definitions on values
// from other sources: this file is the one place that says what an IPv4 address, a DNS name, an
// interface name and a port are.

/** RFC 1123 label: lower-case letters, digits, hyphens; 1–63 chars; no leading/trailing hyphen. */
export const LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A host name of one or more RFC 1123 labels, no trailing dot, ≤ 253 chars (e.g. in /etc/hosts). */
export function isHostName(value: string): boolean {
  return value.length > 0 && value.length <= 253 && value.split('.').every((l) => LABEL_RE.test(l));
}

/** A fully qualified DNS name: a host name of at least two labels (c1.example.com). */
export function isDnsName(value: string): boolean {
  return isHostName(value) && value.includes('.');
}

/** A DNS name under (or equal to) a zone, compared label by label. */
export function isWithinZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

// Dotted quad, no leading zeros (some tools read 010 as octal 8).
const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** The address as an unsigned 32-bit number, or undefined when it is not a plain dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!OCTET.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function isIpv4(value: string): boolean {
  return parseIpv4(value) !== undefined;
}

/**
 * Ranges that can never be an Elastic IP: this network, private (RFC 1918), shared (RFC 6598),
 * loopback, link-local (the metadata service), IETF protocol assignments, multicast, reserved and
 * broadcast. The documentation and benchmarking ranges are not listed: AWS never hands them out,
 * but the emulator and the sandbox use them as stand-ins for public addresses.
 */
const NOT_PUBLIC: readonly [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

/** A dotted-quad IPv4 address that could be a public (internet-routed) address. */
export function isPublicIpv4(value: string): boolean {
  const n = parseIpv4(value);
  if (n === undefined) return false;
  return !NOT_PUBLIC.some(
    ([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(parseIpv4(base)! / 2 ** (32 - bits)),
  );
}

export const MAX_PORT = 65535;

/** A TCP/UDP port; 0 only where it means "pick a free one". */
export function isPort(value: number, opts: { allowZero?: boolean } = {}): boolean {
  return Number.isInteger(value) && value >= (opts.allowZero ? 0 : 1) && value <= MAX_PORT;
}

/** Characters a shell treats specially; paths containing them are refused rather than quoted. */
const SHELL_META_RE = /[\s;&|`$<>(){}[\]*?!#'"\\~\0]/;

/** A file path safe to show, store and quote: printable, no shell metacharacters except a leading ~/. */
export function isSafePath(value: string): boolean {
  if (value.length === 0 || value.length > 4096) return false;
  const rest = value.startsWith('~/') ? value.slice(2) : value;
  return !SHELL_META_RE.test(rest) && /^[\x21-\x7e]+$/.test(rest);
}

/** AWS region such as eu-west-1 or us-gov-west-1. */
export const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** EC2 instance type such as t3.medium or m7i-flex.large. */
export const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/** Kubernetes version as kops takes it: 1.36 or 1.36.3 (optional leading v). */
export const K8S_VERSION_RE = /^v?1\.\d{1,2}(\.\d{1,3})?$/;
/** AWS profile names: conservative, so they can appear in a command line. */
export const PROFILE_RE = /^[A-Za-z0-9_.+=,@-]{1,64}$/;
/**
 * An e-mail address good enough for ACME registration: a dot-atom local part of safe characters
 * (no leading, trailing or double dot) and a lower-case RFC 1123 domain of at least two labels.
 */
export const EMAIL_RE =
  /^(?=[^@]{1,64}@)[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@(?=[^@]{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** A Linux login name for SSH. */
export const SSH_USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
/** A Linux network interface name: IFNAMSIZ is 16 including the terminating NUL. */
export const INTERFACE_RE = /^[a-zA-Z0-9_.-]{1,15}$/;

/** Let's Encrypt's ACME directories, by the names `acme:` accepts. */
export const ACME_DIRECTORIES = Object.freeze({
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
});

/**
 * An ACME directory URL we are willing to put in Traefik's configuration: https, a DNS name or an
 * IPv4 host, an optional port, a plain path; no credentials, query, fragment, spaces or quotes.
 */
export function isAcmeDirectoryUrl(value: string): boolean {
  if (value.length > 512 || !/^https:\/\/[A-Za-z0-9.:/_~-]+$/.test(value)) return false;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return false;
  }
  const host = u.hostname;
  const hostOk = isIpv4(host) || (host.split('.').length >= 1 && host.split('.').every((l) => LABEL_RE.test(l)));
  return (
    u.protocol === 'https:' && hostOk && u.username === '' && u.password === '' && u.search === '' && u.hash === ''
  );
}
