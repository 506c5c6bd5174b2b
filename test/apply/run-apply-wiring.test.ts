// What runApply hands on, seen from outside: each order as the plan wrote it (its contract's primary
// exchange too), each leg's reference price (a buy's never below today's, a sell's the plan's), the
// caller's cancel grace, a defect thrown rather than recorded as IB's failure, and a record that cannot
// be written failing the run rather than being retried under other names.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { WaveDeadline } from "../../src/apply/execute-legs.js";
import type { OrderRequest } from "../../src/broker/broker.js";
import { IbBroker } from "../../src/broker/ib/ib-broker.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { stopSims } from "../gateway-sim/support/start-test-sim.js";
import { apply, exampleSim } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { brokerWith } from "./support/broker-with.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/** The real broker of `folioctl apply` (client 11). */
const clientOf = (sim: GatewaySim) =>
  new IbBroker({ host: sim.host, port: sim.port, clientId: 11, timeoutMs: 3_000 });

describe("runApply sends the reviewed orders", () => {
  it("with the plan's contracts, primary exchange included, sides, types, limits and quantities", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const sent: OrderRequest[] = [];
    const inner = clientOf(sim);
    const broker = brokerWith(inner, {
      placeOrder: (request) => {
        sent.push(request);
        return inner.placeOrder(request);
      },
    });

    const result = await apply(sim, fixture, { broker });

    expect(result.record.outcome).toBe("applied");
    const planned = fixture.plan.orders;
    expect(planned.some((o) => o.primaryExchange !== undefined)).toBe(true);
    expect(sent).toEqual(
      planned.map((o) => ({
        account: fixture.plan.account,
        contract: {
          conId: o.conId,
          symbol: o.symbol,
          secType: o.secType,
          exchange: o.exchange,
          ...(o.primaryExchange === undefined ? {} : { primaryExchange: o.primaryExchange }),
          currency: o.currency,
        },
        side: o.side,
        quantity: o.quantity,
        orderType: o.orderType,
        ...(o.limitPrice === undefined ? {} : { limitPrice: o.limitPrice }),
        orderRef: `folioctl:${fixture.plan.hash.slice(0, 12)}:${o.leg}`,
      })),
    );
  });

  it("records a buy's reference price as today's when it is higher, a sell's as the plan's", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    // Every quote 5 bps up: inside the tolerance, and inside the limit orders' 10 bps collar.
    for (const [conId, quote] of Object.entries(sim.snapshotState().quotes ?? {})) {
      sim.setQuote(Number(conId), { bid: (quote.bid ?? 0) * 1.0005, ask: (quote.ask ?? 0) * 1.0005 });
    }

    const result = await apply(sim, fixture);

    expect(result.record.outcome).toBe("applied");
    const planned = new Map(fixture.plan.orders.map((o) => [o.leg, o.estimatedPrice]));
    const sells = result.record.orders.filter((o) => o.side === "SELL");
    const buys = result.record.orders.filter((o) => o.side === "BUY");
    expect(sells.length).toBeGreaterThan(0);
    expect(buys.length).toBeGreaterThan(0);
    for (const o of sells) expect(o.estimatedPrice, o.leg).toBe(planned.get(o.leg));
    for (const o of buys) expect(o.estimatedPrice, o.leg).toBeCloseTo(planned.get(o.leg)! * 1.0005, 6);
  });
});

describe("runApply at a wave's deadline", () => {
  it("waits for the cancels' confirmation through the caller's cancel grace", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const sell = fixture.plan.orders.find((o) => o.side === "SELL")!;
    sim.injectFault({ type: "partial-fill", symbol: sell.symbol, fraction: 0.5 });
    const deadlines = new WaveDeadlines();
    const grace = new WaveDeadlines();
    const asked: Array<{ legs: string[]; timeoutMs: number }> = [];
    const cancelGrace: WaveDeadline = (wave, settled) => {
      asked.push(wave);
      return grace.port(wave, settled);
    };

    const result = await apply(sim, fixture, {
      waveDeadline: deadlines.port,
      cancelGrace,
      onProgress: (e) => {
        if (e.kind === "filled" && e.leg === sell.leg) deadlines.reach(sell.leg);
      },
    });

    expect(result.record.orders.find((o) => o.leg === sell.leg)?.status).toBe("partial");
    expect(asked).toEqual([{ legs: [sell.leg], timeoutMs: 5_000 }]);
  });
});

describe("runApply failing", () => {
  it("throws a defect met inside the run instead of recording it as IB's failure", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const defect = new TypeError("Cannot read properties of undefined (reading 'time')");
    const broker = brokerWith(clientOf(sim), { currentTime: () => Promise.reject(defect) });

    await expect(apply(sim, fixture, { broker })).rejects.toBe(defect);

    expect(sim.orders()).toEqual([]);
    await expect(readdir(fixture.ledgerDir)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("fails with the record and the file system's error when its record cannot be written, trying no other name", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    // The account's folder fits in a path (4,096 bytes); the record's name beside it does not.
    let ledgerDir = fixture.dir;
    while (ledgerDir.length < 4_070)
      ledgerDir = join(ledgerDir, "d".repeat(Math.min(200, 4_070 - ledgerDir.length)));

    // Another tool version: refused before the broker, so the record is all this run writes.
    const run = apply(sim, fixture, { ledgerDir, toolVersion: "0.0.0-other" });

    await expect(run).rejects.toMatchObject({
      name: "LedgerWriteError",
      record: { outcome: "refused", planHash: fixture.plan.hash },
      cause: { code: "ENAMETOOLONG" },
      hint: expect.stringMatching(/^Nothing was sent; the record is printed above\./),
    });
  });
});
