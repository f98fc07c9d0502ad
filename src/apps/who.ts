// Who a deployment record names: the git identity when the project has one (what a team reads in
// `apps history`), else the machine's user and host.
import { execFile } from 'node:child_process';
import { hostname, userInfo } from 'node:os';

export function deployer(projectDir: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolveWho) => {
    execFile('git', ['-C', projectDir, 'config', 'user.email'], { signal, timeout: 5_000 }, (err, stdout) => {
      const email = err ? '' : stdout.trim();
      if (email !== '') return resolveWho(email);
      let user = 'unknown';
      try {
        user = userInfo().username;
      } catch {
        // no passwd entry (some containers): keep "unknown"
      }
      resolveWho(`${user}@${hostname()}`);
    });
  });
}
