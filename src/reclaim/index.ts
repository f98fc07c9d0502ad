// The boot-time reclaim: after an instance replacement the node takes back its secondary private IP
// and the cluster's Elastic IP by itself. Pure renderers; the node runs what they produce.
export { reclaimSpecFor, natTemplateSpec } from './spec.js';
export type { ReclaimSpec } from './spec.js';
export { renderReclaimScript, elasticIpFilters } from './render-script.js';
export { renderReclaimUnit } from './render-unit.js';
export { renderReclaimPolicyStatements } from './render-policy.js';
export type { PolicyStatement } from './render-policy.js';
export {
  reclaimAdditionalUserData,
  reclaimAdditionalPolicies,
  renderReclaimCloudConfig,
  renderReclaimKopsFragments,
} from './render-kops.js';
export type { AdditionalUserData } from './render-kops.js';
export { parseReclaimState } from './state.js';
export type { ReclaimLastRun, ReclaimStatus } from './state.js';
export { RECLAIM_PATHS, RECLAIM_UNIT_NAME, SECONDARY_IP_TAG_PREFIX, SECONDARY_IP_PLACEHOLDER } from './paths.js';
