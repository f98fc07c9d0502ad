// What a paused cluster still costs a month: with the control-plane group at zero the instance, its
// root volume (kops deletes it with the instance) and the instance's own public IPv4 go; the etcd
// volumes, the Elastic IP (idle, still billed), the hosted zone, ECR and the state bucket stay.

import type { SolokubeConfig } from '../config/schema.js';
import { estimateCost } from '../cost/estimate.js';
import type { CostItem, CostLine } from '../cost/estimate.js';

/** Billed only while an instance runs. */
export const GONE_WHILE_PAUSED: readonly CostItem[] = ['instance', 'root-volume', 'primary-public-ipv4'];

export interface PausedCost {
  monthlyUsd: number;
  /** What the running cluster costs, for comparison. */
  runningMonthlyUsd: number;
  lines: CostLine[];
  unverified: boolean;
}

export function pausedCost(config: SolokubeConfig): PausedCost {
  const e = estimateCost(config);
  const lines = e.lines.filter((l) => !GONE_WHILE_PAUSED.includes(l.item));
  return {
    monthlyUsd: Math.round(lines.reduce((s, l) => s + l.monthlyUsd, 0) * 100) / 100,
    runningMonthlyUsd: e.totalUsd,
    lines,
    unverified: lines.some((l) => l.unverified),
  };
}
