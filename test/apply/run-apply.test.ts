import { readFile, writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { createAjv } from "../../src/config/ajv.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import ledgerSchema from "../../schema/ledger.schema.json" with { type: "json" };
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import {
  ACCOUNT,
  apply,
  exampleSim,
  expectLedgerMatchesSimulator,
  ordersPerRef,
  positionsOf,
} from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";

const VTI = 756733;
const validateLedger = createAjv().compile(ledgerSchema);

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

describe("runApply against the simulator", () => {
  it("executes the plan, writes a ledger that matches the simulator, and a re-run sends nothing", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    expect(fixture.plan.orders.length).toBeGreaterThan(0);
    const start = positionsOf(sim);

    const first = await apply(sim, fixture);
    expect(first.exitCode).toBe(0);
    expect(first.record.outcome).toBe("applied");
    expect(
      first.record.orders.every((o) => o.status === "filled" && o.filledQuantity === o.plannedQuantity),
    ).toBe(true);
    const written = JSON.parse(await readFile(first.ledgerFile!, "utf8"));
    expect(validateLedger(written), JSON.stringify(validateLedger.errors)).toBe(true);
    expect(written).toEqual(first.record);
    expect(first.ledgerFile).toMatch(
      new RegExp(`ledger/${ACCOUNT}/\\d{8}T\\d{6}Z-${fixture.plan.hash.slice(0, 12)}\\.json$`),
    );
    expectLedgerMatchesSimulator(sim, first.record, start);
    // IB says `20261124 15:00:05 UTC`; the ledger says ISO 8601 like every other time folioctl writes.
    const times = first.record.orders.flatMap((o) => o.executions.map((e) => e.time));
    expect(times.length).toBeGreaterThan(0);
    for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    expect(first.record.drift.after).not.toBeNull();
    expect(first.record.drift.after!).toBeLessThanOrEqual(first.record.drift.before);

    const again = await apply(sim, fixture);
    expect(again.exitCode).toBe(0);
    expect(again.record.outcome).toBe("already-applied");
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
  });

  it("refuses a plan edited after it was made as tampered, sending nothing", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const text = await readFile(fixture.planFile, "utf8");
    await writeFile(
      fixture.planFile,
      text.replace(/"quantity": (\d+)/, (_, q) => `"quantity": ${Number(q) + 100}`),
    );
    const result = await apply(sim, fixture);
    expect(result.exitCode).toBe(3);
    expect(result.record.refusal?.reason).toBe("tampered");
    expect(sim.orders()).toEqual([]);
    expect(validateLedger(JSON.parse(await readFile(result.ledgerFile!, "utf8")))).toBe(true);
  });

  it("refuses when portfolio.yaml changed after the plan (intent-changed) or trading is suspended", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const yaml = await readFile(fixture.portfolioFile, "utf8");
    await writeFile(fixture.portfolioFile, yaml.replace("minTradeValue: 100", "minTradeValue: 150"));
    expect((await apply(sim, fixture)).record.refusal?.reason).toBe("intent-changed");
    await writeFile(fixture.portfolioFile, yaml.replace("suspend: false", "suspend: true"));
    const suspended = await apply(sim, fixture);
    expect(suspended.record.refusal).toMatchObject({ reason: "suspended" });
    expect(suspended.exitCode).toBe(3);
    expect(sim.orders()).toEqual([]);
  });

  it("refuses an expired plan", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date(Date.now() - 5 * 3_600_000));
    const result = await apply(sim, fixture);
    expect(result.record.refusal?.reason).toBe("expired");
    expect(result.record.refusal?.message).toContain(fixture.plan.expiresAt);
    expect(sim.orders()).toEqual([]);
  });

  it("refuses a stale plan and says what moved and by how much", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    sim.setQuote(VTI, { bid: 252.45, ask: 252.55 });
    sim.setPosition(ACCOUNT, 43645865, 210);
    const result = await apply(sim, fixture);
    expect(result.exitCode).toBe(3);
    expect(result.record.refusal?.reason).toBe("stale");
    expect(result.record.refusal?.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "position", subject: "BND", planned: 200, current: 210 }),
        expect.objectContaining({ kind: "price", subject: "VTI", planned: 250, current: 252.5 }),
      ]),
    );
    const vti = result.record.refusal!.differences.find((d) => d.subject === "VTI")!;
    expect(vti.moveBps).toBeCloseTo(100, 5);
    expect(sim.orders()).toEqual([]);
  });

  it("refuses outside the market's liquid hours and says when it opens", async () => {
    const closedToday = new Date().toISOString().slice(0, 10).replace(/-/g, "");
    const sim = await exampleSim((state) => {
      for (const c of state.contracts) {
        c.timeZoneId = "America/New_York";
        c.liquidHours = `${closedToday}:CLOSED;20991231:0930-20991231:1600`;
      }
    });
    const fixture = await planFixture(sim, new Date());
    const result = await apply(sim, fixture);
    expect(result.record.refusal?.reason).toBe("window-closed");
    expect(result.record.refusal?.message).toMatch(/opens 2099-12-31 09:30:00 America\/New_York/);
    expect(sim.orders()).toEqual([]);
  });

  it("refuses when an order would cross maxOrderValue at today's prices", async () => {
    const sim = await exampleSim();
    const probe = await planFixture(sim, new Date());
    const largest = Math.max(...probe.plan.orders.map((o) => o.estimatedValueBase));
    const big = probe.plan.orders.find((o) => o.estimatedValueBase === largest)!;
    const limit = Math.ceil(largest * 1.001);
    const fixture = await planFixture(sim, new Date(), (y) =>
      y.replace("maxOrderValue: 50000", `maxOrderValue: ${limit}`),
    );
    // A 0.3% move is inside the 50 bps tolerance, but takes that order over the limit.
    const quote = sim.snapshotState().quotes?.[big.conId];
    sim.setQuote(big.conId, { bid: (quote?.bid ?? 0) * 1.003, ask: (quote?.ask ?? 0) * 1.003 });
    const result = await apply(sim, fixture);
    expect(result.record.refusal?.reason).toBe("limit");
    expect(result.record.refusal?.message).toMatch(/limits\.maxOrderValue/);
    expect(sim.orders()).toEqual([]);
  });
});

