// One login managing two accounts (a taxable account and a retirement account) that hold different
// things, for tests of what belongs to which account.
import type { SimStateFile } from "../../../src/gateway-sim/index.js";
import { ACCOUNT, testState, VNQ } from "./test-state.js";

export const SECOND = "DU7654321";

export function twoAccountState(): SimStateFile {
  const state = testState();
  state.accounts.push({
    id: SECOND,
    baseCurrency: "USD",
    cash: { USD: 3000 },
    positions: [{ conId: VNQ, quantity: 30, avgCost: 85 }],
  });
  return state;
}

export { ACCOUNT };
