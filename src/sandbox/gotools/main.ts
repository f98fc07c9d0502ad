// `node dist/src/sandbox/gotools/main.js [tool ...]`: builds the named Go tools (all when none is
// named) into the machine's cache, with progress on stderr. scripts/setup.sh and the test runner
// use it; `up --sandbox` calls ensureGoTools for just what it needs.
import { CliIoHost } from '../../cli/io-host.js';
import { ensureGoTools } from './build.js';
import { GO_TOOL_NAMES, isGoToolName } from './catalog.js';

const io = new CliIoHost({ debug: process.argv.includes('--debug'), timestamps: 'short' });
const asked = process.argv.slice(2).filter((a) => a !== '--debug');
const unknown = asked.filter((a) => !isGoToolName(a));
if (unknown.length > 0) {
  process.stderr.write(`unknown Go tool(s): ${unknown.join(', ')}; known: ${GO_TOOL_NAMES.join(', ')}\n`);
  process.exit(2);
}
try {
  const paths = await ensureGoTools(asked.length > 0 ? asked.filter(isGoToolName) : GO_TOOL_NAMES, { io });
  process.stdout.write(`${JSON.stringify(paths, null, 2)}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
