// Stable ids of the node resources (the engine orders and reports by them).
export const NODE_RESOURCE_IDS = {
  packages: 'node/packages',
  secondaryAddress: 'node/secondary-address',
  redirectRules: 'node/redirect-rules',
  proxyConfig: 'node/proxy-config',
  bootUnit: 'node/boot-unit',
} as const;

/**
 * How long each node step may take, apply included (the engine's deadline bounds apply). Only the
 * packages step runs apt (waiting for the dpkg lock, then downloading); HAProxy may take a while to
 * report on a reload; the rest run a few quick commands.
 */
export const NODE_RESOURCE_DEADLINE_MS: Readonly<Record<string, number>> = {
  [NODE_RESOURCE_IDS.packages]: 900_000,
  [NODE_RESOURCE_IDS.secondaryAddress]: 120_000,
  [NODE_RESOURCE_IDS.redirectRules]: 120_000,
  [NODE_RESOURCE_IDS.proxyConfig]: 300_000,
  [NODE_RESOURCE_IDS.bootUnit]: 120_000,
};

/**
 * How the node resources depend on each other: packages and the address first, the boot unit
 * last. Rules and proxy need the packages step, so apt never runs twice at once.
 */
export const NODE_RESOURCE_DEPENDS_ON: Readonly<Record<string, readonly string[]>> = {
  [NODE_RESOURCE_IDS.packages]: [],
  [NODE_RESOURCE_IDS.secondaryAddress]: [],
  [NODE_RESOURCE_IDS.redirectRules]: [NODE_RESOURCE_IDS.secondaryAddress, NODE_RESOURCE_IDS.packages],
  [NODE_RESOURCE_IDS.proxyConfig]: [NODE_RESOURCE_IDS.secondaryAddress, NODE_RESOURCE_IDS.packages],
  [NODE_RESOURCE_IDS.bootUnit]: [
    NODE_RESOURCE_IDS.secondaryAddress,
    NODE_RESOURCE_IDS.redirectRules,
    NODE_RESOURCE_IDS.proxyConfig,
  ],
};
