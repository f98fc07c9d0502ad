#!/bin/sh
# Managed by solokube for cluster c1.example.com; run by solokube-secondary-ip.service.
# Idempotent: `ip addr replace` and `nft -f` (which replaces our table) can run any number of times.
set -eu
iface=ens5
address=198.18.3.7/32
rules=/etc/solokube/nat-rules.nft

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
