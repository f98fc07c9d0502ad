// The real Traefik binary (built from its Go module) running on the lab node the way the cluster
// runs it in hostNetwork: same static configuration, same redirect middleware, and the routers the
// apps' Ingress objects would produce, given to Traefik's file provider because the lab has no
// Kubernetes API. It runs as a transient systemd unit inside the node, so restarts are real ones.

import { copyFile, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SolokubeError } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';
import {
  renderDynamicConfig,
  renderFileRoutes,
  renderStaticConfig,
  type IngressSettings,
} from '../../ingress/index.js';
import type { Lab } from '../lab/index.js';

const UNIT = 'solokube-traefik';
const NODE_BIN = '/usr/local/bin/traefik';
const NODE_DIR = '/etc/solokube-traefik';
const NODE_DYNAMIC_DIR = `${NODE_DIR}/dynamic`;
const NODE_STATIC = `${NODE_DIR}/traefik.yaml`;
/** The same place the cluster's hostPath volume uses, so a node reboot keeps it too. */
export const LAB_ACME_FILE = '/var/lib/solokube/traefik/acme.json';

const inNode = (lab: Lab, path: string): string => join(lab.record.root, path);

export interface LabTraefikConfig {
  settings: IngressSettings;
  /** app name → backend URL on the node (the app stand-in). */
  backends: Readonly<Record<string, string>>;
  /** Host path of the CA that signed the ACME server's HTTPS listener (pebble's). */
  acmeListenerCaPath?: string;
}

/** Copies the binary into the node (once) and writes the configuration. */
export async function installLabTraefik(lab: Lab, binary: string, c: LabTraefikConfig): Promise<void> {
  const target = inNode(lab, NODE_BIN);
  const [src, dst] = await Promise.all([stat(binary), stat(target).catch(() => undefined)]);
  if (!dst || dst.size !== src.size || dst.mtimeMs < src.mtimeMs) {
    await mkdir(inNode(lab, '/usr/local/bin'), { recursive: true });
    await copyFile(binary, target);
  }
  await writeLabTraefikConfig(lab, c);
}

export async function writeLabTraefikConfig(lab: Lab, c: LabTraefikConfig): Promise<void> {
  await mkdir(inNode(lab, NODE_DYNAMIC_DIR), { recursive: true });
  await mkdir(inNode(lab, '/var/lib/solokube/traefik'), { recursive: true, mode: 0o700 });
  let caFiles: string[] | undefined;
  if (c.acmeListenerCaPath) {
    await copyFile(c.acmeListenerCaPath, inNode(lab, `${NODE_DIR}/acme-ca.pem`));
    caFiles = [`${NODE_DIR}/acme-ca.pem`];
  }
  const staticConfig = renderStaticConfig(c.settings, {
    kubernetes: false,
    storageFile: LAB_ACME_FILE,
    dynamicDir: NODE_DYNAMIC_DIR,
    logLevel: 'DEBUG',
    ...(caFiles ? { acmeCaCertificates: caFiles } : {}),
  });
  await writeFile(inNode(lab, NODE_STATIC), stringify(staticConfig, { aliasDuplicateObjects: false }));
  await writeFile(inNode(lab, `${NODE_DYNAMIC_DIR}/middlewares.yaml`), stringify(renderDynamicConfig(c.settings)));
  await writeLabRoutes(lab, c);
}

/** Rewrites only the routes; Traefik's file provider notices and reloads without a restart. */
export async function writeLabRoutes(lab: Lab, c: Pick<LabTraefikConfig, 'settings' | 'backends'>): Promise<void> {
  const tmp = inNode(lab, `${NODE_DIR}/routes.yaml.tmp`);
  await writeFile(tmp, stringify(renderFileRoutes(c.settings, c.backends), { aliasDuplicateObjects: false }));
  // A rename inside the watched directory is one event with the whole file.
  await lab.node.exec(['mv', '-f', `${NODE_DIR}/routes.yaml.tmp`, `${NODE_DYNAMIC_DIR}/routes.yaml`]);
}

export async function startLabTraefik(lab: Lab): Promise<void> {
  await lab.node.exec(['systemctl', 'reset-failed', `${UNIT}.service`]);
  const r = await lab.node.exec([
    'systemd-run',
    `--unit=${UNIT}`,
    '--property=Restart=no',
    NODE_BIN,
    `--configFile=${NODE_STATIC}`,
  ]);
  if (r.code !== 0)
    throw new SolokubeError({ code: 'lab.traefik', message: `Traefik did not start on the node: ${r.stderr}` });
  await waitLabTraefikReady(lab);
}

