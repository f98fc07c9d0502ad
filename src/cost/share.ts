// What solokube adds to kops' bill, for the `up` summary and `plan`: one Elastic IP when the secondary
// path is on, nothing otherwise. The public IPv4 price is the same in every region, so this never
// fails on a region the price table lacks (`solokube cost` does, with the list it has).

import type { SolokubeConfig } from '../config/schema.js';
import { HOURS_PER_MONTH, PUBLIC_IPV4_PRICE } from './prices.js';

export interface SolokubeShare {
  monthlyUsd: number;
  /** The summary's cost line, e.g. "about $3.65/month for solokube's part (one public IPv4 at $0.005/hour)". */
  line: string;
}

export function solokubeShare(config: Pick<SolokubeConfig, 'secondaryIp'>): SolokubeShare {
  const monthlyUsd = config.secondaryIp ? Math.round(PUBLIC_IPV4_PRICE.usd * HOURS_PER_MONTH * 100) / 100 : 0;
  const why = config.secondaryIp ? ` (one public IPv4 at $${PUBLIC_IPV4_PRICE.usd}/hour)` : '';
  return {
    monthlyUsd,
    line: `about $${monthlyUsd.toFixed(2)}/month for solokube's part${why}; \`solokube cost\` for the whole cluster`,
  };
}
