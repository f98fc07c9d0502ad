/** What `solokube version` prints; one definition for the full command and the bundle's quick answer. */
export function versionText(version: string, node: string): string {
  return `solokube ${version} (node ${node})`;
}
