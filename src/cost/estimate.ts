// The monthly estimate for one configuration: what the single-node kops cluster and solokube's
// additions cost, beside the alternative the design avoids (a network load balancer) and the
// --no-secondary-ip variant. Pure: prices come from prices.ts, sizes from kops' defaults below.

import type { SolokubeConfig } from '../config/schema.js';
import { SolokubeError } from '../core/errors.js';
import { HOURS_PER_MONTH, PRICES, PRICE_TABLE_DATE, type Price, type RegionPrices } from './prices.js';

/** kops HEAD (2026-08) defaults that drive the bill (shared/reference/node-reclaim-and-cost-notes.md §4.3). */
export const KOPS_VOLUMES = {
  /** pkg/model/defaults/volumes.go: control-plane root volume, gp3 at the free 3000 IOPS / 125 MB/s. */
  controlPlaneRootGb: 64,
  /** pkg/model/master_volumes.go: one 20 GiB gp3 volume per member for etcd `main` and for `events`. */
  etcdMainGb: 20,
  etcdEventsGb: 20,
} as const;

/** Assumptions where the bill depends on use; printed with the estimate. */
export const USAGE_ASSUMPTIONS = {
  /** Compressed image layers kept per app in ECR (a few tags of a small service). */
  ecrGbPerApp: 0.5,
  /** kops state plus etcd-manager backups (kept 90 days) in the state bucket. */
  stateBucketGb: 1,
} as const;

export type CostItem =
  | 'instance'
  | 'root-volume'
  | 'etcd-main-volume'
  | 'etcd-events-volume'
  | 'primary-public-ipv4'
  | 'elastic-ip'
  | 'hosted-zone'
  | 'ecr-storage'
  | 'state-bucket'
  | 'load-balancer'
  | 'load-balancer-public-ipv4';

export interface CostLine {
  item: CostItem;
  description: string;
  quantity: number;
  unit: Price['per'] | 'address-hour' | 'GB';
  unitPriceUsd: number;
  monthlyUsd: number;
  source: string;
  date: string;
  unverified: boolean;
}

export interface CostVariant {
  name: string;
  description: string;
  monthlyUsd: number;
  /** Difference to this configuration's total (positive = dearer). */
  deltaUsd: number;
}

