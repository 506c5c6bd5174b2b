import type { Contract, Order } from "@stoqey/ib";
import { EventName, OrderAction, OrderType, SecType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { parsePlaceOrder } from "../../src/gateway-sim/index.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import type { IbTestClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

const vti: Contract = { conId: VTI, symbol: "VTI", secType: SecType.STK, exchange: "SMART", currency: "USD" };
const base: Order = {
  action: OrderAction.BUY,
  totalQuantity: 3,
  orderType: OrderType.MKT,
  account: ACCOUNT,
  transmit: true,
  tif: "DAY",
  orderRef: "folioctl:0123456789ab:1",
};

/** The PLACE_ORDER fields exactly as the client put them on the wire (undefined is an empty field). */
function sentPlaceOrders(client: IbTestClient, since: number): string[][] {
  return client
    .named(EventName.sent, since)
    .map((args) => (args[0] as unknown[]).map((t) => (t === undefined || t === null ? "" : String(t))))
    .filter((fields) => fields[0] === "3");
}

const cases: [string, Order, number][] = [
  ["MKT", base, 118],
  ["LMT", { ...base, orderType: OrderType.LMT, lmtPrice: 250.1 }, 118],
  // algoStrategy is followed by the parameter count and one tag/value pair.
  [
    "Adaptive",
    { ...base, algoStrategy: "Adaptive", algoParams: [{ tag: "adaptivePriority", value: "Normal" }] },
    121,
  ],
  ["MOC", { ...base, orderType: OrderType.MOC }, 118],
];

describe("PLACE_ORDER cursor", () => {
  it.each(cases)(
    "reads every field of a %s order and ends exactly at the message end",
    async (_name, o, count) => {
      const sim = await startTestSim();
      const client = await connectClient(sim.port, 1);
      const since = client.mark();
      client.ib.placeOrder(1000, vti, o);
      await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });

      const [wire] = sim.orders().map((x) => x.wire);
      expect(wire).toEqual({ fieldCount: count, cursorEnd: count });
      const [fields] = sentPlaceOrders(client, since);
      expect(fields).toHaveLength(count);
      const parsed = parsePlaceOrder(fields as string[]);
      expect(parsed.cursorEnd).toBe(count);
      expect(parsed.order).toMatchObject({
        orderId: 1000,
        orderRef: base.orderRef,
        account: ACCOUNT,
        totalQuantity: 3,
        transmit: true,
        orderType: o.orderType,
        algoStrategy: o.algoStrategy ?? "",
      });
      expect(sim.orders()[0]?.algoParams).toEqual(o.algoParams ?? []);
      // The whatIf flag sits at index 84 when no conditional group is present.
      if (o.algoStrategy === undefined) expect(fields?.[84]).toBe("");
    },
  );

  it("refuses a message with a field too many or too few", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.placeOrder(1000, vti, base);
    await client.waitFor(EventName.orderStatus, { since, where: (a) => a[1] === "Filled" });
    const [fields] = sentPlaceOrders(client, since) as [string[]];
    expect(() => parsePlaceOrder([...fields, ""])).toThrow(/1 unread field/);
    expect(() => parsePlaceOrder(fields.slice(0, -1))).toThrow(/message ended before manualOrderIndicator/);
    // An algo count that promises more pairs than the message holds.
    const algo = [...fields];
    algo.splice(82, 1, "Adaptive", "2", "adaptivePriority", "Normal");
    expect(() => parsePlaceOrder(algo)).toThrow(/message ended/);
  });

  it("answers error 320 when a PLACE_ORDER cannot be read, and places nothing", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    // Conditions with an unknown type make the layout unreadable for any server.
    client.ib.placeOrder(1000, vti, {
      ...base,
      conditions: [{ type: 99, conjunctionConnection: "and" } as never],
    });
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 320 });
    expect(client.errors(since)).toMatchObject([{ id: 1000, code: 320 }]);
    expect(sim.orders()).toEqual([]);
  });
});
