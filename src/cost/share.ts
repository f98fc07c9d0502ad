// What solokube adds to kops' bill, for the `up` summary and `plan`: one Elastic IP when the secondary
// path is on, nothing otherwise, and beside it the whole cluster's estimate when the price table
// knows the region and instance type. The public IPv4 price is the same in every region, so the
// share never fails on a region the table lacks (`solokube cost` does, with the list it has).

import type { SolokubeConfig } from '../config/schema.js';
import { estimateCost } from './estimate.js';
import { HOURS_PER_MONTH, PUBLIC_IPV4_PRICE } from './prices.js';

export interface SolokubeShare {
  monthlyUsd: number;
  /** The whole cluster's monthly estimate (`solokube cost`), when the price table covers the configuration. */
  clusterMonthlyUsd?: number;
  /** Some price behind the cluster estimate has no primary source yet. */
  clusterEstimateUnverified?: boolean;
  /**
   * The summary's cost line, e.g. "about $3.65/month for solokube's part (one public IPv4 at
   * $0.005/hour); about $50.31/month for the whole cluster (t3.medium in eu-west-1): `solokube cost`".
   */
  line: string;
}

type ShareInput = Pick<SolokubeConfig, 'secondaryIp'> & Partial<SolokubeConfig>;

function clusterEstimate(config: ShareInput): { usd: number; unverified: boolean } | undefined {
  if (!config.region || !config.instanceType || !config.apps || !config.zones || !config.dnsZone) return undefined;
  try {
    const e = estimateCost(config as SolokubeConfig);
    return { usd: e.totalUsd, unverified: e.lines.some((l) => l.unverified) };
  } catch {
    return undefined; // a region or type the table lacks: the share alone
  }
}

export function solokubeShare(config: ShareInput): SolokubeShare {
  const monthlyUsd = config.secondaryIp ? Math.round(PUBLIC_IPV4_PRICE.usd * HOURS_PER_MONTH * 100) / 100 : 0;
  const why = config.secondaryIp ? ` (one public IPv4 at $${PUBLIC_IPV4_PRICE.usd}/hour)` : '';
  const cluster = clusterEstimate(config);
  const whole = cluster
    ? `; about $${cluster.usd.toFixed(2)}/month for the whole cluster (${config.instanceType} ` +
      `in ${config.region}${cluster.unverified ? ', some prices unverified' : ''}): \`solokube cost\``
    : '; `solokube cost` for the whole cluster';
  return {
    monthlyUsd,
    ...(cluster ? { clusterMonthlyUsd: cluster.usd, clusterEstimateUnverified: cluster.unverified } : {}),
    line: `about $${monthlyUsd.toFixed(2)}/month for solokube's part${why}${whole}`,
  };
}
