// `kops validate cluster -o json` output: with --wait it prints one JSON object per attempt with no
// separator (kops-notes §7.1). The last object is the verdict; its failures are what is still wrong.

export interface ValidationFailure {
  type: string;
  name: string;
  message: string;
}
export interface ValidationNode {
  name: string;
  role: string;
  status: string;
  zone?: string;
  hostname?: string;
}
export interface ValidationResult {
  failures: ValidationFailure[];
  nodes: ValidationNode[];
}

/** Splits concatenated JSON objects ("{…}{…}") at depth zero, strings respected. */
export function splitJsonObjects(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0 && start >= 0) {
        out.push(text.slice(start, i + 1));
        start = -1;
      }
    }
  }
  return out;
}

export function parseValidation(stdout: string): ValidationResult | undefined {
  const last = splitJsonObjects(stdout).at(-1);
  if (last === undefined) return undefined;
  const v = JSON.parse(last) as {
    failures?: { type?: string; name?: string; message?: string }[];
    nodes?: ValidationNode[];
  };
  return {
    failures: (v.failures ?? []).map((f) => ({ type: f.type ?? '', name: f.name ?? '', message: f.message ?? '' })),
    nodes: v.nodes ?? [],
  };
}
