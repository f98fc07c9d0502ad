// Stable ids of the node resources (the engine orders and reports by them).
export const NODE_RESOURCE_IDS = {
  secondaryAddress: 'node/secondary-address',
  redirectRules: 'node/redirect-rules',
  proxyConfig: 'node/proxy-config',
  bootUnit: 'node/boot-unit',
} as const;

/** How the node resources depend on each other: the address first, the boot unit last. */
export const NODE_RESOURCE_DEPENDS_ON: Readonly<Record<string, readonly string[]>> = {
  [NODE_RESOURCE_IDS.secondaryAddress]: [],
  [NODE_RESOURCE_IDS.redirectRules]: [NODE_RESOURCE_IDS.secondaryAddress],
  [NODE_RESOURCE_IDS.proxyConfig]: [NODE_RESOURCE_IDS.secondaryAddress],
  [NODE_RESOURCE_IDS.bootUnit]: [NODE_RESOURCE_IDS.secondaryAddress, NODE_RESOURCE_IDS.redirectRules, NODE_RESOURCE_IDS.proxyConfig],
};
