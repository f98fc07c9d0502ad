// Boot persistence: a oneshot unit and the script it runs, restoring the secondary address (as a /32,
// see SECONDARY_ADDRESS_PREFIX_LENGTH) and solokube's NAT table on every boot, before HAProxy starts.
// Only our table is loaded; nothing saves or restores the rest of the node's ruleset.

import type { NodeSpec } from './spec.js';
import { BOOT_UNIT_NAME, MANAGED_MARKER, NODE_PATHS, SECONDARY_ADDRESS_PREFIX_LENGTH } from './paths.js';

export interface BootFiles {
  unit: string;
  script: string;
}

export function renderBootUnit(spec: NodeSpec): BootFiles {
  const address = `${spec.secondaryIp}/${SECONDARY_ADDRESS_PREFIX_LENGTH}`;
  const unit = `${MANAGED_MARKER} for cluster ${spec.clusterName}.
[Unit]
Description=solokube: secondary address ${address} on ${spec.interface} and its redirect rules
Wants=network-online.target
After=network-online.target
Before=haproxy.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${NODE_PATHS.bootScript}

[Install]
WantedBy=multi-user.target
`;
  const script = `#!/bin/sh
${MANAGED_MARKER} for cluster ${spec.clusterName}; run by ${BOOT_UNIT_NAME}.
# Idempotent: \`ip addr replace\` and \`nft -f\` (which replaces our table) can run any number of times.
set -eu
iface=${spec.interface}
address=${address}
rules=${NODE_PATHS.natRules}

# The interface can appear a little after network-online.target on some images; wait up to 30 s.
tries=0
until ip link show dev "$iface" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 60 ]; then
        echo "solokube: interface $iface did not appear" >&2
        exit 1
    fi
    sleep 0.5
done
ip addr replace "$address" dev "$iface"
nft -f "$rules"
`;
  return { unit, script };
}
