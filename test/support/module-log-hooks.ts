// Module hooks for test/cli/lazy-loading.test.ts: every module URL the loader loads is appended
// to the file named by SOLOKUBE_MODULE_LOG, one line each. The hooks run on the loader's own thread.
import { appendFileSync } from 'node:fs';

type NextLoad = (url: string, context: unknown) => Promise<unknown>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  const log = process.env.SOLOKUBE_MODULE_LOG;
  if (log) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
