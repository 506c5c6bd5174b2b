// Field counts and landmarks of what the simulator writes, as received by @stoqey/ib's socket layer,
// against the layouts of server version 193 (docs: tws-wire-protocol.md, sections 4 and 4.1).
import { EventName, OrderAction, OrderType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { RawClient } from "./support/raw-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

/** Raw field lists of the messages with id `id` the client received since `since`. */
function received(client: IbTestClient, id: number, since = 0): string[][] {
  return client
    .named(EventName.received, since)
    .map((args) => args[0] as string[])
    .filter((fields) => fields[0] === String(id));
}

describe("message layouts", () => {
  it("writes OPEN_ORDER with 133 fields, COMPLETED_ORDER with 98, EXECUTION_DATA with 32, CONTRACT_DATA with 42", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    const order = {
      action: OrderAction.BUY,
      totalQuantity: 2,
      orderType: OrderType.MKT,
      account: ACCOUNT,
      transmit: true,
      orderRef: "ref-1",
    };
    client.ib.placeOrder(1000, { conId: VTI, exchange: "SMART" }, order);
    await client.waitFor(EventName.commissionReport, { since });
    client.ib.reqCompletedOrders(false);
    client.ib.reqContractDetails(3, { conId: VTI });
    client.ib.reqPositions();
    await client.waitFor(EventName.positionEnd, { since });

    const [openOrder] = received(client, 5, since);
    expect(openOrder).toHaveLength(133);
    const permId = sim.orders()[0]?.permId;
    expect([openOrder?.[1], openOrder?.[23], openOrder?.[24], openOrder?.[25], openOrder?.[85]]).toEqual([
      "1000",
      "ref-1",
      "1",
      String(permId),
      "Submitted",
    ]);
    const filledOpenOrder = received(client, 5, since).at(-1);
    expect([filledOpenOrder?.[85], filledOpenOrder?.[95], filledOpenOrder?.[98]]).toEqual([
      "Filled",
      "1",
      "USD",
    ]);

    const [completed] = received(client, 101, since);
    expect(completed).toHaveLength(98);
    expect([completed?.[22], completed?.[72], completed?.[90]]).toEqual(["ref-1", "Filled", "Filled"]);
    const [execution] = received(client, 11, since);
    expect(execution).toHaveLength(32);
    expect([execution?.[1], execution?.[26]]).toEqual(["-1", "ref-1"]);
    expect(received(client, 10, since)[0]).toHaveLength(42);
    expect(received(client, 61, since)[0]).toEqual([
      "61",
      "3",
      ACCOUNT,
      String(VTI),
      "VTI",
      "STK",
      "",
      "0.0",
      "",
      "",
      "SMART",
      "USD",
      "VTI",
      "VTI",
      "102",
      expect.any(String),
    ]);
    expect(received(client, 3, since)[0]).toHaveLength(12);
  });

  it("reads a handshake and messages that arrive one byte at a time", async () => {
    const sim = await startTestSim();
    const raw = await RawClient.open(sim.port);
    const hello = Buffer.concat([
      Buffer.from("API\0", "latin1"),
      Buffer.from([0, 0, 0, 9]),
      Buffer.from("v100..193"),
    ]);
    const start = Buffer.from("71\u00002\u00004\u0000\u0000", "utf8");
    const time = Buffer.from("49\u00001\u0000", "utf8");
    const frame = (payload: Buffer): Buffer =>
      Buffer.concat([Buffer.from([0, 0, 0, payload.length]), payload]);
    const bytes = Buffer.concat([hello, frame(start), frame(time)]);
    for (const byte of bytes) raw.write(Buffer.from([byte]));
    await raw.until(() => raw.messages.some((m) => m[0] === "49"));
    expect(raw.messages[0]?.[0]).toBe("193");
    expect(raw.messages.map((m) => m[0])).toEqual(["193", "15", "9", "4", "4", "4", "49"]);
    raw.destroy();
  });

  it("drops a connection that does not start with API\\0", async () => {
    const sim = await startTestSim();
    const raw = await RawClient.open(sim.port);
    raw.write(Buffer.from("GET / HTTP/1.1\r\n\r\n", "latin1"));
    await raw.until(() => raw.closed);
    expect(raw.messages).toEqual([]);
  });
});
