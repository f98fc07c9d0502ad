// cloud-init STAND-IN for the sandbox's lab node: applies an instance's user data to the freshly booted
// node the way cloud-init does on an EC2 instance's first boot, for the subset kops' user data uses.
// The lab's Debian image has no cloud-init (nor Python for it, and no EC2 datasource to detect inside a
// container), so this runs from the host through the node's exec rather than as a unit inside it.
//
// Behaviour followed (cloud-init documentation: "User-data formats", modules "Write Files" and
// "Runcmd", and the boot stages): user data is split into parts (multipart MIME, or one document
// recognised by its first line); text/cloud-config parts are merged, their write_files are written in
// the init stage (path, content, encoding b64/base64 or text, permissions default 0644, owner default
// root:root, append), and their runcmd entries become one script; in the final stage
// (scripts-user) that script and every text/x-shellscript part run in the alphabetical order of their
// names ("runcmd" for the former, the part's file name for the latter). A list entry of runcmd runs
// as argv, a string entry through `sh -c`; runcmd's script has no `set -e`, so a failing entry does
// not stop the next, and a failing script does not stop the others (cloud-init reports it). Not done: other modules (packages, users, ...),
// merging options other than the default, include/boothook part types.
import { parse } from 'yaml';
import { parseUserData } from '../kops/user-data.js';

export interface FileToWrite {
  path: string;
  content: string;
  permissions: string;
  owner: string;
  append: boolean;
}

export interface ScriptToRun {
  /** The name the scripts run in order of: "runcmd" or the part's file name. */
  name: string;
  /** One argv per step (runcmd's entries; a shell-script part is one ["sh", "-c", text] step). */
  steps: string[][];
}

export interface CloudInitPlan {
  files: FileToWrite[];
  scripts: ScriptToRun[];
}

export interface NodeExec {
  exec(
    argv: readonly string[],
    opts?: { input?: string; timeoutMs?: number },
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

interface CloudConfigDoc {
  write_files?: {
    path: string;
    content?: string;
    encoding?: string;
    permissions?: string | number;
    owner?: string;
    append?: boolean;
  }[];
  runcmd?: (string | string[])[];
}

function decode(content: string, encoding: string | undefined): string {
  const e = (encoding ?? 'text/plain').toLowerCase();
  if (e === 'b64' || e === 'base64') return Buffer.from(content, 'base64').toString('utf8');
  if (e === 'text/plain') return content;
  throw new Error(`write_files encoding ${e} is not supported by the sandbox's cloud-init stand-in`);
}

const permissionsText = (p: string | number | undefined): string =>
  p === undefined ? '0644' : typeof p === 'number' ? `0${p.toString(8)}` : p;

/** What cloud-init would do with this user data, in order. */
export function cloudInitPlan(userData: string): CloudInitPlan {
  const files: FileToWrite[] = [];
  const runcmd: string[][] = [];
  const scripts: ScriptToRun[] = [];
  for (const part of parseUserData(userData)) {
    if (part.type === 'text/cloud-config') {
      const doc = (parse(part.content) ?? {}) as CloudConfigDoc;
      for (const f of doc.write_files ?? [])
        files.push({
          path: f.path,
          content: decode(f.content ?? '', f.encoding),
          permissions: permissionsText(f.permissions),
          owner: f.owner ?? 'root:root',
          append: f.append ?? false,
        });
      for (const c of doc.runcmd ?? []) runcmd.push(Array.isArray(c) ? c.map(String) : ['sh', '-c', c]);
    } else if (part.type === 'text/x-shellscript') {
      scripts.push({ name: part.name || 'part-001', steps: [['sh', '-c', part.content]] });
    }
  }
  if (runcmd.length > 0) scripts.push({ name: 'runcmd', steps: runcmd });
  scripts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { files, scripts };
}

export interface CloudInitResult {
  written: string[];
  /** Each step run: its script, argv and exit code. */
  ran: { script: string; argv: string[]; code: number | null; stderr: string }[];
}

const WRITE_FILE =
  'set -e; mkdir -p "$(dirname "$1")"; if [ "$4" = append ]; then cat >> "$1"; else cat > "$1"; fi; chmod "$2" "$1"; chown "$3" "$1"';

/**
 * Apply the plan on the node: the files first, then the scripts. `root` prefixes every written path
 * (a node's root mounted elsewhere; "" on the node itself).
 */
export async function applyCloudInit(node: NodeExec, plan: CloudInitPlan, root = ''): Promise<CloudInitResult> {
  const result: CloudInitResult = { written: [], ran: [] };
  for (const f of plan.files) {
    const path = `${root}${f.path}`;
    const r = await node.exec(
      ['sh', '-c', WRITE_FILE, 'write_files', path, f.permissions, f.owner, f.append ? 'append' : 'replace'],
      {
        input: f.content,
        timeoutMs: 30_000,
      },
    );
    if (r.code !== 0) throw new Error(`cloud-init stand-in: writing ${f.path} failed: ${r.stderr.trim()}`);
    result.written.push(f.path);
  }
  for (const s of plan.scripts) {
    for (const argv of s.steps) {
      const r = await node.exec(argv, { timeoutMs: 120_000 });
      result.ran.push({ script: s.name, argv, code: r.code, stderr: r.stderr });
    }
  }
  return result;
}
