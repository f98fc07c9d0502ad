// STAND-IN for the CNI plugin, for the pods the lab's pod runner starts that are NOT hostNetwork
// (Traefik behind its NodePorts in `proxy: haproxy` mode): each gets a network namespace of its
// own in the node, holding the pod IP kwok gave it, joined to the node by a veth pair, as a pod
// network would. The node routes the pod IP to it and forwards for it (to the app pods' namespace,
// app-pods.ts); what the pod sends to the internet side leaves masqueraded as the node's address
// (as kops' CNIs do for traffic leaving the cluster), so pebble's answers find their way back. The
// Kubernetes API is the node's own address (kube-apiserver on *:443). The pod runner runs these
// shell lines on every sync (each is safe to run again), so a node reboot, which loses every
// namespace, gets the network back; the pod's unit joins the namespace (NetworkNamespacePath).
// (Made from the unit itself, the namespace was not visible to the unit's own program: its mount
// namespace, for the pod's volumes, did not receive the /run/netns mount.)
// Only checked names (hex) and IPv4 addresses reach the lines.

import { createHash } from 'node:crypto';
import { INTERFACE_RE, isIpv4 } from '../../config/validators.js';

/** The lab's pod range: kwok's on the lab node (node-control-plane.ts), and what the egress masquerades. */
export const LAB_POD_RANGE = '198.18.128.0/18';
const EGRESS_TABLE = 'solokube_lab_pod_egress';

export interface PodNetwork {
  /** `skl-p-<hash>`: the pod's network namespace. */
  netns: string;
  /** `skp<hash>`: the node's end of the veth pair (the pod's end is eth0). */
  hostLink: string;
  podIp: string;
  /** The node's primary address: the pod's gateway and its Kubernetes API. */
  nodeAddress: string;
  /** The node's interface to the VPC, where the pod's egress is masqueraded. */
  nodeInterface: string;
}

export function podNetwork(podUid: string, podIp: string, nodeAddress: string, nodeInterface: string): PodNetwork {
  for (const ip of [podIp, nodeAddress]) if (!isIpv4(ip)) throw new Error(`not an IPv4 address: ${JSON.stringify(ip)}`);
  if (!INTERFACE_RE.test(nodeInterface)) throw new Error(`not an interface name: ${JSON.stringify(nodeInterface)}`);
  const id = createHash('sha256').update(podUid).digest('hex').slice(0, 10);
  return { netns: `skl-p-${id}`, hostLink: `skp${id}`, podIp, nodeAddress, nodeInterface };
}

/** Shell line making the pod's network (idempotent). */
export function podNetworkUp(n: PodNetwork): string {
  return [
    'set -e',
    // A name without a live namespace behind it (left by a crash or a reboot) is made again.
    `ip -n ${n.netns} link show lo >/dev/null 2>&1 || { ip netns del ${n.netns} 2>/dev/null || true; rm -f /run/netns/${n.netns}; ip netns add ${n.netns}; }`,
    `ip link show ${n.hostLink} >/dev/null 2>&1 || ip link add ${n.hostLink} type veth peer name eth0 netns ${n.netns}`,
    `ip link set ${n.hostLink} up`,
    `ip -n ${n.netns} link set lo up`,
    `ip -n ${n.netns} link set eth0 up`,
    `ip -n ${n.netns} address replace ${n.podIp}/32 dev eth0`,
    `ip -n ${n.netns} route replace default via ${n.nodeAddress} dev eth0 onlink`,
    `ip route replace ${n.podIp}/32 dev ${n.hostLink}`,
    // A node of a real cluster forwards for its pods; the lab's does from the first such pod on.
    'sysctl -qw net.ipv4.ip_forward=1',
    `nft add table ip ${EGRESS_TABLE}`,
    `nft 'add chain ip ${EGRESS_TABLE} postrouting { type nat hook postrouting priority srcnat; policy accept; }'`,
    `nft list chain ip ${EGRESS_TABLE} postrouting | grep -q masquerade || nft add rule ip ${EGRESS_TABLE} postrouting oifname ${n.nodeInterface} ip saddr ${LAB_POD_RANGE} masquerade`,
  ].join('; ');
}

const POD_NETNS = /^skl-p-[0-9a-f]{10}$/;

/** A network namespace name this file gives out. */
export function isPodNetns(name: string): boolean {
  return POD_NETNS.test(name);
}

/** Shell line removing a pod's network (the veth pair, and the route over it, go with the namespace). */
export function podNetworkDown(netns: string): string {
  if (!isPodNetns(netns)) throw new Error(`not a pod network namespace: ${JSON.stringify(netns)}`);
  return `ip netns del ${netns} 2>/dev/null; true`;
}
