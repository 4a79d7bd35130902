/**
 * USD per million tokens (input, output) by model, for CreditUsageLog.cost_usd. The dev models
 * are priced as the model they stand in for, so the demo shows realistic costs.
 */
const PER_MILLION: Record<string, readonly [number, number]> = {
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4o': [2.5, 10],
  'gpt-4.1': [2, 8],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  'gpt-5': [1.25, 10],
  'gpt-5-mini': [0.25, 2],
  'igny8-dev-small': [0.15, 0.6],
  'igny8-dev-large': [2.5, 10],
};
/** Used for models missing from the table: priced high rather than free, so costs are never hidden. */
const UNKNOWN: readonly [number, number] = [5, 15];

export function costUsd(model: string, tokensIn: number, tokensOut: number): number {
  const base = Object.keys(PER_MILLION).find((m) => model === m || model.startsWith(`${m}-`));
  const [inPrice, outPrice] = base ? PER_MILLION[base]! : UNKNOWN;
  return Math.round(((tokensIn * inPrice + tokensOut * outPrice) / 1_000_000) * 1e6) / 1e6;
}
