// The built-in example's project directory: solokube's own examples/ (shipped with the package),
// where the example configuration's Dockerfile and build context are. From dist/src/apps/ (tsc's
// layout, which the bundle keeps for import.meta.url) it is three levels up.
import { fileURLToPath } from 'node:url';

export function exampleProjectDir(): string {
  return fileURLToPath(new URL('../../../examples/', import.meta.url));
}
