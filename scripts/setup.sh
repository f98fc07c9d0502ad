#!/usr/bin/env bash
# Installs everything solokube's sandbox and test suite need on a Debian machine (as root), then
# builds. Safe to rerun: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js 20+ is required; the machines we target ship it.
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "solokube needs Node.js 20 or newer on PATH (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# The pinned Go tools' modules (gotools/*/go.mod) download in the background while the packages
# install, so that the first Go build spends its time compiling (measured: about 3.5 min of downloads
# cold). Harmless when it fails or Go is missing: the build fetches what it lacks, and says why.
go_download=
if command -v go >/dev/null; then
  (
    for m in gotools/*/; do
      (cd "$m" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go mod download) || echo "go mod download in $m failed; the build will retry" >&2
    done
  ) &
  go_download=$!
fi

# System packages: the lab node (systemd-nspawn, debootstrap), its network (iproute2, iptables,
# nftables), the client side of the checks (curl, openssl, ssh, dig), pebble (the ACME test CA) and
# wrk for `npm run bench`; podman, buildah and skopeo (with git for the commit tag) build and push
# app images to the emulator's ECR registry; sudo for the node shell's non-root tests.
packages=(systemd-container debootstrap debian-archive-keyring gpgv util-linux iproute2 iptables nftables haproxy openssl curl wrk openssh-client openssh-server ca-certificates podman buildah skopeo git sudo bind9-dnsutils pebble)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# npm packages exactly as locked; skipped when node_modules already matches the lock file.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json .solokube-lock-installed 2>/dev/null; then
  npm ci --no-audit --no-fund >&2
  cp package-lock.json .solokube-lock-installed
fi
npm run build >&2
if [ -n "$go_download" ]; then wait "$go_download" || true; fi
