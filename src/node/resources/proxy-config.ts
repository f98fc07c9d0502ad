// ProxyConfig: HAProxy's config (solokube's haproxy.cfg, with the previous file kept as a backup),
// the drop-in ordering haproxy.service after the boot unit, and the service running. In direct mode
// the desired state is "no solokube HAProxy routing": the previous config is put back.

import { SolokubeError } from '../../core/errors.js';
import type { Change, Resource } from '../../core/resource.js';
import { diffFields } from '../../core/resource.js';
import { BOOT_UNIT_NAME, MANAGED_MARKER, NODE_PATHS } from '../paths.js';
import { renderHaproxyConfig, renderHaproxyDropIn } from '../render-haproxy.js';
import type { NodeShell } from '../shell.js';
import { withSignal } from '../shell.js';
import type { NodeOutline, NodeSpec } from '../spec.js';
import { NODE_RESOURCE_DEADLINE_MS, NODE_RESOURCE_DEPENDS_ON, NODE_RESOURCE_IDS } from './ids.js';
import { HAPROXY_SERVICE, haproxyActive, startOrReloadHaproxy } from './haproxy-service.js';

export interface ProxyConfigState {
  /** solokube's haproxy.cfg; undefined when the live file is absent or not ours. */
  config: string | undefined;
  dropIn: string | undefined;
  /** haproxy.service active (running); only compared in haproxy mode. */
  active: boolean;
}

export class ProxyConfigInvalidError extends SolokubeError {
  constructor(output: string) {
    super({
      code: 'node.haproxy-config-invalid',
      message: `HAProxy rejected the new configuration; the running one was left in place:\n${output.trim()}`,
      remedy:
        'This usually means an unsupported HAProxy version on the node (solokube needs 2.0 or later); report it with the output above.',
      actor: 'solokube',
    });
  }
}

/** Validate the new config beside the live one, then swap it in with one rename. */
export async function installHaproxyConfig(shell: NodeShell, config: string): Promise<void> {
  const live = await shell.readFile(NODE_PATHS.haproxyConfig);
  // Keep the first foreign file we replaced; a later foreign edit never overwrites that backup.
  if (
    live !== undefined &&
    !live.startsWith(MANAGED_MARKER) &&
    (await shell.readFile(NODE_PATHS.haproxyBackup)) === undefined
  ) {
    await shell.run(['cp', '-p', '--', NODE_PATHS.haproxyConfig, NODE_PATHS.haproxyBackup]);
  }
  await shell.run(['mkdir', '-p', '/etc/haproxy']);
  await shell.writeFileAtomic(NODE_PATHS.haproxyCandidate, config, 0o644);
  const check = await shell.run(['haproxy', '-c', '-f', NODE_PATHS.haproxyCandidate], { allowFailure: true });
  if (check.code !== 0) {
    await shell.run(['rm', '-f', '--', NODE_PATHS.haproxyCandidate]);
    throw new ProxyConfigInvalidError(check.stdout + check.stderr);
  }
  await shell.run(['mv', '-f', '--', NODE_PATHS.haproxyCandidate, NODE_PATHS.haproxyConfig]);
}

/**
 * Install config and make it live; when HAProxy refuses to load it, put the previous file back so
 * that what is on disk is what runs (and what the next boot starts).
 */
async function installAndLoad(shell: NodeShell, config: string, signal: AbortSignal): Promise<void> {
  const previous = await shell.readFile(NODE_PATHS.haproxyConfig);
  await installHaproxyConfig(shell, config);
  try {
    await startOrReloadHaproxy(shell, signal);
  } catch (err) {
    if (previous !== undefined) await shell.writeFileAtomic(NODE_PATHS.haproxyConfig, previous, 0o644);
    else await shell.run(['rm', '-f', '--', NODE_PATHS.haproxyConfig]);
    // The foreign file is back in place, so its backup copy would only be a stray file.
    if (
      previous !== undefined &&
      !previous.startsWith(MANAGED_MARKER) &&
      (await shell.readFile(NODE_PATHS.haproxyBackup)) === previous
    ) {
      await shell.run(['rm', '-f', '--', NODE_PATHS.haproxyBackup]);
    }
    throw err;
  }
}

