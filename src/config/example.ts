// The commented example `solokube init` writes. It must always parse: a test checks it.

export const EXAMPLE_CONFIG = `# solokube.yaml: one single-node kops cluster whose apps answer on 80/443.
# Every field is documented in the README's configuration reference.

# The kops cluster name: a DNS name inside dnsZone. kops publishes api.<name> there.
name: c1.example.com

# The Route 53 public hosted zone solokube and kops write records into.
dnsZone: example.com

# Apps answer as <app>.<appsDomain>; defaults to dnsZone.
# appsDomain: apps.example.com

# AWS region and, optionally, a named profile from ~/.aws/config (AWS_PROFILE also works).
region: eu-west-1
# profile: default
# zones: [eu-west-1a]

instanceType: t3.medium
kubernetesVersion: "1.36.3"
# Admin kubeconfig of the cluster; default: where kops export kubeconfig --admin writes.
# kubeconfig: ~/.kube/config

ssh:
  # Private key for the node; the matching .pub is what kops installs.
  privateKey: ~/.ssh/id_ed25519
  # Login user of the node image (Debian images: admin, Ubuntu: ubuntu).
  user: admin
  # solokube pins node host keys here; it never disables host-key checking.
  knownHosts: ~/.solokube/known_hosts

# Serve apps on 443/80 of a secondary private IP with its own Elastic IP (about $3.60/month).
# false: apps answer on the node's primary address: http on port 80, https on port 30443.
secondaryIp: true

# direct:  redirect <secondary>:443/80 straight to Traefik listening on the node (8443/8080);
#          the default when this line is left out.
# haproxy: redirect <secondary>:443 to HAProxy on :8443, which routes by TLS SNI to the
#          ingress NodePorts (30443/30080); for people who bring their own ingress.
proxy: direct

# With proxy: haproxy, send the client address to the ingress with PROXY protocol v2.
proxyProtocol: false

# ACME (Let's Encrypt) account e-mail for the ingress's certificates (HTTP-01, no AWS keys).
tlsEmail: ops@example.com
# production | staging | https://<another ACME directory URL>
acme: production

# Redirect the apps' http:// to https:// (per app: apps[].httpsRedirect; see
# "solokube https-redirect enable|disable [--app NAME]", which edits this file).
httpsRedirect: true

apps:
  - name: hello
    port: 8080
    # host: hello.example.com   (default: <name>.<appsDomain>)
    # Build context and Dockerfile, relative to this file. Without a solokube.yaml in the current
    # directory, "solokube up --sandbox" builds the copy in solokube's own examples/apps/hello.
    context: ./apps/hello
    dockerfile: ./apps/hello/Dockerfile
    # tls: false   serves this app on HTTP only (no certificate)
`;
