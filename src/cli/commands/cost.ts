// `solokube cost`: the monthly estimate for the configuration (instance, kops' volumes, public IPv4s,
// hosted zone, ECR, state bucket), beside a load balancer and the --no-secondary-ip variant.
// Contacts nothing: the prices come from the dated table in src/cost/prices.ts.

import { INSTANCE_TYPE_RE } from '../../config/validators.js';
import { UsageError } from '../../core/errors.js';
import { estimateCost, renderCost } from '../../cost/index.js';
import type { CommandRegistry } from '../context.js';

interface CostOptions {
  instanceType?: string;
}

export function registerCost(r: CommandRegistry): void {
  r.program
    .command('cost')
    .description('monthly estimate from the configuration and a dated price table; contacts nothing')
    .option('--instance-type <type>', 'estimate for this instance type instead of the configured one')
    .action(
      r.action<CostOptions>('cost', async (ctx, opts) => {
        const config = await ctx.loadConfig();
        if (opts.instanceType !== undefined && !INSTANCE_TYPE_RE.test(opts.instanceType)) {
          throw new UsageError(
            `--instance-type ${JSON.stringify(opts.instanceType)} is not an EC2 instance type`,
            'Use a name such as t3.medium.',
          );
        }
        const estimate = estimateCost(
          opts.instanceType === undefined ? config : { ...config, instanceType: opts.instanceType },
        );
        return { data: estimate, text: renderCost(estimate) };
      }),
    );
}
