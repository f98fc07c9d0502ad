// The systemd unit that runs the reclaim script at every boot.
//
// Ordered before haproxy.service, whose config binds <secondary>:80 and so needs the address. It is
// deliberately NOT ordered before kubelet.service: the redirect rules match only the secondary
// address, so an ingress listening on the node (proxy: direct) may start at any time and simply
// receives traffic once the rules exist, while holding kubelet back would hold back the API server
// for as long as EC2 retries take. Oneshot without RemainAfterExit: `systemctl start` runs it again.

import { MANAGED_MARKER } from '../node/paths.js';
import { RECLAIM_PATHS, RECLAIM_UNIT_NAME } from './paths.js';
import type { ReclaimSpec } from './spec.js';

export function renderReclaimUnit(spec: ReclaimSpec): string {
  return `${MANAGED_MARKER} for cluster ${spec.clusterName}.
[Unit]
Description=solokube: reclaim the secondary private IP and Elastic IP of ${spec.clusterName} on this instance
Wants=network-online.target
After=network-online.target
Before=haproxy.service
# Every start is a boot or an operator's restart (the script's errors say when to restart); none
# is automatic, so systemd's start rate limit would only refuse a person retrying by hand.
StartLimitIntervalSec=0

[Service]
Type=oneshot
EnvironmentFile=-${RECLAIM_PATHS.environment}
ExecStart=${RECLAIM_PATHS.script}
SyslogIdentifier=solokube-reclaim
# Retries are bounded inside the script (about 25 s per step); this is the outer bound.
TimeoutStartSec=300

[Install]
WantedBy=multi-user.target
`;
}

export { RECLAIM_UNIT_NAME };