/** Put back what was there before solokube (or nothing), and stop HAProxy when nothing was. */
async function removeConfig(shell: NodeShell): Promise<void> {
  const dropInExisted = (await shell.readFile(NODE_PATHS.haproxyDropIn)) !== undefined;
  await shell.run(['rm', '-f', '--', NODE_PATHS.haproxyDropIn]);
  await shell.run(['rmdir', '--ignore-fail-on-non-empty', '/etc/systemd/system/haproxy.service.d'], {
    allowFailure: true,
  });
  if (dropInExisted) await shell.run(['systemctl', 'daemon-reload']);
  const live = await shell.readFile(NODE_PATHS.haproxyConfig);
  if (live !== undefined && !live.startsWith(MANAGED_MARKER)) return;
  if ((await shell.readFile(NODE_PATHS.haproxyBackup)) !== undefined) {
    await shell.run(['mv', '-f', '--', NODE_PATHS.haproxyBackup, NODE_PATHS.haproxyConfig]);
    if (await haproxyActive(shell)) await startOrReloadHaproxy(shell);
  } else {
    await shell.run(['systemctl', 'stop', HAPROXY_SERVICE], { allowFailure: true });
    await shell.run(['rm', '-f', '--', NODE_PATHS.haproxyConfig]);
  }
}

/** The static description for `plan --offline`. */
export function outlineProxyConfig(o: NodeOutline): Record<string, unknown> {
  if (o.proxy === 'direct')
    return { haproxy: "none of solokube's (proxy: direct); a config solokube replaced earlier is put back" };
  return {
    https:
      `0.0.0.0:${o.ports.proxyHttps}: ${o.apiServerNames.join(', ')} → API server :${o.ports.apiServer}; ` +
      `other names → ingress :${o.ports.ingressHttps}`,
    http: `<secondary>:80 → ingress :${o.ports.ingressHttp}`,
    proxyProtocol: o.proxyProtocol,
    stats: `127.0.0.1:${o.ports.stats}`,
  };
}

export function proxyConfig(spec: NodeSpec, baseShell: NodeShell): Resource<ProxyConfigState> {
  const haproxyMode = spec.proxy === 'haproxy';
  return {
    id: NODE_RESOURCE_IDS.proxyConfig,
    title: haproxyMode
      ? `HAProxy SNI proxy on :${spec.ports.proxyHttps} and ${spec.secondaryIp}:80`
      : 'no HAProxy routing (proxy: direct)',
    dependsOn: NODE_RESOURCE_DEPENDS_ON[NODE_RESOURCE_IDS.proxyConfig],
    deadlineMs: NODE_RESOURCE_DEADLINE_MS[NODE_RESOURCE_IDS.proxyConfig],
    desired: () =>
      haproxyMode
        ? { config: renderHaproxyConfig(spec), dropIn: renderHaproxyDropIn(spec, BOOT_UNIT_NAME), active: true }
        : { config: undefined, dropIn: undefined, active: false },
    async find(ctx) {
      const shell = withSignal(baseShell, ctx.signal);
      const live = await shell.readFile(NODE_PATHS.haproxyConfig);
      const config = live?.startsWith(MANAGED_MARKER) ? live : undefined;
      const dropIn = await shell.readFile(NODE_PATHS.haproxyDropIn);
      if (config === undefined && dropIn === undefined) return undefined;
      return { config, dropIn, active: await haproxyActive(shell) };
    },
    // In direct mode the desired state is "nothing of ours": absent is converged, anything else an update.
    diff: (actual, desired): Change[] =>
      haproxyMode
        ? diffFields(actual, desired, ['config', 'dropIn', 'active'])
        : actual === undefined
          ? []
          : diffFields(actual, desired, ['config', 'dropIn']),
    async apply(ctx, _actual, desired) {
      const shell = withSignal(baseShell, ctx.signal);
      if (desired.config === undefined) {
        await removeConfig(shell);
        return undefined;
      }
      await shell.run(['mkdir', '-p', '/etc/systemd/system/haproxy.service.d']);
      await shell.writeFileAtomic(NODE_PATHS.haproxyDropIn, desired.dropIn ?? '', 0o644);
      await shell.run(['systemctl', 'daemon-reload']);
      await shell.run(['systemctl', 'enable', HAPROXY_SERVICE]);
      await installAndLoad(shell, desired.config, ctx.signal);
      return undefined;
    },
    async delete(ctx) {
      const shell = withSignal(baseShell, ctx.signal);
      await removeConfig(shell);
    },
  };
}
