// The text `solokube cost` prints: one line per item with its unit price and source, the total, and
// the variants beside it. Unverified prices carry a mark and a footnote.

import type { CostEstimate } from './estimate.js';

const usd = (n: number): string => `$${n.toFixed(2)}`;

export function renderCost(e: CostEstimate): string {
  const width = Math.max(...e.lines.map((l) => l.description.length));
  const rows = e.lines.map((l) => {
    const unit = `${l.quantity} × $${l.unitPriceUsd}/${l.unit}`;
    return `  ${l.description.padEnd(width)}  ${unit.padEnd(26)} ${usd(l.monthlyUsd).padStart(8)}${l.unverified ? ' *' : ''}`;
  });
  const out = [
    `Monthly estimate for ${e.instanceType} in ${e.region} (price table of ${e.priceTableDate})`,
    ...rows,
    `  ${'total'.padEnd(width)}  ${''.padEnd(26)} ${usd(e.totalUsd).padStart(8)}`,
    `  of which solokube's part: ${usd(e.solokubeShareUsd)}`,
    '',
    'Beside it:',
    ...e.variants.map(
      (v) =>
        `  ${usd(v.monthlyUsd).padStart(8)}  (${v.deltaUsd >= 0 ? '+' : '−'}${usd(Math.abs(v.deltaUsd))})  ${v.description}`,
    ),
    '',
    ...e.assumptions.map((a) => `Note: ${a}.`),
  ];
  if (e.lines.some((l) => l.unverified))
    out.push(
      '* unverified price: no primary source was at hand; check it against the AWS price list (src/cost/prices.ts says where).',
    );
  return out.join('\n');
}
