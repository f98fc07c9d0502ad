// test:integration — needs root, the lab node or the Go-built Kubernetes/kops/Traefik binaries.
// The packages step on the lab's real Debian node over SSH: everything missing is installed by one
// apt run (one `apt-get update`, one `apt-get install`), it waits for another apt run's dpkg lock,
// and it gives up with a typed error when the lock stays held past its bound. The node has no
// internet, so the test serves its own tiny packages from a local flat repository (built on the
// node with dpkg-deb) and takes the image's Debian source out of the way. Needs root.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingIoHost } from '../../src/core/io.js';
import { planAndApply } from '../../src/core/run.js';
import type { Resource } from '../../src/core/resource.js';
import { nodePackages, PackageLockError, parseNodeSpec } from '../../src/node/index.js';
import type { NodeShell, PackageNeed } from '../../src/node/index.js';
import { readFileVia, writeFileAtomicVia } from '../../src/node/shell.js';
import { labShellForSuite } from './support/lab-shell.js';

// Builds skn-probe-{a,b,c} (one program each) and skn-holder (whose preinst holds dpkg for 8 s).
const REPO_SCRIPT = `set -eu
mkdir -p /srv/skn-repo /tmp/skn-build
cd /tmp/skn-build
for p in skn-probe-a skn-probe-b skn-probe-c skn-holder; do
  mkdir -p "$p/DEBIAN" "$p/usr/bin"
  printf '%s\\n' "Package: $p" 'Version: 1.0' 'Architecture: all' \\
    'Maintainer: solokube tests <tests@example.invalid>' 'Description: solokube test package' > "$p/DEBIAN/control"
  printf '#!/bin/sh\\necho %s\\n' "$p" > "$p/usr/bin/$p"
  chmod 755 "$p/usr/bin/$p"
done
printf '#!/bin/sh\\nsleep 8\\n' > skn-holder/DEBIAN/preinst
chmod 755 skn-holder/DEBIAN/preinst
: > /srv/skn-repo/Packages
for p in skn-probe-a skn-probe-b skn-probe-c skn-holder; do
  deb="/srv/skn-repo/\${p}_1.0_all.deb"
  dpkg-deb --root-owner-group --build "$p" "$deb" >/dev/null
  dpkg-deb -f "$deb" >> /srv/skn-repo/Packages
  printf '%s\\n' "Filename: ./$(basename "$deb")" "Size: $(stat -c %s "$deb")" \\
    "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)" '' >> /srv/skn-repo/Packages
done
mv /etc/apt/sources.list /etc/apt/sources.list.skn-off 2>/dev/null || true
rm -f /etc/apt/sources.list.d/*
echo 'deb [trusted=yes] file:/srv/skn-repo ./' > /etc/apt/sources.list.d/skn-test.list
`;

/** A shell that records every argv it runs, so the test can count apt runs. */
function recording(shell: NodeShell, seen: string[][]): NodeShell {
  const r: NodeShell = {
    description: shell.description,
    run: (argv, opts) => {
      seen.push([...argv]);
      return shell.run(argv, opts);
    },
    readFile: (path) => readFileVia(r, path),
    writeFileAtomic: (path, content, mode) => writeFileAtomicVia(r, path, content, mode),
    close: () => shell.close(),
  };
  return r;
}

describe('node packages on the lab node', { timeout: 300_000 }, () => {
  const io = new RecordingIoHost();
  const node = labShellForSuite(io);
  before(async () => {
    const r = await node.lab.node.exec(['sh', '-c', REPO_SCRIPT]);
    assert.equal(r.code, 0, r.stderr);
  });

  const spec = () =>
    parseNodeSpec({
      clusterName: node.lab.clusterName,
      apiServerNames: [`api.${node.lab.clusterName}`],
      primaryIp: node.lab.node.primaryAddress,
      secondaryIp: '198.18.0.22',
      prefixLength: 24,
      interface: 'host0',
      proxy: 'direct',
    });
  const need = (...names: string[]): PackageNeed[] => names.map((n) => ({ binary: n, pkg: n }));
  const converge = (r: Resource) =>
    planAndApply([r], { io, signal: AbortSignal.timeout(120_000), mode: 'converge', yes: true, dryRun: false });
  const present = async (binary: string) =>
    (await node.lab.node.exec(['sh', '-c', 'command -v "$1"', 'sh', binary])).code === 0;
  /** Start an apt run on the node that holds the dpkg lock for about 8 s (skn-holder's preinst). */
  const holdDpkgLock = async () => {
    await node.lab.node.exec([
      'sh',
      '-c',
      'dpkg -r skn-holder >/dev/null 2>&1 || true; (DEBIAN_FRONTEND=noninteractive apt-get install -y skn-holder > /tmp/skn-holder.log 2>&1 &)',
    ]);
    for (let i = 0; i < 100; i++) {
      if (
        (
          await node.lab.node.exec([
            'pgrep',
            '-f',
            'skn-holder.*preinst|preinst.*skn-holder|/var/lib/dpkg/tmp.ci/preinst',
          ])
        ).code === 0
      )
        return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('the lock holder never started its preinst');
  };

  test(
    'GIVEN two needed programs missing WHEN the packages step applies THEN one apt-get update ' +
      'and one apt-get install bring both, and a second plan changes nothing',
    async () => {
      const seen: string[][] = [];
      const step = nodePackages(spec(), recording(node.shell, seen), { needs: need('skn-probe-a', 'skn-probe-b') });
      const first = await converge(step);
      assert.equal(first.decision, 'apply');
      const aptRuns = seen.filter((a) => a.includes('apt-get'));
      assert.equal(aptRuns.filter((a) => a.includes('update')).length, 1, JSON.stringify(aptRuns));
      const installs = aptRuns.filter((a) => a.includes('install'));
      assert.equal(installs.length, 1, JSON.stringify(aptRuns));
      assert.ok(installs[0]!.includes('skn-probe-a') && installs[0]!.includes('skn-probe-b'), 'both in one install');
      assert.equal(await present('skn-probe-a'), true);
      assert.equal(await present('skn-probe-b'), true);
      assert.equal((await converge(step)).decision, 'nothing-to-do');
    },
  );

  test('GIVEN another apt run holding the dpkg lock WHEN the packages step applies THEN it waits for the lock and installs', async () => {
    await holdDpkgLock();
    const started = Date.now();
    await converge(nodePackages(spec(), node.shell, { needs: need('skn-probe-c'), lockWaitMs: 60_000 }));
    assert.equal(await present('skn-probe-c'), true);
    assert.ok(Date.now() - started > 2_000, 'it had to wait for the other run');
  });

  test('GIVEN the dpkg lock held past the bound WHEN the packages step applies THEN it fails with a typed lock error and installs nothing', async () => {
    await node.lab.node.exec(['sh', '-c', 'dpkg -r skn-probe-c >/dev/null 2>&1 || true']);
    await holdDpkgLock();
    await assert.rejects(
      converge(nodePackages(spec(), node.shell, { needs: need('skn-probe-c'), lockWaitMs: 1_000 })),
      (err: unknown) => {
        assert.ok(err instanceof PackageLockError, String(err));
        assert.match(err.message, /lock/);
        return true;
      },
    );
    assert.equal(await present('skn-probe-c'), false);
  });
});
