// The Go programs solokube's sandbox and tests run for real, each built from its upstream module
// at the version pinned in gotools/<module>/go.mod (+ go.sum). Nothing upstream is copied into
// the repository: `go build` fetches the pinned modules through the Go module proxy.

export type GoToolName = 'k8s' | 'etcd' | 'kwok' | 'kops' | 'traefik';

export interface GoTool {
  name: GoToolName;
  /** Folder under gotools/ holding the wrapper go.mod. */
  module: string;
  /** Package path → binary name in the cache's bin/ folder. */
  binaries: Readonly<Record<string, string>>;
  /** Build tags and linker flags, as the upstream release builds do. */
  tags: readonly string[];
  ldflags: readonly string[];
  /** What it is, for progress lines. */
  what: string;
}

const K8S_VERSION = 'v1.36.3';
const versionFlags = (pkgs: readonly string[], values: Record<string, string>): string[] =>
  pkgs.flatMap((pkg) => Object.entries(values).map(([k, v]) => `-X ${pkg}.${k}=${v}`));

export const GO_TOOLS: Readonly<Record<GoToolName, GoTool>> = {
  k8s: {
    name: 'k8s',
    module: 'k8s',
    what: `Kubernetes ${K8S_VERSION} control plane and kubectl`,
    binaries: {
      'k8s.io/kubernetes/cmd/kube-apiserver': 'kube-apiserver',
      'k8s.io/kubernetes/cmd/kube-controller-manager': 'kube-controller-manager',
      'k8s.io/kubernetes/cmd/kube-scheduler': 'kube-scheduler',
      'k8s.io/kubernetes/cmd/kubectl': 'kubectl',
    },
    // Upstream's hack/lib/golang.sh builds the servers with these tags; the version variables make
    // `--version` and /version report the release instead of v0.0.0-master.
    tags: ['selinux', 'notest'],
    ldflags: versionFlags(['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'], {
      gitVersion: K8S_VERSION,
      gitMajor: '1',
      gitMinor: '36',
      gitTreeState: 'clean',
    }),
  },
  etcd: {
    name: 'etcd',
    module: 'etcd',
    what: 'etcd 3.6 server',
    binaries: { 'go.etcd.io/etcd/server/v3': 'etcd' },
    tags: [],
    ldflags: [],
  },
  kwok: {
    name: 'kwok',
    module: 'kwok',
    what: 'kwok (simulated kubelet and pods)',
    binaries: { 'sigs.k8s.io/kwok/cmd/kwok': 'kwok' },
    tags: [],
    ldflags: [],
  },
  kops: {
    name: 'kops',
    module: 'kops',
    what: 'kops v1.36.2',
    binaries: { 'k8s.io/kops/cmd/kops': 'kops' },
    tags: [],
    // kops' version is a constant in its source (1.36.2); only the git version is a linker flag.
    ldflags: ['-X k8s.io/kops.GitVersion=v1.36.2'],
  },
  traefik: {
    name: 'traefik',
    module: 'traefik',
    what: 'Traefik v3.6',
    binaries: { 'github.com/traefik/traefik/v3/cmd/traefik': 'traefik' },
    tags: [],
    ldflags: ['-X github.com/traefik/traefik/v3/pkg/version.Version=v3.6.12'],
  },
};

export const GO_TOOL_NAMES = Object.keys(GO_TOOLS) as GoToolName[];

export function isGoToolName(s: string): s is GoToolName {
  return (GO_TOOL_NAMES as string[]).includes(s);
}
