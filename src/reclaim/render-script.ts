// The reclaim script: the per-cluster settings, the NAT rules `up` would write (with the secondary
// address left as a placeholder), then the fixed body in script-body.ts.

import { MANAGED_MARKER, NFT_TABLE, NODE_PATHS, SECONDARY_ADDRESS_PREFIX_LENGTH } from '../node/paths.js';
import { renderNatRules } from '../node/render-nat.js';
import { renderNetworkdDropIn } from '../node/resources/secondary-address.js';
import {
  INTERFACE_PLACEHOLDER,
  RECLAIM_PATHS,
  RECLAIM_UNIT_NAME,
  SECONDARY_IP_PLACEHOLDER,
  SECONDARY_IP_TAG_PREFIX,
} from './paths.js';
import { RECLAIM_SCRIPT_BODY } from './script-body.js';
import { natTemplateSpec, type ReclaimSpec } from './spec.js';

/** EC2 Query filters selecting the cluster's apps Elastic IP by its tags. */
export function elasticIpFilters(spec: ReclaimSpec): string {
  return spec.elasticIpTags
    .map(
      (t, i) =>
        `Filter.${i + 1}.Name=${encodeURIComponent(`tag:${t.key}`)}&Filter.${i + 1}.Value.1=${encodeURIComponent(t.value)}`,
    )
    .join('&');
}

/** Single-quoted for sh; every value here is validated already, this only keeps it inert. */
function sq(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function renderReclaimScript(spec: ReclaimSpec): string {
  const rules = renderNatRules(natTemplateSpec(spec));
  if (rules.includes('EOF_RULES')) throw new Error('the NAT rules contain the here-document delimiter');
  const dropIn = renderNetworkdDropIn({ ...natTemplateSpec(spec), interface: INTERFACE_PLACEHOLDER });
  if (dropIn.includes('EOF_DROP_IN')) throw new Error('the drop-in contains the here-document delimiter');
  return `#!/bin/sh
${MANAGED_MARKER} for cluster ${spec.clusterName}; run by ${RECLAIM_UNIT_NAME} at every boot.
# After an instance replacement the new network interface has no secondary private IP and the
# Elastic IP sits unattached. This script asks the instance metadata service (IMDSv2) who this
# instance is and for its role's temporary credentials, then makes EC2 agree (a secondary private IP
# of ours on its own interface, recorded as ${SECONDARY_IP_TAG_PREFIX}<ip>, with the cluster's Elastic IP on it) and
# sets on the node the address and redirect rules \`solokube up\` sets. It looks before it changes,
# so a rerun changes nothing; it tries every change as a dry run first, so missing permissions stop
# it before anything changed. Its last result goes to ${RECLAIM_PATHS.state} for \`solokube doctor\`.
set -u
umask 022

CLUSTER=${sq(spec.clusterName)}
UNIT=${RECLAIM_UNIT_NAME}
EIP_FILTERS=${sq(elasticIpFilters(spec))}
EIP_DESCRIPTION=${sq(spec.elasticIpTags.map((t) => `${t.key}=${t.value}`).join(', '))}
CLUSTER_Q=${sq(encodeURIComponent(spec.clusterName))}
SECONDARY_TAG_PREFIX=${sq(SECONDARY_IP_TAG_PREFIX)}
SECONDARY_TAG_PREFIX_Q=${sq(encodeURIComponent(SECONDARY_IP_TAG_PREFIX))}
ADDRESS_PREFIX=${SECONDARY_ADDRESS_PREFIX_LENGTH}
STATE_FILE=${RECLAIM_PATHS.state}
RULES_FILE=${NODE_PATHS.natRules}
NFT_TABLE=${NFT_TABLE}
PLACEHOLDER=${SECONDARY_IP_PLACEHOLDER}
IFACE_PLACEHOLDER=${INTERFACE_PLACEHOLDER}
# Overrides from ${RECLAIM_PATHS.environment} (the sandbox's emulator, a test's retry budget); empty on AWS.
EC2_ENDPOINT=\${SOLOKUBE_EC2_ENDPOINT:-}
ATTEMPTS=\${SOLOKUBE_RECLAIM_ATTEMPTS:-6}
case "$ATTEMPTS" in ''|*[!0-9]*) ATTEMPTS=6 ;; esac

# The rules solokube up writes to ${NODE_PATHS.natRules}, for the address the run settles on.
nat_rules() {
  cat <<'EOF_RULES'
${rules}EOF_RULES
}

# The systemd-networkd drop-in solokube up writes beside the interface's .network file.
networkd_drop_in() {
  cat <<'EOF_DROP_IN'
${dropIn}EOF_DROP_IN
}
${RECLAIM_SCRIPT_BODY}`;
}
