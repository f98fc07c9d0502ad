#!/usr/bin/env node
// Runs the compiled tests (dist/test/**/*.test.js) with node's own test runner.
//   node scripts/run-tests.mjs                 lint, format check, then everything (what CI runs)
//   node scripts/run-tests.mjs unit            pure tests only: no root, no lab, no Go tools; seconds
//   node scripts/run-tests.mjs integration     only the tests that need root, the lab or Go tools
//   node scripts/run-tests.mjs <substring ...> files whose path contains a substring
// A test file is an integration test when its first lines carry the marker `// test:integration`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const root = 'dist/test';
const args = process.argv.slice(2);
const kind = args[0] === 'unit' || args[0] === 'integration' ? args.shift() : undefined;
const filters = args;
const isIntegration = (file) => /^\/\/ test:integration\b/m.test(readFileSync(file, 'utf8').slice(0, 2000));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (filters.length === 0 || filters.some((f) => p.includes(f)))) files.push(p);
  }
};
walk(root);
const selected = files.filter((f) => kind === undefined || isIntegration(f) === (kind === 'integration')).sort();
if (selected.length === 0) {
  console.error(`no test files matched under ${root}`);
  process.exit(1);
}

// The whole suite (what CI runs) starts with the linter and the formatter's check.
if (kind === undefined && filters.length === 0) {
  for (const [what, argv] of [
    ['eslint', ['eslint', '.']],
    ['prettier', ['prettier', '--check', '--log-level=warn', '.']],
  ]) {
    const r = spawnSync(join('node_modules', '.bin', argv[0]), argv.slice(1), { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`${what} found problems (npm run lint; npm run format fixes the formatting)`);
      process.exit(1);
    }
  }
}

const env = { ...process.env };
if (kind === 'unit') {
  // A unit run never builds or boots anything: the lab and the Go tool builder refuse under this
  // variable, so a test that needs them and lacks the marker fails loudly instead of building for minutes.
  env.SOLOKUBE_TEST_UNIT_ONLY = '1';
} else if (selected.some(isIntegration)) {
  // The real Kubernetes control plane, kwok, kops and Traefik are built from their Go modules once
  // per machine (cached; a no-op afterwards). Build them first, with progress, so no test file waits
  // on a compiler inside its own timeout.
  const tools = spawnSync(process.execPath, ['dist/src/sandbox/gotools/main.js'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (tools.status !== 0) {
    console.error('building the Go tools the tests need failed (see above)');
    process.exit(1);
  }
}
// Lab tests boot containers; two cores do not gain from running more than two files at once. Unit
// files mostly wait (on timers, deadlines, retries and the emulator's answers: a unit run at two
// files at once used under half a core of CPU on average), so they run two per core.
// SOLOKUBE_TEST_CONCURRENCY overrides either.
const concurrency =
  process.env.SOLOKUBE_TEST_CONCURRENCY ?? String(kind === 'unit' ? Math.max(2, availableParallelism()) * 2 : 2);
const r = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...selected],
  {
    stdio: 'inherit',
    env,
  },
);
process.exit(r.status ?? 1);
