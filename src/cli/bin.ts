#!/usr/bin/env node
import { quickAnswer } from './quick-answers.js';

const quick = quickAnswer(process.argv.slice(2));
if (quick !== undefined) {
  process.stdout.write(quick);
} else {
  // The SDK warns on every command that its releases after January 2027 need Node 22. Our lock file
  // pins SDK versions that support Node 20, and the README says which Node is required; the warning
  // would only bury solokube's own stderr lines. An explicit setting by the user still wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  // Loaded only here, so that a quick answer never loads commander and the commands.
  const { main } = await import('./main.js');
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // main() handles every expected error; reaching here is a bug.
      process.stderr.write(
        `solokube: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
