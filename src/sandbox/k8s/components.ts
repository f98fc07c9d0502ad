// The command line of each control-plane component, as pure functions of where things are. Kept
// apart from starting them so the same commands can run here (tests, on loopback) or elsewhere
// (inside the lab node, where kube-apiserver takes *:443 exactly as kops runs it).

export interface ControlPlaneBinaries {
  etcd: string;
  'kube-apiserver': string;
  'kube-controller-manager': string;
  'kube-scheduler': string;
  kwok: string;
  kubectl: string;
}

export interface ControlPlanePorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

export interface ControlPlaneLayout {
  binaries: ControlPlaneBinaries;
  ports: ControlPlanePorts;
  /** Address the API server listens on (127.0.0.1 for tests; 0.0.0.0 as kops does). */
  bindAddress: string;
  /** Loopback address the other components reach etcd and their own health ports on. */
  loopback: string;
  dataDir: string;
  pki: { caCert: string; serverCert: string; serverKey: string; serviceAccountKey: string; serviceAccountPub: string };
  /** The admin kubeconfig the controllers and kwok use. */
  kubeconfig: string;
  kwokStages: string;
  /** Service and pod address ranges: only numbers here (nothing listens on them), from 198.18.0.0/15. */
  serviceRange: string;
  podRange: string;
  nodeIp: string;
}

export interface ComponentCommand {
  name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';
  argv: string[];
  env?: Record<string, string>;
}

export function etcdCommand(l: ControlPlaneLayout): ComponentCommand {
  const client = `http://${l.loopback}:${l.ports.etcdClient}`;
  const peer = `http://${l.loopback}:${l.ports.etcdPeer}`;
  return {
    name: 'etcd',
    argv: [
      l.binaries.etcd,
      '--name=solokube',
      `--data-dir=${l.dataDir}/etcd`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=solokube=${peer}`,
      // A test cluster lives for minutes; durability is not worth an fsync per write.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
  };
}

export function apiserverCommand(l: ControlPlaneLayout): ComponentCommand {
  return {
    name: 'kube-apiserver',
    argv: [
      l.binaries['kube-apiserver'],
      `--etcd-servers=http://${l.loopback}:${l.ports.etcdClient}`,
      `--bind-address=${l.bindAddress}`,
      `--secure-port=${l.ports.apiserver}`,
      `--tls-cert-file=${l.pki.serverCert}`,
      `--tls-private-key-file=${l.pki.serverKey}`,
      `--client-ca-file=${l.pki.caCert}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${l.pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${l.pki.serviceAccountKey}`,
      '--authorization-mode=Node,RBAC',
      `--service-cluster-ip-range=${l.serviceRange}`,
      '--allow-privileged=true',
      // A loopback advertise address cannot be published as the kubernetes Service's endpoint.
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
    ],
  };
}

export function controllerManagerCommand(l: ControlPlaneLayout): ComponentCommand {
  return {
    name: 'kube-controller-manager',
    argv: [
      l.binaries['kube-controller-manager'],
      `--kubeconfig=${l.kubeconfig}`,
      `--authentication-kubeconfig=${l.kubeconfig}`,
      `--authorization-kubeconfig=${l.kubeconfig}`,
      '--leader-elect=false',
      `--bind-address=${l.loopback}`,
      `--secure-port=${l.ports.controllerManager}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez',
      `--service-account-private-key-file=${l.pki.serviceAccountKey}`,
      `--root-ca-file=${l.pki.caCert}`,
      `--service-cluster-ip-range=${l.serviceRange}`,
      '--controllers=*',
      '--profiling=false',
    ],
  };
}

export function schedulerCommand(l: ControlPlaneLayout): ComponentCommand {
  return {
    name: 'kube-scheduler',
    argv: [
      l.binaries['kube-scheduler'],
      `--kubeconfig=${l.kubeconfig}`,
      `--authentication-kubeconfig=${l.kubeconfig}`,
      `--authorization-kubeconfig=${l.kubeconfig}`,
      '--leader-elect=false',
      `--bind-address=${l.loopback}`,
      `--secure-port=${l.ports.scheduler}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez',
      '--profiling=false',
    ],
  };
}

export function kwokCommand(l: ControlPlaneLayout): ComponentCommand {
  return {
    name: 'kwok',
    argv: [
      l.binaries.kwok,
      `--kubeconfig=${l.kubeconfig}`,
      '--manage-all-nodes=true',
      `--config=${l.kwokStages}`,
      `--cidr=${l.podRange}`,
      `--node-ip=${l.nodeIp}`,
      '--node-lease-duration-seconds=40',
      `--server-address=${l.loopback}:${l.ports.kwok}`,
    ],
    // kwok reads ~/.kwok/kwok.yaml unless its work dir points elsewhere.
    env: { KWOK_WORKDIR: `${l.dataDir}/kwok` },
  };
}

/** In start order; stop in reverse. */
export function controlPlaneCommands(l: ControlPlaneLayout): ComponentCommand[] {
  return [etcdCommand(l), apiserverCommand(l), controllerManagerCommand(l), schedulerCommand(l), kwokCommand(l)];
}
