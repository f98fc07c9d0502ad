// `npm test -- unit` promises a run in seconds on any machine: nothing booted, nothing built.
// The lab and the Go tool builder call this first, so a test that needs them but lacks the
// `// test:integration` marker fails at once with the reason instead of building for minutes.
export function refuseInUnitRun(what: string): void {
  if (process.env.SOLOKUBE_TEST_UNIT_ONLY === '1') {
    throw new Error(
      `${what} is not available in a unit test run; mark the test file with \`// test:integration\` on its first line`,
    );
  }
}
