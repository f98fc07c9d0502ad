// Every command solokube has. A command is listed here only when it works.
import type { CommandRegistry } from '../context.js';
import { registerCost } from './cost.js';
import { registerApps } from './apps.js';
import { registerCluster } from './cluster.js';
import { registerDns } from './dns.js';
import { registerDoctor } from './doctor.js';
import { registerDown } from './down.js';
import { registerHttpsRedirect } from './https-redirect.js';
import { registerInit } from './init.js';
import { registerPause } from './pause.js';
import { registerPlan } from './plan.js';
import { registerProxy } from './proxy.js';
import { registerSandbox } from './sandbox.js';
import { registerSecondaryIp } from './secondary-ip.js';
import { registerStatus } from './status.js';
import { registerUp } from './up.js';
import { registerVersion } from './version.js';

export function registerCommands(r: CommandRegistry): void {
  registerInit(r);
  registerPlan(r);
  registerUp(r);
  registerDown(r);
  registerStatus(r);
  registerSecondaryIp(r);
  registerProxy(r);
  registerDns(r);
  registerApps(r);
  registerCluster(r);
  registerHttpsRedirect(r);
  registerDoctor(r);
  registerPause(r);
  registerCost(r);
  registerSandbox(r);
  registerVersion(r);
}
