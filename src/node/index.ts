// The node layer's public surface: the spec, the shells, the renderers and nodeResources(), which the
// CLI (`solokube proxy setup|status|remove`, `up`, `down`) and the sandbox plan and apply.

import type { Resource } from '../core/resource.js';
import type { NodeShell } from './shell.js';
import type { NodeSpec } from './spec.js';
import type { NodeOutline } from './spec.js';
import { bootUnit, outlineBootUnit } from './resources/boot-unit.js';
import { nodePackages, outlinePackages } from './resources/packages.js';
import { outlineProxyConfig, proxyConfig } from './resources/proxy-config.js';
import { outlineRedirectRules, redirectRules } from './resources/redirect-rules.js';
import { outlineSecondaryAddress, secondaryAddress } from './resources/secondary-address.js';
import { NODE_RESOURCE_IDS } from './resources/ids.js';

export { parseNodeSpec, DEFAULT_PORTS } from './spec.js';
export type { NodeOutline, NodeSpec, NodeSpecInput, NodePorts, ProxyMode } from './spec.js';
export type { NodeShell, RunOptions, RunResult } from './shell.js';
export { NodeCommandError, NodeCommandTimeoutError } from './shell.js';
export { SshShell, SshConnectError } from './ssh-shell.js';
export type { SshShellOptions } from './ssh-shell.js';
export { LocalShell } from './local-shell.js';
export type { LocalShellOptions } from './local-shell.js';
export { quoteArg, quoteCommand } from './shell-quote.js';
export { HostKeyChangedError, HostKeyUnknownError, defaultKnownHostsPath, fingerprint } from './host-keys.js';
export { renderHaproxyConfig, renderHaproxyDropIn } from './render-haproxy.js';
export { renderNatRules } from './render-nat.js';
export { renderBootUnit } from './render-boot.js';
export { NODE_PATHS, BOOT_UNIT_NAME, NFT_TABLE, SECONDARY_ADDRESS_PREFIX_LENGTH } from './paths.js';
export { NODE_RESOURCE_DEADLINE_MS, NODE_RESOURCE_DEPENDS_ON, NODE_RESOURCE_IDS } from './resources/ids.js';
export { discoverNodeLayout } from './discover.js';
export type { NodeLayout } from './discover.js';
export { ProxyReloadError } from './resources/haproxy-service.js';
export { InterfaceMissingError } from './resources/secondary-address.js';
export { ProxyConfigInvalidError } from './resources/proxy-config.js';
export { PackageLockError, nodePackages, packagesFor } from './resources/packages.js';
export type { PackageNeed, PackagesOptions, PackagesState } from './resources/packages.js';

/** Each node resource's static description, by id, for `plan --offline` (before the node is known). */
export const NODE_RESOURCE_OUTLINES: Readonly<Record<string, (o: NodeOutline) => Record<string, unknown>>> = {
  [NODE_RESOURCE_IDS.packages]: outlinePackages,
  [NODE_RESOURCE_IDS.secondaryAddress]: outlineSecondaryAddress,
  [NODE_RESOURCE_IDS.redirectRules]: outlineRedirectRules,
  [NODE_RESOURCE_IDS.proxyConfig]: outlineProxyConfig,
  [NODE_RESOURCE_IDS.bootUnit]: outlineBootUnit,
};

/** Everything solokube sets up on the node, in dependency order: packages and address, rules and proxy, boot unit. */
export function nodeResources(spec: NodeSpec, shell: NodeShell): Resource[] {
  return [
    nodePackages(spec, shell),
    secondaryAddress(spec, shell),
    redirectRules(spec, shell),
    proxyConfig(spec, shell),
    bootUnit(spec, shell),
  ] as Resource[];
}
