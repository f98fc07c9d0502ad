#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's own test runner.
// Usage: node scripts/run-tests.mjs [substring ...]   (only files whose path contains a substring)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = 'dist/test';
const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (filters.length === 0 || filters.some((f) => p.includes(f)))) files.push(p);
  }
};
walk(root);
files.sort();
if (files.length === 0) {
  console.error(`no test files matched under ${root}`);
  process.exit(1);
}
// The real Kubernetes control plane, kwok, kops and Traefik the tests run are built from their Go
// modules once per machine (cached; a no-op afterwards). Build them first, with progress, so no test
// file waits on a compiler inside its own timeout.
const tools = spawnSync(process.execPath, ['dist/src/sandbox/gotools/main.js'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (tools.status !== 0) {
  console.error('building the Go tools the tests need failed (see above)');
  process.exit(1);
}
// Lab tests boot containers; two cores do not gain from running more than two files at once.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
