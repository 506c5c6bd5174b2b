// What apply reads of IB before its checks counts only this plan's orders and fills in this account:
// another plan's, and this plan's orderRef in another account of the same login, are not its own.
import { afterEach, describe, expect, it } from "vitest";
import { orderRefFor } from "../../src/apply/order-ref.js";
import { readLiveState } from "../../src/apply/read-live-state.js";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, exampleSim } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
  await cleanupPlanFixtures();
});

const OTHER_ACCOUNT = "DU7654321";
const VNQ = { conId: 31230302, symbol: "VNQ", secType: "STK", exchange: "SMART", currency: "USD" };

describe("readLiveState", () => {
  it("takes as this plan's only its own orders and fills in its own account", async () => {
    const sim = await exampleSim((state) => {
      const own = state.accounts.find((a) => a.id === ACCOUNT)!;
      state.accounts.push({ ...own, id: OTHER_ACCOUNT });
    });
    const fixture = await planFixture(sim, new Date());
    const loaded = await loadPortfolioFile(fixture.portfolioFile);
    if (!loaded.ok) throw new Error("the fixture's portfolio is invalid");
    const broker = await connectBroker(sim);
    const buy = (account: string, orderRef: string) =>
      broker.placeOrder({ account, contract: VNQ, side: "BUY", quantity: 1, orderType: "MKT", orderRef });
    const mine = orderRefFor(fixture.plan.hash, "B1");
    await buy(ACCOUNT, mine);
    await buy(ACCOUNT, orderRefFor("f".repeat(64), "B1"));
    await buy(OTHER_ACCOUNT, orderRefFor(fixture.plan.hash, "B2"));
    expect(sim.executions()).toHaveLength(3);

    const live = await readLiveState(broker, loaded.portfolio, fixture.plan, () => new Date());

    expect(live.ibExecutions.map((e) => e.orderRef)).toEqual([mine]);
    expect(live.ownOrders.map((o) => o.orderRef)).toEqual([mine]);
    expect(live.fresh.account).toBe(ACCOUNT);
  });
});
