// Which contracts of the table a request's contract description names, as IB matches them: by conId
// when one is given, else by symbol narrowed by every other field that is filled in.
import type { SimContract, SimWorld } from "../state/sim-state.js";
import type { WireContract } from "../wire/parse-place-order.js";

export function findContracts(world: SimWorld, wanted: WireContract): SimContract[] {
  if (wanted.conId !== undefined && wanted.conId > 0) {
    const contract = world.contracts.get(wanted.conId);
    return contract === undefined ? [] : [contract];
  }
  const symbol = wanted.symbol.toUpperCase();
  if (symbol === "" && wanted.localSymbol === "") return [];
  return [...world.contracts.values()].filter(
    (c) =>
      (symbol === "" || c.symbol.toUpperCase() === symbol) &&
      (wanted.localSymbol === "" || c.localSymbol === wanted.localSymbol) &&
      (wanted.secType === "" || c.secType === wanted.secType.toUpperCase()) &&
      (wanted.currency === "" || c.currency === wanted.currency.toUpperCase()) &&
      (wanted.exchange === "" || c.exchange === wanted.exchange || c.primaryExchange === wanted.exchange) &&
      (wanted.primaryExch === "" || c.primaryExchange === wanted.primaryExch),
  );
}
