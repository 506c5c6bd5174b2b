// A login managing many accounts (an advisor's): the test state's account, then `count - 1` more,
// each holding some VNQ and cash of its own, so that every account's figures differ.
import type { SimStateFile } from "../../../src/gateway-sim/index.js";
import { testState, VNQ } from "./test-state.js";

export function accountId(index: number): string {
  return `DU9${String(index).padStart(6, "0")}`;
}

export function manyAccountsState(count: number): SimStateFile {
  const state = testState();
  for (let i = 1; i < count; i++) {
    state.accounts.push({
      id: accountId(i),
      baseCurrency: "USD",
      cash: { USD: 1000 + i },
      positions: [{ conId: VNQ, quantity: i, avgCost: 80 }],
    });
  }
  return state;
}
