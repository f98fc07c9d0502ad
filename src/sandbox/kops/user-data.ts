// The user data kops gives an instance group's launch template, as the sandbox's kops stand-in
// renders it, and the reading of it back into parts (for the node's cloud-init stand-in).
//
// Behaviour followed (kops v1.36, pkg/model/resources and the golden launch templates of its
// integration tests, as summarised in shared/reference/kops-notes.md): the user data is one MIME
// multipart/mixed document with the boundary "MIMEBOUNDARY"; the first part is kops' own
// `nodeup.sh` (text/x-shellscript), then one part per entry of the InstanceGroup's
// spec.additionalUserData, in order, each with Content-Disposition `attachment; filename="<name>"`,
// Content-Transfer-Encoding 7bit and the entry's type as Content-Type. cloud-init on the instance
// runs the parts at the first boot.
//
// What the stand-in does NOT do: the nodeup part is a labelled no-op script (the lab node gets its
// Kubernetes from the lab, not from nodeup), and spec.hooks are not rendered: nodeup turns hooks into
// systemd units only once kops' own bootstrap runs, which the sandbox does not have. solokube's reclaim
// unit travels in additionalUserData (src/reclaim/render-kops.ts), so that is the path followed here.

export const MIME_BOUNDARY = 'MIMEBOUNDARY';

export interface UserDataPart {
  /** The file name of the part (kops: nodeup.sh, or the additionalUserData entry's name). */
  name: string;
  /** Its Content-Type without parameters, e.g. text/cloud-config, text/x-shellscript. */
  type: string;
  content: string;
}

/** The stand-in for kops' nodeup.sh: says what it is and does nothing else. */
export function nodeupStandInScript(cluster: string, instanceGroup: string): string {
  return [
    '#!/bin/bash',
    '# solokube sandbox: STAND-IN for kops nodeup.sh. Real kops downloads nodeup here and lets it',
    '# install the Kubernetes components; the sandbox lab node gets them from the lab instead.',
    `echo "nodeup stand-in: cluster ${cluster}, instance group ${instanceGroup}"`,
    '',
  ].join('\n');
}

function part(p: UserDataPart): string {
  return [
    `--${MIME_BOUNDARY}`,
    `Content-Disposition: attachment; filename="${p.name}"`,
    'Content-Transfer-Encoding: 7bit',
    `Content-Type: ${p.type}`,
    'Mime-Version: 1.0',
    '',
    p.content.endsWith('\n') ? p.content : `${p.content}\n`,
  ].join('\n');
}

/** The launch template's user data for an instance group: nodeup first, then additionalUserData in order. */
export function renderInstanceGroupUserData(
  cluster: string,
  instanceGroup: string,
  additional: readonly UserDataPart[],
): string {
  const parts = [
    { name: 'nodeup.sh', type: 'text/x-shellscript', content: nodeupStandInScript(cluster, instanceGroup) },
  ];
  return [
    `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
    'MIME-Version: 1.0',
    '',
    ...[...parts, ...additional].map(part),
    `--${MIME_BOUNDARY}--`,
    '',
  ].join('\n');
}

/** The InstanceGroup's spec.additionalUserData entries, checked for the shape kops accepts. */
export function additionalUserDataOf(spec: Record<string, unknown>): UserDataPart[] {
  const raw = spec['additionalUserData'];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error('spec.additionalUserData must be a list');
  return raw.map((e, i) => {
    const entry = e as Partial<UserDataPart>;
    if (typeof entry.name !== 'string' || typeof entry.type !== 'string' || typeof entry.content !== 'string')
      throw new Error(`spec.additionalUserData[${i}] needs name, type and content`);
    return { name: entry.name, type: entry.type, content: entry.content };
  });
}

function headerValue(headers: string, name: string): string | undefined {
  const line = headers.split('\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/**
 * The parts of user data, as cloud-init splits them: a multipart/mixed document gives its parts; a
 * single document is one part whose type follows its first line (#cloud-config, #!).
 */
export function parseUserData(text: string): UserDataPart[] {
  const normalized = text.replace(/\r\n/g, '\n');
  const headerEnd = normalized.indexOf('\n\n');
  const topType = headerEnd > 0 ? headerValue(normalized.slice(0, headerEnd), 'Content-Type') : undefined;
  if (topType === undefined || !topType.toLowerCase().startsWith('multipart/')) {
    const type = normalized.startsWith('#cloud-config')
      ? 'text/cloud-config'
      : normalized.startsWith('#!')
        ? 'text/x-shellscript'
        : 'text/plain';
    return [{ name: 'user-data', type, content: normalized }];
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(topType)?.[1];
  if (boundary === undefined) throw new Error('multipart user data without a boundary');
  const parts: UserDataPart[] = [];
  const chunks = normalized.split(`--${boundary}`);
  // chunks[0] is the top headers; the chunk after the closing "--boundary--" starts with "--".
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    const body = chunk.replace(/^\n/, '');
    const split = body.indexOf('\n\n');
    if (split < 0) continue;
    const headers = body.slice(0, split);
    const type = (headerValue(headers, 'Content-Type') ?? 'text/plain').split(';')[0]!.trim();
    const name = /filename="?([^";]+)"?/i.exec(headerValue(headers, 'Content-Disposition') ?? '')?.[1] ?? '';
    // The line break before the next boundary belongs to the boundary (RFC 2046 §5.1.1).
    parts.push({ name, type, content: body.slice(split + 2).replace(/\n$/, '') });
  }
  return parts;
}