describe("runApply sizing buys", () => {
  const VNQ = 31230302;
  /** All cash into one buy of VNQ, at market: the buy's size is limited by the cash alone. */
  const allCashIntoVnq = (yaml: string) =>
    yaml
      .replace(/^( {4}weight: )40\b/m, "$144.4")
      .replace("{ symbol: BND, weight: 35 }", "{ symbol: BND, weight: 25.7 }")
      .replace("{ symbol: VNQ, weight: 20 }", "{ symbol: VNQ, weight: 29.9 }")
      .replace(/^( {2}weight: )5\b/m, "$10")
      .replace(/^( {2}minimum: )500\b/m, "$10")
      .replace("orderType: LMT", "orderType: MKT")
      .replace(/^ {2}limitOffsetBps: .*\n/m, "");

  it("sizes a buy at the live price when it is above the plan's: fewer shares, never an overdraft", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date(), allCashIntoVnq);
    expect(fixture.plan.orders.map((o) => [o.side, o.symbol, o.orderType])).toEqual([["BUY", "VNQ", "MKT"]]);
    const [buy] = fixture.plan.orders;
    // 45 bps up: inside the 50 bps tolerance, so the plan is not stale, but each share costs more.
    const quote = sim.snapshotState().quotes?.[VNQ];
    sim.setQuote(VNQ, { bid: (quote?.bid ?? 0) * 1.0045, ask: (quote?.ask ?? 0) * 1.0045 });
    const live = buy!.estimatedPrice * 1.0045;
    const buffer = 1 + 50 / 10_000;
    const cash = sim.account(ACCOUNT).cash["USD"] ?? 0;
    // What the cash pays for at each price, with the allowed move on top and the $1 minimum commission
    // (under 200 shares at $0.005 cost less): at the plan's price the whole planned quantity, at the
    // live one less.
    const affordable = (price: number) => Math.floor((cash - 1) / (price * buffer));
    expect(affordable(buy!.estimatedPrice)).toBeGreaterThanOrEqual(buy!.quantity);
    expect(affordable(live)).toBeLessThan(buy!.quantity);

    const result = await apply(sim, fixture);

    expect(result.exitCode, JSON.stringify(result.record.refusal)).toBe(4);
    const order = result.record.orders[0]!;
    expect(order.sentQuantity).toBe(affordable(live));
    expect(order.notes.join(" ")).toContain(`pays for ${affordable(live)} of ${buy!.quantity} shares`);
    expect(sim.account(ACCOUNT).cash["USD"]).toBeGreaterThanOrEqual(0);
  });
});

