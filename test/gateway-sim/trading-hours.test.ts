import type { Order } from "@stoqey/ib";
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { SimStateFile } from "../../src/gateway-sim/index.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, testState, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

const HOURS = "20261124:0930-20261124:1600;20261125:0930-20261125:1600;20261126:CLOSED";
const EXTENDED = "20261124:0400-20261124:2000;20261125:0400-20261125:2000;20261126:CLOSED";

function stateWithHours(): SimStateFile {
  const state = testState();
  state.contracts = state.contracts.map((c) =>
    c.conId === VTI
      ? { ...c, timeZoneId: "America/New_York", liquidHours: HOURS, tradingHours: EXTENDED }
      : c,
  );
  return state;
}

const buy: Order = {
  action: OrderAction.BUY,
  totalQuantity: 5,
  orderType: OrderType.MKT,
  account: ACCOUNT,
  transmit: true,
};

describe("trading hours", () => {
  it("holds an order outside liquid hours with warning 399 and fills it once the market opens", async () => {
    let now = new Date("2026-11-24T13:00:00Z"); // 08:00 in New York
    const sim = await startTestSim({ state: stateWithHours(), clock: { now: () => now } });
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, { conId: VTI, exchange: "SMART" }, buy);
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1000 });
    const [warning] = client.errors(since);
    expect(warning).toMatchObject({ id: 1000, code: 399 });
    expect(warning?.message).toContain(
      "will not be placed at the exchange until 2026-11-24 09:30:00 America/New_York",
    );
    expect(client.named(EventName.orderStatus, since).map((a) => a[1])).toEqual(["PreSubmitted"]);
    expect(sim.executions()).toEqual([]);

    since = client.mark();
    now = new Date("2026-11-24T14:30:00Z"); // 09:30, the open
    sim.reevaluate();
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    expect(client.named(EventName.orderStatus, since).map((a) => a[1])).toEqual(["Submitted", "Filled"]);
  });

  it("wakes up by itself at the open", async () => {
    // A clock that runs, set 300 ms before the open.
    const offset = new Date("2026-11-24T14:29:59.700Z").getTime() - Date.now();
    const sim = await startTestSim({
      state: stateWithHours(),
      clock: { now: () => new Date(Date.now() + offset) },
    });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, { conId: VTI, exchange: "SMART" }, buy);
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    expect(client.errors(since).map((e) => e.code)).toEqual([399]);
  });

  it("fills outsideRth orders in the extended session, and holds them on a closed day", async () => {
    let now = new Date("2026-11-24T13:00:00Z");
    const sim = await startTestSim({ state: stateWithHours(), clock: { now: () => now } });
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.placeOrder(1000, { conId: VTI, exchange: "SMART" }, { ...buy, outsideRth: true });
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });

    now = new Date("2026-11-26T15:00:00Z"); // Thanksgiving, closed
    since = client.mark();
    client.ib.placeOrder(1001, { conId: VTI, exchange: "SMART" }, { ...buy, outsideRth: true });
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[0] === 1001 });
    expect(client.errors(since)[0]?.message).toContain("until the market opens");
    expect(sim.orders()[1]?.status).toBe("PreSubmitted");
  });

  it("treats a contract without hours as always open", async () => {
    const sim = await startTestSim({ clock: { now: () => new Date("2026-11-26T03:00:00Z") } });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, { conId: VTI, exchange: "SMART" }, buy);
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    expect(client.errors(since)).toEqual([]);
  });
});
