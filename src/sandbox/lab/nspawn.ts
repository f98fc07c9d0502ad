// How the lab launches the node: systemd-nspawn booting systemd, run inside the gateway namespace
// with its own veth on the VPC bridge. Each launch creates a new network namespace for the node,
// so every boot (including after `systemctl reboot`) starts from a fresh network stack.
import { GW_BRIDGE } from './addresses.js';

/** The exit code systemd-nspawn uses when the container asked for a reboot. */
export const NSPAWN_REBOOT_EXIT_CODE = 133;

export interface NspawnLaunch {
  root: string;
  machineName: string;
  /** e.g. "1" or "0-1": pins the whole container (its data path) to these CPUs. */
  cpus?: string | undefined;
  /** Host folders bound read-only into the container (static binaries from the host's caches). */
  bindsRo?: readonly { host: string; node: string }[] | undefined;
  /** Host folders bound read-write (state that outlives the node, e.g. etcd's data). */
  bindsRw?: readonly { host: string; node: string }[] | undefined;
}

export function nspawnArgv(l: NspawnLaunch): string[] {
  return [
    'systemd-nspawn',
    '--quiet',
    // No machined on the host to register with; the lab tracks the container by PID instead.
    '--register=no',
    '--keep-unit',
    '--boot',
    `--directory=${l.root}`,
    `--machine=${l.machineName}`,
    `--network-bridge=${GW_BRIDGE}`,
    '--console=read-only',
    '--link-journal=no',
    '--resolv-conf=off',
    '--timezone=off',
    ...(l.cpus ? [`--cpu-affinity=${l.cpus}`] : []),
    ...(l.bindsRo ?? []).map((b) => `--bind-ro=${b.host}:${b.node}`),
    ...(l.bindsRw ?? []).map((b) => `--bind=${b.host}:${b.node}`),
  ];
}
