// A run resumed after IB has forgotten the day moves the plan's snapshot forward by the fills its
// earlier record holds, each fill's commission in the currency the record says IB charged it in: an
// account in euros whose dollar stock's commission was charged in euros is no changed account.
import { readFile, writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { LedgerRecord } from "../../src/apply/ledger.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, failingTheSecondCashRead } from "./support/apply-harness.js";
import { eurSim, sellConvertBuyPlan } from "./support/eur-example.js";
import { cleanupPlanFixtures } from "./support/plan-fixture.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

describe("runApply resuming from an earlier record on a new day", () => {
  it("takes each recorded fill's commission in the currency the record names", async () => {
    const sim = await eurSim();
    const fixture = await sellConvertBuyPlan(sim);
    const first = await apply(sim, fixture, {
      broker: failingTheSecondCashRead(sim),
    });
    const record = JSON.parse(await readFile(first.ledgerFile!, "utf8")) as LedgerRecord;
    const sell = record.orders.find((o) => o.side === "SELL" && o.executions.length > 0)!;
    const fill = sell.executions[0]!;
    expect(fill.commissionCurrency).toBe("USD");
    const commission = fill.commission!;
    expect(commission).toBeGreaterThan(0.01);
    // IB charged that commission in euros, says the record: dollars hold it, euros do not.
    fill.commissionCurrency = "EUR";
    await writeFile(first.ledgerFile!, `${JSON.stringify(record, null, 2)}\n`);
    const state = sim.snapshotState();
    await sim.stop();
    const account = state.accounts.find((a) => a.id === fixture.plan.account)!;
    const cash = account.cash ?? {};
    account.cash = { ...cash, USD: cash["USD"]! + commission, EUR: cash["EUR"]! - commission };
    // A new day: the same account, but IB remembers no orders and no executions.
    const nextDay = await startTestSim({ state });

    const again = await apply(nextDay, fixture);

    expect(again.record.refusal).toBeNull();
    expect(again.record.orders.find((o) => o.leg === sell.leg)?.resumed).toBe(true);
  });
});
