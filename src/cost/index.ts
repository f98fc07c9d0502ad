// `solokube cost`: a monthly estimate from the configuration and a dated, sourced price table.
export {
  estimateCost,
  elasticIpMonthlyUsd,
  regionPrices,
  PriceUnknownError,
  KOPS_VOLUMES,
  USAGE_ASSUMPTIONS,
} from './estimate.js';
export type { CostEstimate, CostLine, CostVariant, CostItem } from './estimate.js';
export { renderCost } from './render.js';
export { solokubeShare } from './share.js';
export type { SolokubeShare } from './share.js';
export { PRICES, PRICE_TABLE_DATE, HOURS_PER_MONTH } from './prices.js';
