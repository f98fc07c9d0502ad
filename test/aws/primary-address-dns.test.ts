// Without the secondary IP (`--no-secondary-ip`) the apps answer on the node's own address: the app
// names point at the instance's public IPv4 (desired from the instance as found on each run, so a
// changed address is followed by the next `up`), nothing else is made, a rerun plans nothing, and
// teardown removes exactly those records.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AWS_IDS, awsResources, primaryAddressResources } from '../../src/aws/resources/index.js';
import { planConverge } from '../../src/core/plan.js';
import { planAndApply } from '../../src/core/run.js';
import { CONFIG_YAML, withLibraryLab } from './harness.js';

const NO_SECONDARY = `${CONFIG_YAML}secondaryIp: false\n`;

function appRecords(state: {
  hostedZones: Record<string, { records: { name: string; type: string; values: string[] }[] }>;
}): string[] {
  return Object.values(state.hostedZones)
    .flatMap((z) => z.records)
    .filter(
      (r) => r.type === 'A' && (r.name.startsWith('hello.') || r.name.startsWith('\\052') || r.name.startsWith('*')),
    )
    .map((r) => `${r.name} ${r.values.join(',')}`)
    .sort();
}

describe('app names without the secondary IP', () => {
  test(
    "GIVEN secondaryIp: false WHEN up's resources apply THEN the app names point at the " +
      "instance's public IP, no address is allocated, and a second plan is empty",
    () =>
      withLibraryLab(
        async ({ lab, clients, config, io, signal }) => {
          const first = await planAndApply(primaryAddressResources(config, clients), {
            io,
            signal,
            mode: 'converge',
            yes: true,
            dryRun: false,
          });
          assert.equal(first.plan.steps.find((s) => s.id === AWS_IDS.dnsRecords)?.action, 'create');
          const publicIp = Object.values(lab.emu.state().networkInterfaces)[0]!.autoPublicIp!;
          assert.deepEqual(appRecords(lab.emu.state()), [
            `*.apps.example.com. ${publicIp}`,
            `hello.apps.example.com. ${publicIp}`,
          ]);
          assert.deepEqual(lab.emu.state().addresses, {}, 'no Elastic IP');
          const again = await planConverge(primaryAddressResources(config, clients), io, signal);
          assert.deepEqual(
            again.plan.steps.filter((s) => s.action !== 'unchanged'),
            [],
          );
        },
        { config: NO_SECONDARY },
      ),
  );

  test("GIVEN the records point at the instance WHEN down runs with secondaryIp: false THEN exactly those records go and kops' api record stays", () =>
    withLibraryLab(
      async ({ lab, clients, config, io, signal }) => {
        await planAndApply(primaryAddressResources(config, clients), {
          io,
          signal,
          mode: 'converge',
          yes: true,
          dryRun: false,
        });
        await planAndApply(awsResources(config, clients).destroy, {
          io,
          signal,
          mode: 'destroy',
          yes: true,
          dryRun: false,
        });
        assert.deepEqual(appRecords(lab.emu.state()), []);
        const api = Object.values(lab.emu.state().hostedZones)
          .flatMap((z) => z.records)
          .find((r) => r.name === 'api.c1.example.com.');
        assert.ok(api, "the API record is kops', not ours");
      },
      { config: NO_SECONDARY },
    ));
});