describe("runApply through faults", () => {
  it("marks a rejected symbol, carries on, and exits 4", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const start = positionsOf(sim);
    const rejected = fixture.plan.orders.find((o) => o.side === "BUY")!;
    sim.injectFault({ type: "reject", symbol: rejected.symbol, reason: "no trading permission" });
    const result = await apply(sim, fixture);
    expect(result.exitCode).toBe(4);
    expect(result.record.outcome).toBe("partial");
    expect(result.record.orders.find((o) => o.leg === rejected.leg)).toMatchObject({ status: "rejected" });
    expect(
      result.record.orders.filter((o) => o.leg !== rejected.leg).every((o) => o.status === "filled"),
    ).toBe(true);
    expectLedgerMatchesSimulator(sim, result.record, start);
  });

  it("cancels a partial fill that never completes at the deadline and exits 4", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const start = positionsOf(sim);
    const sell = fixture.plan.orders.find((o) => o.side === "SELL")!;
    sim.injectFault({ type: "partial-fill", symbol: sell.symbol, fraction: 0.5 });
    // The half the simulator fills is all there will be: the sells' deadline is reached at that fill.
    const deadlines = new WaveDeadlines();
    const result = await apply(sim, fixture, {
      waveDeadline: deadlines.port,
      onProgress: (e) => {
        if (e.kind === "filled" && e.leg === sell.leg) deadlines.reach(sell.leg);
      },
    });
    expect(result.exitCode).toBe(4);
    const leg = result.record.orders.find((o) => o.leg === sell.leg)!;
    expect(leg.status).toBe("partial");
    expect(leg.filledQuantity).toBe(Math.floor(sell.quantity * 0.5));
    expect(sim.orders().find((o) => o.orderRef === leg.orderRef)?.status).toBe("Cancelled");
    expectLedgerMatchesSimulator(sim, result.record, start);
  });

  it("reconnects after a disconnect on the first fill and sends nothing twice", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const start = positionsOf(sim);
    sim.injectFault({ type: "disconnect", on: "first-fill" });
    const result = await apply(sim, fixture);
    expect(sim.firedFaults()).toHaveLength(1);
    expect(result.record.outcome).toBe("applied");
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
    expectLedgerMatchesSimulator(sim, result.record, start);
  });

  it("rides out 1100 then 1102", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    sim.injectFault({ type: "connectivity-lost", on: "first-order", restoreAfterMs: 150, restore: 1102 });
    const result = await apply(sim, fixture);
    expect(sim.firedFaults()).toHaveLength(1);
    expect(result.record.outcome).toBe("applied");
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
  });

  it("turns a withheld end message into a clear error with nothing sent, not a hang", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    sim.injectFault({ type: "withhold", message: "EXECUTION_DATA_END", times: 1 });
    const result = await apply(sim, fixture, {
      broker: new IbBroker({ host: sim.host, port: sim.port, clientId: 12, timeoutMs: 500 }),
    });
    expect(result.exitCode).toBe(1);
    expect(result.record.outcome).toBe("error");
    expect(result.record.error).toMatch(/did not answer today's executions of DU1234567 within 500 ms/);
    expect(sim.orders()).toEqual([]);
    // The same apply again, with the gateway answering, goes through.
    expect((await apply(sim, fixture)).record.outcome).toBe("applied");
  });

  it("survives a gateway restart mid-run without sending a leg twice", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const port = sim.port;
    sim.injectFault({ type: "disconnect", on: "first-fill" });
    let restarted: GatewaySim | undefined;
    const seen: string[] = [];
    // The restarted gateway knows none of the orders sent before: their wave ends at its deadline,
    // reached once apply has reconnected and read what the new gateway reports. The cancels it then
    // sends are for orders the new gateway never heard of: no confirmation comes, so the grace after
    // them ends at the same event instead of 5 s later.
    const deadlines = new WaveDeadlines();
    const grace = new WaveDeadlines();
    const result = await apply(sim, fixture, {
      waveDeadline: deadlines.port,
      cancelGrace: grace.port,
      onProgress: (event) => {
        if (event.kind === "reconnected") {
          for (const ref of seen) {
            deadlines.reach(ref.split(":").pop()!);
            grace.reach(ref.split(":").pop()!);
          }
        }
        if (event.kind === "reconnecting" && !restarted) {
          seen.push(...sim.orders().map((o) => o.orderRef));
          const state = sim.snapshotState();
          restarted = {} as GatewaySim;
          void sim.stop().then(async () => {
            restarted = await startTestSim({ state, port });
          });
        }
      },
    });
    expect(restarted).toBeDefined();
    const after = (restarted as GatewaySim).orders().map((o) => o.orderRef);
    const all = [...seen, ...after];
    expect(new Set(all).size).toBe(all.length);
    expect(["applied", "partial"]).toContain(result.record.outcome);
  });
});
