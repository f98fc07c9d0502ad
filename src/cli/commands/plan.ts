import { desiredState } from '../../config/desired-state.js';
import { renderValue } from '../../core/plan-render.js';
import type { CommandRegistry } from '../context.js';

export function registerPlan(r: CommandRegistry): void {
  r.program
    .command('plan')
    .description('show what solokube would create or change for the configuration; changes nothing')
    .action(r.action('plan', async (ctx) => {
      const config = await ctx.loadConfig();
      const items = desiredState(config);
      const lines = [`Desired state for ${config.name} (${config.region}):`];
      for (const item of items) {
        lines.push(`  ${item.title} [${item.id}]`);
        for (const [k, v] of Object.entries(item.values)) lines.push(`      ${k}: ${renderValue(v)}`);
      }
      return { data: { cluster: config.name, region: config.region, desired: items }, text: lines.join('\n') };
    }));
}
