// Grammar of repository names, tags and digests (ECR model = OCI distribution grammar).

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
export const REPOSITORY_NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
export const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && REPOSITORY_NAME_RE.test(name);
}