export interface CostEstimate {
  region: string;
  instanceType: string;
  hoursPerMonth: number;
  priceTableDate: string;
  lines: CostLine[];
  totalUsd: number;
  /** What solokube adds to kops' bill: the Elastic IP when the secondary path is on. */
  solokubeShareUsd: number;
  variants: CostVariant[];
  assumptions: string[];
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export class PriceUnknownError extends SolokubeError {
  constructor(what: string, known: string[]) {
    super({
      code: 'cost.price-unknown',
      message: `The price table has no ${what}; it has ${known.join(', ')}.`,
      remedy: 'Choose one of those, or add the price (with its date and source) to src/cost/prices.ts.',
      actor: 'user',
      exitCode: 2,
    });
  }
}

export function regionPrices(region: string): RegionPrices {
  const r = Object.hasOwn(PRICES, region) ? PRICES[region] : undefined;
  if (!r) throw new PriceUnknownError(`prices for region ${region}`, [`regions ${Object.keys(PRICES).join(', ')}`]);
  return r;
}

function instancePrice(r: RegionPrices, region: string, type: string): Price {
  const price = Object.hasOwn(r.instances, type) ? r.instances[type] : undefined;
  if (!price)
    throw new PriceUnknownError(`price for instance type ${type} in ${region}`, [
      `for ${region}: ${Object.keys(r.instances).join(', ')}`,
    ]);
  return price;
}

function hourly(
  item: CostItem,
  description: string,
  quantity: number,
  price: Price,
  unit: CostLine['unit'] = 'hour',
): CostLine {
  return line(item, description, quantity, unit, price, price.usd * HOURS_PER_MONTH * quantity);
}

function monthly(
  item: CostItem,
  description: string,
  quantity: number,
  price: Price,
  unit: CostLine['unit'],
): CostLine {
  return line(item, description, quantity, unit, price, price.usd * quantity);
}

function line(
  item: CostItem,
  description: string,
  quantity: number,
  unit: CostLine['unit'],
  price: Price,
  usd: number,
): CostLine {
  return {
    item,
    description,
    quantity,
    unit,
    unitPriceUsd: price.usd,
    monthlyUsd: round2(usd),
    source: price.source,
    date: price.date,
    unverified: price.confidence === 'unverified',
  };
}

/** The Elastic IP's monthly price in a region: what solokube's secondary path adds. */
export function elasticIpMonthlyUsd(region: string): number {
  return round2(regionPrices(region).publicIpv4.usd * HOURS_PER_MONTH);
}

export function estimateCost(config: SolokubeConfig): CostEstimate {
  const region = config.region;
  const r = regionPrices(region);
  const instance = instancePrice(r, region, config.instanceType);
  const zones = Math.max(1, config.zones.length);
  const base: CostLine[] = [
    hourly('instance', `control-plane instance ${config.instanceType}, on demand`, 1, instance),
    monthly(
      'root-volume',
      'root volume, gp3 (kops default for the control plane)',
      KOPS_VOLUMES.controlPlaneRootGb,
      r.ebsGp3,
      'GB',
    ),
    monthly('etcd-main-volume', 'etcd main volume, gp3 (kops default)', KOPS_VOLUMES.etcdMainGb, r.ebsGp3, 'GB'),
    monthly('etcd-events-volume', 'etcd events volume, gp3 (kops default)', KOPS_VOLUMES.etcdEventsGb, r.ebsGp3, 'GB'),
    hourly(
      'primary-public-ipv4',
      'public IPv4 of the instance (primary address, kube-apiserver)',
      1,
      r.publicIpv4,
      'address-hour',
    ),
    monthly(
      'hosted-zone',
      `Route 53 hosted zone ${config.dnsZone} (queries not included)`,
      1,
      r.route53Zone,
      'zone-month',
    ),
    monthly(
      'ecr-storage',
      `ECR storage, ${USAGE_ASSUMPTIONS.ecrGbPerApp} GB for each of ${config.apps.length} app(s)`,
      config.apps.length * USAGE_ASSUMPTIONS.ecrGbPerApp,
      r.ecrStorage,
      'GB',
    ),
    monthly(
      'state-bucket',
      `S3 state bucket (kops state and etcd backups), ${USAGE_ASSUMPTIONS.stateBucketGb} GB`,
      USAGE_ASSUMPTIONS.stateBucketGb,
      r.s3Standard,
      'GB',
    ),
  ];
  const eip = hourly(
    'elastic-ip',
    'Elastic IP for the apps (secondary private IP path)',
    1,
    r.publicIpv4,
    'address-hour',
  );
  const lines = config.secondaryIp ? [...base, eip] : base;
  const total = round2(lines.reduce((s, l) => s + l.monthlyUsd, 0));
  const baseTotal = round2(base.reduce((s, l) => s + l.monthlyUsd, 0));
  const withEip = round2(baseTotal + eip.monthlyUsd);
  // An internet-facing NLB is billed per hour plus one public IPv4 per zone it serves; traffic adds NLCUs.
  const nlb = hourly('load-balancer', 'network load balancer', 1, r.nlbHour);
  const nlbIps = hourly(
    'load-balancer-public-ipv4',
    'public IPv4 of the load balancer, one per zone',
    zones,
    r.publicIpv4,
    'address-hour',
  );
  const withNlb = round2(baseTotal + nlb.monthlyUsd + nlbIps.monthlyUsd);
  return {
    region,
    instanceType: config.instanceType,
    hoursPerMonth: HOURS_PER_MONTH,
    priceTableDate: PRICE_TABLE_DATE,
    lines,
    totalUsd: total,
    solokubeShareUsd: config.secondaryIp ? eip.monthlyUsd : 0,
    variants: [
      {
        name: 'secondary-ip',
        description: 'apps on 443/80 through a secondary private IP and an Elastic IP (this design)',
        monthlyUsd: withEip,
        deltaUsd: round2(withEip - total),
      },
      {
        name: 'no-secondary-ip',
        description: 'up --no-secondary-ip: apps only on the NodePorts 30443/30080 of the primary address',
        monthlyUsd: baseTotal,
        deltaUsd: round2(baseTotal - total),
      },
      {
        name: 'load-balancer',
        description: `a network load balancer instead (the alternative the design avoids), before its traffic charge of $${r.nlcuHour.usd} per NLCU-hour`,
        monthlyUsd: withNlb,
        deltaUsd: round2(withNlb - total),
      },
    ],
    assumptions: [
      `monthly = hourly × ${HOURS_PER_MONTH} (the AWS pricing calculator's month); on demand, Linux, no free tier, no tax`,
      'data transfer, DNS queries, snapshots and NLCU traffic are not included',
      `ECR: ${USAGE_ASSUMPTIONS.ecrGbPerApp} GB of compressed layers per app; state bucket: ${USAGE_ASSUMPTIONS.stateBucketGb} GB`,
    ],
  };
}
