import { isConversion } from "./plan.js";
import type { Snapshot, SnapshotContract, SnapshotQuote } from "./snapshot.js";

/** An IDEALPRO pair as IB lists it: `symbol` is the currency bought or sold, `currency` the one paid. */
export interface CurrencyPair {
  contract: SnapshotContract;
  quote?: SnapshotQuote;
  /** `EUR.USD`: how IB and traders write the pair. */
  name: string;
}

/**
 * The pair that converts between two currencies, in whichever direction IB lists it (EUR.USD, never
 * USD.EUR), from the snapshot's contracts. Undefined when the snapshot has none.
 */
export function findCurrencyPair(snapshot: Snapshot, a: string, b: string): CurrencyPair | undefined {
  const contract = snapshot.contracts.find(
    (c) => isConversion(c) && ((c.symbol === a && c.currency === b) || (c.symbol === b && c.currency === a)),
  );
  if (contract === undefined) return undefined;
  const quote = snapshot.quotes.find((q) => q.conId === contract.conId);
  return {
    contract,
    ...(quote === undefined ? {} : { quote }),
    name: `${contract.symbol}.${contract.currency}`,
  };
}
