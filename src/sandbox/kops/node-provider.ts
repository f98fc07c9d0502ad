// The hook between the kops stand-in and whatever plays the instance it launches. The sandbox's
// lab node (a systemd-booted Debian container) booted as that instance, with a Kubernetes control
// plane started in it, is one provider (integration work outside this module); tests can pass
// their own. Without a provider the stand-in only makes the cloud objects.

export interface LaunchedInstance {
  cluster: string;
  instanceId: string;
  instanceGroup: string;
  privateIp: string;
  publicIp: string;
  availabilityZone: string;
  instanceType: string;
}

export interface NodeStatus {
  name: string;
  ready: boolean;
}

export interface AdminCredentials {
  server: string;
  certificateAuthorityData: string;
  clientCertificateData: string;
  clientKeyData: string;
}

export interface NodeProvider {
  /** Called after `update --yes` made (or found) the instance; boot the node and its control plane. */
  onInstanceLaunched(instance: LaunchedInstance): Promise<void>;
  /** The node as the cluster's API sees it, for `validate`. */
  nodeStatus?(instance: LaunchedInstance): Promise<NodeStatus[]>;
  /** Admin credentials of the control plane, for `export kubeconfig --admin`. */
  adminCredentials?(instance: LaunchedInstance): Promise<AdminCredentials>;
  /** Called before `delete cluster` removes the instance. */
  onInstanceTerminating?(instance: LaunchedInstance): Promise<void>;
  /** Called once `delete cluster` removed the cluster: what stood for its etcd volumes goes too. */
  onClusterDeleted?(cluster: string): Promise<void>;
}
