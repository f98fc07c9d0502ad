// The stand-ins that run inside the lab node, served by nginx (a real HTTP/TLS server, as
// ingress-nginx is): the "kube-apiserver" holding *:443 the way kops' does, and the "ingress"
// on its NodePorts 30443 (TLS) / 30080 (HTTP). Each answers a body that names who answered and
// the client address it saw, so tests can tell which path a request took.
// Pure: renders nginx config text; the lab writes it into the node.
import { UsageError } from '../../core/errors.js';

export interface IngressMode {
  /** The ingress expects PROXY protocol v2 on 30443/30080 and reports the address carried in it. */
  proxyProtocol: boolean;
  /** hostNetwork style: the ingress also listens on the node at 8443 (TLS) / 8080 (HTTP). */
  direct: boolean;
}

export const STANDIN_TLS_DIR = '/etc/solokube-lab/tls';
export const STANDIN_CONFIG_PATH = '/etc/nginx/sites-enabled/solokube-lab.conf';
export const STANDIN_WWW_DIR = '/var/www/solokube-lab';
/** Size of the large response (`GET /16k`) the benchmark uses. */
export const LARGE_RESPONSE_BYTES = 16 * 1024;

export const API_PORT = 443;
export const INGRESS_HTTPS_NODEPORT = 30443;
export const INGRESS_HTTP_NODEPORT = 30080;
export const INGRESS_DIRECT_HTTPS_PORT = 8443;
export const INGRESS_DIRECT_HTTP_PORT = 8080;
/**
 * Lab-only: the same ingress stand-in over plain TLS on its own port in every mode (also while the
 * NodePorts expect PROXY protocol), so the benchmark can measure the direct-to-ingress floor next
 * to each data path without reconfiguring anything.
 */
export const INGRESS_FLOOR_PORT = 30444;

/**
 * realApi: a real kube-apiserver holds *:443 on this node (the sandbox's) and the real Traefik is
 * the ingress (run by the lab's kubelet stand-in from the Deployment `up` applies), so neither
 * stand-in is rendered: nginx holds none of the ports the API and Traefik need. Labs without a
 * control plane (the data-path tests, bench/) keep both stand-ins.
 */
export function renderStandinConfig(mode: IngressMode, opts: { realApi?: boolean } = {}): string {
  if (opts.realApi)
    return '# solokube lab stand-ins, written by the lab (not by solokube): none, the node runs a real API and Traefik\n';
  const pp = mode.proxyProtocol ? ' proxy_protocol' : '';
  const nodePortClient = mode.proxyProtocol ? '$proxy_protocol_addr' : '$remote_addr';
  const blocks = [
    '# solokube lab stand-ins, written by the lab (not by solokube)',
    server(
      'the "kube-apiserver": a wildcard listener on 443, like kops\'',
      [`listen ${API_PORT} ssl;`],
      'api',
      'return 200 "apiserver host=$host client=$remote_addr\\n";',
    ),
    server(
      'the "ingress" NodePorts',
      [`listen ${INGRESS_HTTPS_NODEPORT} ssl${pp};`, `listen ${INGRESS_HTTP_NODEPORT}${pp};`],
      'ingress',
      ingressBody(nodePortClient),
    ),
    server(
      'the "ingress" without PROXY protocol in every mode: the benchmark\'s floor (lab only)',
      [`listen ${INGRESS_FLOOR_PORT} ssl;`],
      'ingress',
      ingressBody('$remote_addr'),
    ),
  ];
  if (mode.direct) {
    blocks.push(
      server(
        'the "ingress" on the node itself (hostNetwork, proxy: direct)',
        [`listen ${INGRESS_DIRECT_HTTPS_PORT} ssl;`, `listen ${INGRESS_DIRECT_HTTP_PORT};`],
        'ingress',
        ingressBody('$remote_addr'),
      ),
    );
  }
  return blocks.join('\n');
}

function ingressBody(client: string): string {
  return `return 200 "ingress host=$host scheme=$scheme client=${client} xff=$http_x_forwarded_for\\n";`;
}

function server(comment: string, listens: string[], cert: 'api' | 'ingress', body: string): string {
  return [
    `# ${comment}`,
    'server {',
    ...listens.map((l) => `    ${l}`),
    `    ssl_certificate ${STANDIN_TLS_DIR}/${cert}.crt;`,
    `    ssl_certificate_key ${STANDIN_TLS_DIR}/${cert}.key;`,
    '    access_log off;',
    '    keepalive_requests 1000000;',
    '    default_type text/plain;',
    `    location = /16k { root ${STANDIN_WWW_DIR}; }`,
    `    location / { ${body} }`,
    '}',
    '',
  ].join('\n');
}

export function assertIngressMode(mode: IngressMode): void {
  if (mode.direct && mode.proxyProtocol) {
    // A kernel-only redirect cannot add a PROXY header, so this pair describes no real setup.
    throw new UsageError(
      'ingress mode: direct and proxyProtocol exclude each other',
      'Use PROXY protocol with proxy: haproxy only.',
    );
  }
}