export async function restartLabTraefik(lab: Lab): Promise<void> {
  const r = await lab.node.exec(['systemctl', 'restart', `${UNIT}.service`]);
  if (r.code !== 0) throw new SolokubeError({ code: 'lab.traefik', message: `Traefik did not restart: ${r.stderr}` });
  await waitLabTraefikReady(lab);
}

export async function stopLabTraefik(lab: Lab): Promise<void> {
  await lab.node.exec(['systemctl', 'stop', `${UNIT}.service`]);
}

/** Traefik's own health check against its ping endpoint. */
export async function waitLabTraefikReady(lab: Lab, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await lab.node.exec([NODE_BIN, 'healthcheck', `--configFile=${NODE_STATIC}`]);
    if (r.code === 0) return;
    if (Date.now() > end)
      throw new SolokubeError({
        code: 'lab.traefik',
        message: `Traefik is not healthy on the node: ${r.stdout}${r.stderr}\n${await labTraefikLog(lab, 30)}`,
      });
    await sleep(250);
  }
}

export async function labTraefikMainPid(lab: Lab): Promise<number> {
  const r = await lab.node.exec(['systemctl', 'show', '--property=MainPID', '--value', `${UNIT}.service`]);
  return Number(r.stdout.trim());
}

/** Resident memory of the Traefik process, in KiB. */
export async function labTraefikRssKib(lab: Lab): Promise<number> {
  const pid = await labTraefikMainPid(lab);
  const r = await lab.node.exec(['cat', `/proc/${pid}/status`]);
  return Number(/VmRSS:\s+(\d+)/.exec(r.stdout)?.[1] ?? NaN);
}

export async function labTraefikLog(lab: Lab, lines = 200): Promise<string> {
  return (await lab.node.exec(['journalctl', '--no-pager', '-o', 'cat', '-n', String(lines), '-u', `${UNIT}.service`]))
    .stdout;
}

const STANDIN_CONF = '/etc/nginx/sites-enabled/solokube-app-standin.conf';
export const APP_STANDIN_PORT = 18080;

/**
 * A STAND-IN for the app behind the ingress (in a cluster: the app's pod behind its Service): nginx
 * on the node's loopback, answering with what it received, and saying in a header that it is one.
 */
export async function startAppStandin(lab: Lab, appName: string): Promise<string> {
  await writeFile(
    inNode(lab, STANDIN_CONF),
    `# solokube lab: a stand-in for the app "${appName}" behind the ingress (not a real app)
server {
    listen 127.0.0.1:${APP_STANDIN_PORT};
    location / {
        add_header X-Solokube-Standin "app ${appName} (nginx on the lab node, standing in for the app's pod)" always;
        return 200 "app ${appName} stand-in host=$host xff=$http_x_forwarded_for real_ip=$http_x_real_ip proto=$http_x_forwarded_proto\\n";
    }
}
`,
  );
  const r = await lab.node.exec(['systemctl', 'reload-or-restart', 'nginx']);
  if (r.code !== 0)
    throw new SolokubeError({ code: 'lab.app-standin', message: `nginx did not take the app stand-in: ${r.stderr}` });
  return `http://127.0.0.1:${APP_STANDIN_PORT}`;
}

/** A certificate Traefik serves from its file provider (covering a name, it also keeps ACME from ordering one). */
export async function writeLabTlsCertificate(lab: Lab, nodeCertFile: string, nodeKeyFile: string): Promise<void> {
  await writeFile(
    inNode(lab, `${NODE_DYNAMIC_DIR}/tls.yaml`),
    stringify({ tls: { certificates: [{ certFile: nodeCertFile, keyFile: nodeKeyFile }] } }),
  );
}

/**
 * The lab's nginx ingress stand-in holds the NodePorts 30443/30080; in a cluster they belong to
 * Traefik's Service. Moves the stand-in's configuration aside (the API stand-in on 443 goes with it).
 */
export async function releaseStandinNodePorts(lab: Lab): Promise<void> {
  const conf = inNode(lab, '/etc/nginx/sites-enabled/solokube-lab.conf');
  await rename(conf, inNode(lab, '/etc/nginx/solokube-lab.conf.off')).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await lab.node.exec(['systemctl', 'reload-or-restart', 'nginx']);
}
