// Stable ids of the node resources (the engine orders and reports by them).
export const NODE_RESOURCE_IDS = {
  secondaryAddress: 'node/secondary-address',
  redirectRules: 'node/redirect-rules',
  proxyConfig: 'node/proxy-config',
  bootUnit: 'node/boot-unit',
} as const;
