// The control-plane taint's key is also in resources/control-plane-taint.ts (which removes it).
/**
 * What the pods solokube runs (the ingress, the apps) carry so they schedule while the taint is on.
 * `up` removes the taint, but kops puts it back on every new instance (a replacement, a resume), and
 * on a one-node cluster the apps must come back then with no operator and no `up`.
 */
export const CONTROL_PLANE_TOLERATIONS = [
  { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
];
