import { afterEach, describe, expect, it } from "vitest";
import { parsePortfolio } from "../../src/config/load-portfolio.js";
import type { Portfolio } from "../../src/core/portfolio.js";
import { checkAccountManaged, takeSnapshot } from "../../src/broker/take-snapshot.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, BND, VNQ, VTI } from "../gateway-sim/support/test-state.js";
import { closeBrokers, connectBroker } from "./support/connect-broker.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

const NOW = new Date("2026-11-24T15:00:00Z");

function portfolio(targets: string, extra = ""): Portfolio {
  const text = `version: 1\naccount: ${ACCOUNT}\nbaseCurrency: USD\ntargets:\n${targets}\ncash: { weight: 10 }\n${extra}`;
  const result = parsePortfolio(Buffer.from(text), "portfolio.yaml");
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.portfolio;
}

const THREE_ETFS = `  - { symbol: VTI, weight: 40, conId: ${VTI} }\n  - { symbol: BND, weight: 30 }\n  - { symbol: VNQ, weight: 20 }`;

describe("takeSnapshot", () => {
  it("assembles cash, positions, resolved contracts and a quote for each", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const snapshot = await takeSnapshot(broker, portfolio(THREE_ETFS), () => NOW);
    expect(snapshot).toMatchObject({
      account: ACCOUNT,
      baseCurrency: "USD",
      asOf: NOW.toISOString(),
      cash: { USD: 25000, CAD: 1000 },
      openOrders: [],
    });
    expect(snapshot.contracts.map((c) => c.conId)).toEqual([VTI, BND, VNQ]);
    expect(snapshot.quotes.map((q) => [q.conId, q.bid, q.ask, q.delayed])).toEqual([
      [VTI, 249.95, 250.05, false],
      [BND, 72.48, 72.52, false],
      [VNQ, 88.38, 88.42, false],
    ]);
    expect(snapshot.positions.map((p) => p.conId)).toEqual([VTI, BND]);
  });

  it("values positions outside the targets too", async () => {
    const sim = await startTestSim();
    sim.setPosition(ACCOUNT, VNQ, 7, 80);
    const broker = await connectBroker(sim);
    const snapshot = await takeSnapshot(
      broker,
      portfolio(`  - { symbol: VTI, weight: 60 }\n  - { symbol: BND, weight: 30 }`),
      () => NOW,
    );
    expect(snapshot.contracts.map((c) => c.symbol)).toEqual(["VTI", "BND", "VNQ"]);
    expect(snapshot.quotes.find((q) => q.conId === VNQ)).toBeDefined();
  });

  it("refuses a symbol IB lists twice and names the candidates", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    // SHOP trades in USD and CAD; with the currency left to IB both match.
    const p = portfolio(`  - { symbol: SHOP, weight: 90 }`);
    delete (p.targets[0] as { currency?: string }).currency;
    await expect(takeSnapshot(broker, p, () => NOW)).rejects.toThrow(
      /SHOP is ambiguous at IB: conId \d+ \(NYSE, USD\); conId \d+ \(TSE, CAD\)/,
    );
  });

  it("refuses a pinned conId that is another symbol, and an unknown symbol", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    await expect(
      takeSnapshot(broker, portfolio(`  - { symbol: BND, weight: 90, conId: ${VTI} }`), () => NOW),
    ).rejects.toThrow(`conId ${VTI} is VTI at IB, not BND`);
    await expect(
      takeSnapshot(broker, portfolio(`  - { symbol: NOPE, weight: 90 }`), () => NOW),
    ).rejects.toThrow(/IB has no STK contract NOPE in USD on SMART/);
  });

  it("says which accounts the gateway has when the portfolio's is not among them", async () => {
    expect(() =>
      checkAccountManaged(
        { serverVersion: 193, managedAccounts: ["DU1", "DU2"], connectionTime: "" },
        ACCOUNT,
      ),
    ).toThrow("IB Gateway is not logged in to account DU1234567; it manages: DU1, DU2");
  });

  it("refuses a portfolio whose base currency is not the account's", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const p = portfolio(THREE_ETFS);
    p.baseCurrency = "EUR";
    await expect(takeSnapshot(broker, p, () => NOW)).rejects.toThrow(
      /base currency USD, but portfolio.yaml says EUR/,
    );
  });
});
