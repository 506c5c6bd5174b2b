import type { ContractDetails } from "@stoqey/ib";
import { EventName, SecType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { SHOP_CAD, SHOP_USD, VTI } from "./support/test-state.js";

afterEach(async () => {
  await closeClients();
  await stopSims();
});

describe("contract details", () => {
  it("resolves a conId with the contract's details", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqContractDetails(11, { conId: VTI, exchange: "SMART" });
    await client.waitFor(EventName.contractDetailsEnd, { since });
    const [[reqId, details]] = client.named(EventName.contractDetails, since) as [number, ContractDetails][];
    expect(reqId).toBe(11);
    expect(details.contract).toMatchObject({
      conId: VTI,
      symbol: "VTI",
      secType: "STK",
      exchange: "SMART",
      primaryExch: "ARCA",
      currency: "USD",
    });
    expect(details).toMatchObject({
      minTick: 0.01,
      longName: "Vanguard Total Stock Market ETF",
      sizeIncrement: 1,
      minSize: 1,
    });
    expect(client.named(EventName.contractDetailsEnd, since)).toEqual([[11]]);
  });

  it("resolves a symbol, and a symbol listed in two currencies gives both", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqContractDetails(12, { symbol: "SHOP", secType: SecType.STK, exchange: "SMART" });
    await client.waitFor(EventName.contractDetailsEnd, { since });
    const both = client.named(EventName.contractDetails, since) as [number, ContractDetails][];
    expect(both.map(([, d]) => [d.contract.conId, d.contract.currency])).toEqual([
      [SHOP_USD, "USD"],
      [SHOP_CAD, "CAD"],
    ]);

    since = client.mark();
    client.ib.reqContractDetails(13, {
      symbol: "SHOP",
      secType: SecType.STK,
      exchange: "SMART",
      currency: "CAD",
    });
    await client.waitFor(EventName.contractDetailsEnd, { since });
    expect(
      client
        .named(EventName.contractDetails, since)
        .map((a) => (a[1] as ContractDetails).contract.primaryExch),
    ).toEqual(["TSE"]);
  });

  it("answers an unknown contract with error 200 alone, no end message", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqContractDetails(14, {
      symbol: "NOPE",
      secType: SecType.STK,
      exchange: "SMART",
      currency: "USD",
    });
    await client.waitFor(EventName.error, { since, where: (a) => a[2] === 14 });
    expect(client.errors(since)).toMatchObject([{ id: 14, code: 200 }]);
    // A later request's end proves nothing else was queued for 14.
    client.ib.reqContractDetails(15, { conId: VTI });
    await client.waitFor(EventName.contractDetailsEnd, { since });
    expect(client.named(EventName.contractDetailsEnd, since)).toEqual([[15]]);
  });

  it("sends trading hours and the time zone, and the 17 fund fields for a FUND", async () => {
    const sim = await startTestSim();
    sim.addContract({
      conId: 555,
      symbol: "VFIAX",
      secType: "FUND",
      exchange: "FUNDSERV",
      currency: "USD",
      longName: "Vanguard 500 Index Admiral",
      timeZoneId: "America/New_York",
      liquidHours: "20261124:0930-20261124:1600;20261125:CLOSED",
    });
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqContractDetails(16, { conId: 555 });
    await client.waitFor(EventName.contractDetailsEnd, { since });
    const [[, details]] = client.named(EventName.contractDetails, since) as [number, ContractDetails][];
    expect(details).toMatchObject({
      timeZoneId: "America/New_York",
      liquidHours: "20261124:0930-20261124:1600;20261125:CLOSED",
      fundName: "Vanguard 500 Index Admiral",
      fundClosed: false,
    });
  });
});
