// Every apply for an account connects with one client id derived from the account, so that the gateway
// itself refuses a second apply for it: the id must be stable, in apply's range, and spread over it.
import { describe, expect, it } from "vitest";
import { APPLY_CLIENT_IDS, applyClientId } from "../../src/apply/apply-client-id.js";

describe("applyClientId", () => {
  const accounts = Array.from({ length: 400 }, (_, i) => `DU${String(1_000_000 + i * 7919)}`);
  // Computed in each test, not when the file is collected: a broken hash then fails a test rather
  // than the collection, which a mutation run does not count as a failure.
  const idsOf = (): number[] => accounts.map(applyClientId);

  it("gives an account the same id every time, in 7000-7999", () => {
    const ids = idsOf();
    expect(APPLY_CLIENT_IDS).toEqual({ first: 7000, count: 1000 });
    for (const [i, account] of accounts.entries()) expect(applyClientId(account)).toBe(ids[i]);
    for (const id of ids) {
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(7000);
      expect(id).toBeLessThanOrEqual(7999);
    }
  });

  it("spreads accounts over the whole range, so that two accounts rarely share one", () => {
    const ids = idsOf();
    expect(new Set(ids).size).toBeGreaterThan(300);
    expect(Math.min(...ids)).toBeLessThan(7100);
    expect(Math.max(...ids)).toBeGreaterThan(7900);
    expect(applyClientId("DU1234567")).not.toBe(applyClientId("DU7654321"));
  });
});
