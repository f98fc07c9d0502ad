// The CPU architecture of the node, from its EC2 instance type: Graviton families (a1, and every
// family whose generation digit is followed by "g": t4g, m7g, c7gn, r8gd, im4gn, x2gd, ...) are
// arm64; everything else solokube supports is amd64.

export type ImageArch = 'amd64' | 'arm64';

export function archForInstanceType(instanceType: string): ImageArch {
  const family = instanceType.split('.')[0] ?? '';
  return family === 'a1' || /^[a-z]+\d+g[a-z]*$/.test(family) ? 'arm64' : 'amd64';
}

/** The architecture of the machine solokube runs on, in OCI terms. */
export function hostArch(arch: string = process.arch): ImageArch | string {
  return arch === 'x64' ? 'amd64' : arch;
}
