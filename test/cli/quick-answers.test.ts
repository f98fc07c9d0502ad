// The bundle answers `--help`, `-h` and `version` without loading commander and the command modules
// (src/cli/quick-answers.ts, text generated at build time). Those answers must be exactly what the
// full program prints, and anything the quick path does not know goes to the full program.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { helpWidth } from '../../src/cli/help-width.js';
import { quickAnswer } from '../../src/cli/quick-answers.js';
import { CLI, NO_REAL_AWS, runCli } from '../support/cli.js';

const MODULE_LOG = fileURLToPath(new URL('../support/module-log.js', import.meta.url));

/** The full program (tsc's modules, commander and all) in this process, stdout captured. */
async function fullProgram(args: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  const code = await main(['node', 'solokube', ...args], { stdout });
  return { code, stdout: text };
}

/** The files a run of the bundled CLI loads, with their sizes. */
async function filesLoadedByBundle(args: string[]): Promise<{ code: number | null; files: Map<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'solokube-quick-'));
  const log = join(dir, 'modules.log');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', MODULE_LOG, CLI, ...args], {
        env: { ...process.env, ...NO_REAL_AWS, SOLOKUBE_MODULE_LOG: log },
        stdio: 'ignore',
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const files = new Map<string, number>();
    for (const url of readFileSync(log, 'utf8').split('\n')) {
      if (!url.startsWith('file:')) continue;
      const path = fileURLToPath(url);
      files.set(path, statSync(path).size);
    }
    return { code, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const bundled = () => readFileSync(CLI, 'utf8').slice(0, 400).includes('__solokubeCreateRequire');

describe('quick answers of the bundled CLI', () => {
  test('GIVEN the built CLI THEN it is the bundle (the quick answers exist only there)', () => {
    assert.ok(bundled(), `${CLI} is tsc's output, not the bundle: run npm run build`);
  });

  for (const args of [['--help'], ['-h'], ['version']]) {
    test(`GIVEN solokube ${args.join(' ')} WHEN the bundle answers THEN stdout and exit code equal the full program's`, async () => {
      const quick = await runCli(args, { subprocess: true });
      const full = await fullProgram(args);
      assert.equal(quick.code, full.code);
      assert.equal(quick.stdout, full.stdout);
      assert.equal(quick.stderr, '');
    });
  }

  for (const args of [['--help'], ['version']]) {
    test(`GIVEN solokube ${args.join(' ')} THEN the bundle loads none of commander or the command modules (a few kB, not the program)`, async () => {
      const r = await filesLoadedByBundle(args);
      assert.equal(r.code, 0);
      assert.ok(r.files.has(CLI), `the module log works: ${[...r.files.keys()].join(', ')}`);
      const total = [...r.files.values()].reduce((a, b) => a + b, 0);
      // commander alone is over 100 kB; the full program with its commands several hundred.
      assert.ok(total < 40_000, `${total} bytes loaded: ${[...r.files.keys()].join(', ')}`);
    });
  }

  test('GIVEN arguments beyond the exact quick ones WHEN asked THEN the full program answers', async () => {
    for (const args of [['--help', '-o', 'json'], ['version', '-o', 'json'], ['plan', '--help'], ['help'], []]) {
      assert.equal(quickAnswer(args, { isTTY: false }), undefined, args.join(' '));
    }
    const json = await runCli(['version', '-o', 'json'], { subprocess: true });
    assert.equal((JSON.parse(json.stdout) as { result: { version: string } }).result.version.length > 0, true);
  });

  test("GIVEN tsc's unbundled modules WHEN asked for help THEN there is no quick answer (no text was built in)", () => {
    assert.equal(quickAnswer(['--help'], { isTTY: false }), undefined);
    assert.equal(quickAnswer(['version'], { isTTY: false }), undefined);
  });
});

describe('help width', () => {
  test('GIVEN a pipe or a terminal of 80 columns or more THEN help is 80 wide; a narrower terminal gets its own width', () => {
    assert.equal(helpWidth({ isTTY: false }), 80);
    assert.equal(helpWidth({ isTTY: true, columns: 200 }), 80);
    assert.equal(helpWidth({ isTTY: true, columns: 80 }), 80);
    assert.equal(helpWidth({ isTTY: true, columns: 50 }), 50);
    assert.equal(helpWidth({ isTTY: true, columns: 0 }), 80);
  });
});
