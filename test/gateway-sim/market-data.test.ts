import type { Contract } from "@stoqey/ib";
import { EventName, SecType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { BND, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

const vti: Contract = { conId: VTI, symbol: "VTI", secType: SecType.STK, exchange: "SMART", currency: "USD" };

/** Requests one snapshot and returns what came back: data type, prices and sizes by tick type, errors. */
async function snapshot(client: IbTestClient, reqId: number, type: number, contract: Contract = vti) {
  const since = client.mark();
  client.ib.reqMarketDataType(type);
  client.ib.reqMktData(reqId, contract, "", true, false);
  await Promise.race([
    client.waitFor(EventName.tickSnapshotEnd, { since, where: (a) => a[0] === reqId }),
    client.waitFor(EventName.error, { since, where: (a) => a[2] === reqId && a[1] !== 10167 }),
  ]);
  return {
    types: client.named(EventName.marketDataType, since).map((a) => a[1]),
    prices: Object.fromEntries(client.named(EventName.tickPrice, since).map((a) => [a[1], a[2]])),
    sizes: Object.fromEntries(client.named(EventName.tickSize, since).map((a) => [a[1], a[2]])),
    errors: client.errors(since).map((e) => e.code),
    ended: client.named(EventName.tickSnapshotEnd, since).length,
  };
}

describe("market data", () => {
  it("gives live ticks, their sizes and the snapshot end for type 1 under a live permission", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    expect(await snapshot(client, 1, 1)).toEqual({
      types: [1],
      prices: { 1: 249.95, 2: 250.05, 4: 250, 9: 248.1 },
      sizes: { 0: 300, 3: 200, 5: 100, 8: 1200000 },
      errors: [],
      ended: 1,
    });
  });

  it("serves frozen data for types 2 and 4 and live data for type 3 when live is permitted", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    expect((await snapshot(client, 1, 2)).types).toEqual([2]);
    expect((await snapshot(client, 2, 3)).types).toEqual([1]);
    const frozen = await snapshot(client, 3, 4);
    expect(frozen.types).toEqual([2]);
    expect(frozen.prices[1]).toBe(249.95);
  });

  it("answers live and frozen requests with 354 and delayed ones with 10167 and DELAYED_* ticks under a delayed permission", async () => {
    const sim = await startTestSim({
      state: { ...(await import("./support/test-state.js")).testState(), marketData: "delayed" },
    });
    const client = await connectClient(sim.port, 1);
    expect(await snapshot(client, 1, 1)).toMatchObject({ errors: [354], ended: 0, types: [] });
    expect(await snapshot(client, 2, 2)).toMatchObject({ errors: [354], ended: 0 });
    expect(await snapshot(client, 3, 3)).toEqual({
      types: [3],
      prices: { 66: 249.95, 67: 250.05, 68: 250, 75: 248.1 },
      sizes: { 69: 300, 70: 200, 71: 100, 74: 1200000 },
      errors: [10167],
      ended: 1,
    });
    expect(await snapshot(client, 4, 4)).toMatchObject({ types: [4], errors: [10167], ended: 1 });
  });

  it("answers every type with 354 when there is no permission", async () => {
    const sim = await startTestSim();
    sim.setMarketData("none");
    const client = await connectClient(sim.port, 1);
    for (const type of [1, 2, 3, 4]) expect((await snapshot(client, type, type)).errors).toEqual([354]);
  });

  it("answers an unknown contract with 200", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const result = await snapshot(client, 1, 1, {
      symbol: "NOPE",
      secType: SecType.STK,
      exchange: "SMART",
      currency: "USD",
    });
    expect(result.errors).toEqual([200]);
  });

  it("streams ticks on an open line until it is cancelled; 102 for a duplicate id, 300 for an unknown one", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqMarketDataType(1);
    client.ib.reqMktData(5, vti, "", false, false);
    client.ib.reqMktData(5, vti, "", false, false);
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 102 });
    expect(client.named(EventName.tickSnapshotEnd, since)).toEqual([]);

    since = client.mark();
    sim.setQuote(VTI, { bid: 251, ask: 251.1 });
    await client.waitFor(EventName.tickPrice, { since, where: (a) => a[1] === 2 });
    expect(client.named(EventName.tickPrice, since).map((a) => [a[0], a[1], a[2]])).toEqual([
      [5, 1, 251],
      [5, 2, 251.1],
    ]);

    client.ib.cancelMktData(5);
    client.ib.cancelMktData(6);
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 300 && a[2] === 6 });
    since = client.mark();
    sim.setQuote(VTI, { bid: 252 });
    client.ib.reqCurrentTime();
    await client.waitFor(EventName.currentTime, { since });
    expect(client.named(EventName.tickPrice, since)).toEqual([]);
  });

  it("refuses the 101st simultaneous line with 101", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqMarketDataType(1);
    for (let reqId = 1; reqId <= 101; reqId += 1)
      client.ib.reqMktData(
        reqId,
        { conId: reqId % 2 === 0 ? VTI : BND, exchange: "SMART" },
        "",
        false,
        false,
      );
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 101, timeoutMs: 10_000 });
    expect(client.errors(since)).toMatchObject([{ id: 101, code: 101 }]);
    expect(new Set(client.named(EventName.marketDataType, since).map((a) => a[0])).size).toBe(100);
    // Closing one line makes room again.
    const later = client.mark();
    client.ib.cancelMktData(1);
    client.ib.reqMktData(102, vti, "", true, false);
    await client.waitFor(EventName.tickSnapshotEnd, { since: later, where: (a) => a[0] === 102 });
  });
});
