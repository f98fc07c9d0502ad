import { CONTROL_PLANE_TAINT_KEYS } from './resources/control-plane-taint.js';

/**
 * What the pods solokube runs (the ingress, the apps) carry so they schedule while the taint is on.
 * `up` removes the taint, but kops puts it back on every new instance (a replacement, a resume), and
 * on a one-node cluster the apps must come back then with no operator and no `up`. The key is the
 * one kops sets today (CONTROL_PLANE_TAINT_KEYS also lists the `master` key of older releases).
 */
export const CONTROL_PLANE_TOLERATIONS = [
  { key: CONTROL_PLANE_TAINT_KEYS[0], operator: 'Exists', effect: 'NoSchedule' },
];
