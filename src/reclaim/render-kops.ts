// What the kops colleague places in the control-plane InstanceGroup and the Cluster spec so that a
// replacement instance heals itself:
//
// - spec.additionalUserData (InstanceGroup): one `text/cloud-config` part whose write_files puts the
//   script and unit on the instance and whose runcmd enables and starts the unit. Chosen over kops
//   `hooks` because a hook is only a unit body (`manifest` becomes [Service]): it cannot carry a file,
//   so the script would have to be squeezed into ExecStart, and hooks are installed by nodeup, i.e.
//   only once kops' own bootstrap has run. User data is kops' documented way to add files, is
//   applied by cloud-init on the first boot of every new instance (exactly the replacement case),
//   and the unit stays enabled for later reboots. The unit file is written while the first boot is
//   already under way, so runcmd starts it once (without waiting: --no-block) in addition to
//   enabling it. Files are base64 so that no YAML quoting can change a byte of them.
//   Note for whoever adds more parts: cloud-init merges several cloud-config parts, and by default a
//   later part's write_files replaces an earlier one's; kops' own part is a shell script, not a
//   cloud-config, so it does not collide.
//
// - spec.additionalPolicies (Cluster), key `control-plane` (kops stores it as `master`): a JSON string
//   holding an array of IAM statements (kops' format, not a whole policy document); see
//   render-policy.ts for the statements.

import { stringify } from 'yaml';
import { RECLAIM_PATHS, RECLAIM_UNIT_NAME } from './paths.js';
import { renderReclaimPolicyStatements } from './render-policy.js';
import { renderReclaimScript } from './render-script.js';
import { renderReclaimUnit } from './render-unit.js';
import type { ReclaimSpec } from './spec.js';

export interface AdditionalUserData {
  name: string;
  type: 'text/cloud-config';
  content: string;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function renderReclaimCloudConfig(spec: ReclaimSpec): string {
  const doc = {
    write_files: [
      {
        path: RECLAIM_PATHS.script,
        owner: 'root:root',
        permissions: '0755',
        encoding: 'b64',
        content: b64(renderReclaimScript(spec)),
      },
      {
        path: RECLAIM_PATHS.unit,
        owner: 'root:root',
        permissions: '0644',
        encoding: 'b64',
        content: b64(renderReclaimUnit(spec)),
      },
    ],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', RECLAIM_UNIT_NAME],
      ['systemctl', 'start', '--no-block', RECLAIM_UNIT_NAME],
    ],
  };
  return `#cloud-config\n# solokube: reclaim unit for cluster ${spec.clusterName}\n${stringify(doc, { lineWidth: 0 })}`;
}

/** The InstanceGroup's additionalUserData entry. */
export function reclaimAdditionalUserData(spec: ReclaimSpec): AdditionalUserData {
  return { name: 'solokube-reclaim.cfg', type: 'text/cloud-config', content: renderReclaimCloudConfig(spec) };
}

/** The Cluster's additionalPolicies entry: kops wants the statements as a JSON string. */
export function reclaimAdditionalPolicies(spec: ReclaimSpec): { 'control-plane': string } {
  return { 'control-plane': JSON.stringify(renderReclaimPolicyStatements(spec), null, 2) };
}

/** Both fragments as YAML, as they appear in the specs (for review and the golden file). */
export function renderReclaimKopsFragments(spec: ReclaimSpec): string {
  return (
    `# InstanceGroup (control plane) spec:\n${stringify({ additionalUserData: [reclaimAdditionalUserData(spec)] }, { lineWidth: 0 })}` +
    `# Cluster spec:\n${stringify({ additionalPolicies: reclaimAdditionalPolicies(spec) }, { lineWidth: 0 })}`
  );
}
