// Strict validators for every value that can reach a shell, a file on a node, or an API. Kept
// separate from the schema so the node and AWS layers can reuse them on values from other sources.

import { isIPv4 } from 'node:net';

/** RFC 1123 label: lower-case letters, digits, hyphens; 1–63 chars; no leading/trailing hyphen. */
export const LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A fully qualified DNS name of RFC 1123 labels, at least two labels, no trailing dot, ≤ 253 chars. */
export function isDnsName(value: string): boolean {
  if (value.length > 253 || value.endsWith('.')) return false;
  const labels = value.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL_RE.test(l));
}

/** A DNS name under (or equal to) a zone, compared label by label. */
export function isWithinZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

export function isIpv4(value: string): boolean {
  return isIPv4(value);
}

export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Characters a shell treats specially; paths containing them are refused rather than quoted. */
const SHELL_META_RE = /[\s;&|`$<>(){}\[\]*?!#'"\\~\0]/;

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
/** Kubernetes version as kops takes it: 1.33 or 1.33.4 (optional leading v). */
export const K8S_VERSION_RE = /^v?1\.\d{1,2}(\.\d{1,3})?$/;
/** AWS profile names: conservative, so they can appear in a command line. */
export const PROFILE_RE = /^[A-Za-z0-9_.+=,@-]{1,64}$/;
/**
 * An e-mail address good enough for ACME registration: a dot-atom local part of safe characters
 * (no leading, trailing or double dot) and a lower-case RFC 1123 domain of at least two labels.
 */
export const EMAIL_RE = /^(?=[^@]{1,64}@)[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@(?=[^@]{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** A Linux login name for SSH. */
export const SSH_USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
/** A network interface name. */
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
  const hostOk = isIPv4(host) || (host.split('.').length >= 1 && host.split('.').every((l) => LABEL_RE.test(l)));
  return u.protocol === 'https:' && hostOk && u.username === '' && u.password === '' && u.search === '' && u.hash === '';
}
