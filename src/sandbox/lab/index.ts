// The lab: a real systemd-booted Debian node in a container, a gateway and a client namespace.
export { startLab, labPrerequisites, type StartLabOptions } from './lab.js';
export {
  attachLab,
  type Lab,
  type LabNode,
  type LabGateway,
  type LabClient,
  type LabSshEndpoint,
  type ClientCurlOptions,
  type ExecOptions,
} from './lab-handle.js';
export { destroyLab } from './destroy.js';
export { readLabRecord, listLabRecordPaths, type LabRecord } from './record.js';
export { LAB_STATE_ROOT, newLabName } from './names.js';
export { ensureNodeImage, nodeImageKey, NODE_IMAGE_PACKAGES } from './node-image.js';
export { knownHostsLine, sshFingerprint } from './ssh-keys.js';
export type { RunResult } from './run.js';
export * from './addresses.js';
export {
  type IngressMode,
  API_PORT,
  INGRESS_HTTPS_NODEPORT,
  INGRESS_HTTP_NODEPORT,
  INGRESS_DIRECT_HTTPS_PORT,
  INGRESS_DIRECT_HTTP_PORT,
  INGRESS_FLOOR_PORT,
  LARGE_RESPONSE_BYTES,
} from './standins.js';
