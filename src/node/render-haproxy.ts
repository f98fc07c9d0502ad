// haproxy.cfg for `proxy: haproxy`. Pure: the same spec always renders the same bytes (golden-tested).
//
// Targets: the API server on the primary address; the ingress NodePorts also on the primary address,
// not 127.0.0.1 — kube-proxy answers NodePorts on 127.0.0.1 only in iptables mode with
// route_localnet (IPVS and nftables modes, and Cilium's kube-proxy replacement, do not), while every
// implementation answers on the node's primary address.
//
// Tuning, measured with the lab benchmark (node on one CPU, nginx stand-in, A/B runs alternating
// floor and path, CPU per request from /proc for HAProxy, nginx and journald):
// - Per-connection logging (`option tcplog`/`httplog` to /dev/log) cost journald 47-59 us of the
//   node's CPU per connection, about 7% of a new-connection request through this hop; dropping it
//   gave +5-8% new-connection req/s. Keep-alive requests are unaffected (one line per connection).
// - Keep-alive small responses are not limited by anything configurable: HAProxy's own code is
//   ~3-5% of its CPU samples; per request it makes exactly 2 recv + 2 send + ~0.5 epoll_wait (no
//   EAGAIN retries, no epoll_ctl), and the hop adds exactly 2 TCP segments per request (one each
//   way on loopback), no pure ACKs. The rest is the kernel delivering those segments and switching
//   between HAProxy and the ingress. Tried without a difference beyond noise: backend 127.0.0.1 instead of the
//   primary address, profiling.tasks off (the clock_gettime calls stay), tune.fd.edge-triggered,
//   option splice-auto, tune.bufsize 65536, tune.{rcv,snd}buf.* 256 KB (also with 16 KB responses),
//   tcp-smart-accept/-connect. HAProxy already runs one thread on a one-CPU node (nbthread follows
//   the CPU affinity), so no thread setting is needed.
import type { NodeSpec } from './spec.js';
import { MANAGED_MARKER } from './paths.js';

export function renderHaproxyConfig(spec: NodeSpec): string {
  const p = spec.ports;
  const proxyV2 = spec.proxyProtocol ? ' send-proxy-v2' : '';
  const apiNames = spec.apiServerNames.join(' ');
  return `${MANAGED_MARKER} for cluster ${spec.clusterName}: TLS SNI routing for the secondary address.
# Rewritten by \`solokube proxy setup\`; \`solokube proxy remove\` restores the file it replaced.
# Edits here are overwritten.

global
    # HAProxy's own messages (start, reload, alerts) still reach the journal.
    log /dev/log local0
    chroot /var/lib/haproxy
    user haproxy
    group haproxy
    daemon
    # No maxconn: HAProxy derives it from the file-descriptor limit systemd gives it, so it never
    # asks for more descriptors than the unit allows (a fixed value fails to load where it does).

defaults
    # No per-connection log lines: each is a datagram journald must parse and store, a cost on
    # the node's CPU for every new connection, repeating what the ingress logs per request. To
    # debug, add \`log global\` and \`option tcplog\` to a frontend (until the next setup).
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # WebSockets and other upgraded or long-lived connections.
    timeout tunnel 1h
    timeout client-fin 10s

# <secondary>:443 arrives here through the NAT REDIRECT, which rewrites the destination to the
# primary address: hence all addresses. The rules send only the secondary address's 443 here.
frontend tls_sni
    mode tcp
    bind 0.0.0.0:${p.proxyHttps}
    tcp-request inspect-delay 5s
    tcp-request content accept if { req_ssl_hello_type 1 }
    use_backend kube_apiserver if { req_ssl_sni -i ${apiNames} }
    default_backend ingress_https

backend kube_apiserver
    mode tcp
    server apiserver ${spec.primaryIp}:${p.apiServer}

backend ingress_https
    mode tcp
    server ingress ${spec.primaryIp}:${p.ingressHttps}${proxyV2}

frontend http
    mode http
    bind ${spec.secondaryIp}:80
    option forwardfor
    default_backend ingress_http

backend ingress_http
    mode http
    server ingress ${spec.primaryIp}:${p.ingressHttp}${proxyV2}

# Statistics for people on the node only (ssh -L ${p.stats}:127.0.0.1:${p.stats}); never public.
frontend stats
    mode http
    bind 127.0.0.1:${p.stats}
    stats enable
    stats uri /
    stats refresh 10s
`;
}

/** Drop-in making haproxy.service start after (and pull in) the unit that adds the secondary address. */
export function renderHaproxyDropIn(spec: NodeSpec, bootUnitName: string): string {
  return `${MANAGED_MARKER} for cluster ${spec.clusterName}: HAProxy binds ${spec.secondaryIp}:80, so it starts after that address exists.
[Unit]
Wants=${bootUnitName}
After=${bootUnitName}
`;
}
