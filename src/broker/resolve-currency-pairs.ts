// The IDEALPRO currency pairs a plan with fx.mode: convert may trade: one per foreign currency the
// account holds or its portfolio names, against the base currency, as IB lists it.
import type { Portfolio } from "../core/portfolio.js";
import type { SnapshotContract } from "../core/snapshot.js";
import type { ContractLookup } from "./broker.js";

/**
 * Asks IB for each pair in both orders (IB lists EUR.USD, never USD.EUR; which one comes first is IB's
 * convention, not ours to guess). A currency IB has no pair for is left out: planning then says so, if
 * it needs that conversion.
 */
export async function resolveCurrencyPairs(
  broker: ContractLookup,
  portfolio: Portfolio,
  cash: Record<string, number>,
): Promise<SnapshotContract[]> {
  if (portfolio.fx.mode !== "convert") return [];
  const base = portfolio.baseCurrency;
  const currencies = new Set([
    ...Object.keys(cash),
    ...portfolio.targets.map((t) => t.currency),
    ...Object.keys(portfolio.cash.currencies ?? {}),
  ]);
  currencies.delete(base);
  const pairs = await Promise.all(
    [...currencies].sort().map(async (currency) => {
      for (const [symbol, quoted] of [
        [currency, base],
        [base, currency],
      ] as const) {
        const [pair] = await broker.contractDetails({
          symbol,
          currency: quoted,
          secType: "CASH",
          exchange: "IDEALPRO",
        });
        if (pair !== undefined) return pair;
      }
      return undefined;
    }),
  );
  return pairs.filter((pair): pair is SnapshotContract => pair !== undefined);
}
