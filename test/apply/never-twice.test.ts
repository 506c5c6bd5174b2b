// A plan is executed once: a re-run, today or after IB has forgotten the day, sends no leg that was
// already sent, and says what happened to each.
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { renderApplyText } from "../../src/apply/render-apply-report.js";
import { InputError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, apply, exampleSim, ordersPerRef } from "./support/apply-harness.js";
import { cleanupPlanFixtures, planFixture } from "./support/plan-fixture.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

/** A plan applied once with its first buy rejected, only that once: a resend would go through and fill. */
async function appliedWithARejectedBuy() {
  const sim = await exampleSim();
  const fixture = await planFixture(sim, new Date());
  const buy = fixture.plan.orders.find((o) => o.side === "BUY")!;
  sim.injectFault({ type: "reject", symbol: buy.symbol, reason: "no trading permission", times: 1 });
  expect((await apply(sim, fixture)).exitCode).toBe(4);
  return { sim, fixture, buy };
}

/** The same account on a restarted gateway that remembers no orders and no executions (a new day). */
async function restartForgetful(sim: GatewaySim): Promise<GatewaySim> {
  const state = sim.snapshotState();
  await sim.stop();
  return startTestSim({ state });
}

describe("re-running an applied or attempted plan", () => {
  it("sends nothing when every leg ended, exits 4 and says 'already attempted' with each leg's fate", async () => {
    const { sim, fixture, buy } = await appliedWithARejectedBuy();

    const again = await apply(sim, fixture);
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
    expect(again.exitCode).toBe(4);
    expect(again.record.outcome).toBe("partial");
    expect(again.record.orders.find((o) => o.leg === buy.leg)).toMatchObject({
      status: "rejected",
      resumed: true,
    });
    const text = renderApplyText(again.record);
    expect(text).toMatch(/already attempted: nothing was sent/);
    expect(text).toMatch(
      new RegExp(`note ${buy.leg} ${buy.symbol}: .*rejected by IB: .*no trading permission`),
    );
    for (const o of fixture.plan.orders) expect(text).toMatch(new RegExp(`^${o.leg} .*${o.symbol}`, "m"));
  });

  it("exits 0 with 'already applied' when every leg filled", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    expect((await apply(sim, fixture)).exitCode).toBe(0);
    const again = await apply(sim, fixture);
    expect(again.exitCode).toBe(0);
    expect(renderApplyText(again.record)).toMatch(/already applied: nothing was sent/);
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
  });

  it("reports an attempted plan as such, not as stale, after prices moved past the tolerance", async () => {
    const { sim, fixture } = await appliedWithARejectedBuy();
    // 2% on every price: a plan with anything left to send would be refused as stale.
    for (const o of fixture.plan.orders) {
      const quote = sim.snapshotState().quotes?.[o.conId];
      sim.setQuote(o.conId, { bid: (quote?.bid ?? 0) * 1.02, ask: (quote?.ask ?? 0) * 1.02 });
    }
    const again = await apply(sim, fixture);
    expect(again.record.refusal).toBeNull();
    expect(again.exitCode).toBe(4);
    expect(renderApplyText(again.record)).toMatch(/already attempted: nothing was sent/);
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
  });

  it("trusts the ledger for legs IB no longer reports (a new day, a restarted gateway)", async () => {
    const { sim, fixture, buy } = await appliedWithARejectedBuy();
    // The same account, but IB remembers no orders and no executions.
    const forgetful = await restartForgetful(sim);

    const again = await apply(forgetful, fixture);
    expect(forgetful.orders()).toEqual([]);
    expect(again.exitCode).toBe(4);
    expect(renderApplyText(again.record)).toMatch(/already attempted: nothing was sent/);
    expect(again.record.orders.find((o) => o.leg === buy.leg)?.status).toBe("rejected");
    expect(again.record.orders.filter((o) => o.leg !== buy.leg).every((o) => o.status === "filled")).toBe(
      true,
    );
  });

  it("reads an earlier record with IB's execution times, and writes them as ISO 8601", async () => {
    const { sim, fixture } = await appliedWithARejectedBuy();
    // A record as earlier versions wrote it: IB's `20261124 15:00:05 UTC`.
    const folder = join(fixture.ledgerDir, ACCOUNT);
    const [name] = await readdir(folder);
    const file = join(folder, name!);
    const old = (await readFile(file, "utf8")).replace(
      /"time": "(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})Z"/g,
      '"time": "$1$2$3 $4 UTC"',
    );
    expect(old).toMatch(/"time": "\d{8} \d{2}:\d{2}:\d{2} UTC"/);
    await writeFile(file, old);
    const forgetful = await restartForgetful(sim);

    const again = await apply(forgetful, fixture);
    expect(forgetful.orders()).toEqual([]);
    expect(again.exitCode).toBe(4);
    const times = again.record.orders.flatMap((o) => o.executions.map((e) => e.time));
    expect(times.length).toBeGreaterThan(0);
    for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
  });

  it("refuses to run when an earlier record of the plan cannot be read, sending nothing", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const folder = join(fixture.ledgerDir, ACCOUNT);
    await mkdir(folder, { recursive: true });
    const broken = join(folder, `20260101T000000Z-${fixture.plan.hash.slice(0, 12)}.json`);
    await writeFile(broken, '{"schemaVersion": 1, "orders": [');
    const run = apply(sim, fixture);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(new RegExp(`cannot read the earlier ledger record ${broken}`));
    expect(sim.orders()).toEqual([]);
    expect(await readdir(folder)).toEqual([broken.slice(folder.length + 1)]);
  });

  it("sends only the legs an interrupted run never sent", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    // The connection drops at the first fill (the sell) and cannot be restored: the buys were never sent.
    sim.injectFault({ type: "disconnect", on: "first-fill" });
    const first = await apply(sim, fixture, { reconnect: { attempts: 0, initialDelayMs: 0, maxDelayMs: 0 } });
    expect(first.exitCode).toBe(4);
    const sells = fixture.plan.orders.filter((o) => o.side === "SELL").map((o) => o.leg);
    expect(first.record.orders.filter((o) => o.status !== "not-sent").map((o) => o.leg)).toEqual(sells);

    const again = await apply(sim, fixture);
    expect(again.exitCode).toBe(0);
    expect(again.record.outcome).toBe("applied");
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
  });
});

describe("re-running a plan after it expired", () => {
  // Past the plan's expiresAt (and its snapshot older than planTtl, 4 h).
  const later = () => new Date(Date.now() + 5 * 3_600_000);

  it("says 'already attempted' and exits 4 when every leg had ended, sending nothing", async () => {
    const { sim, fixture, buy } = await appliedWithARejectedBuy();

    const again = await apply(sim, fixture, { now: later });

    expect(again.record.refusal).toBeNull();
    expect(again.exitCode).toBe(4);
    expect(renderApplyText(again.record)).toMatch(/already attempted: nothing was sent/);
    expect(again.record.orders.find((o) => o.leg === buy.leg)?.status).toBe("rejected");
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
  });

  it("says 'already applied' and exits 0 when every leg had filled", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    expect((await apply(sim, fixture)).exitCode).toBe(0);

    const again = await apply(sim, fixture, { now: later });

    expect(again.exitCode).toBe(0);
    expect(again.record.outcome).toBe("already-applied");
    expect(renderApplyText(again.record)).toMatch(/already applied: nothing was sent/);
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
  });

  it("is refused as expired when a leg was never sent, and sends nothing more", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    sim.injectFault({ type: "disconnect", on: "first-fill" });
    const first = await apply(sim, fixture, { reconnect: { attempts: 0, initialDelayMs: 0, maxDelayMs: 0 } });
    expect(first.exitCode).toBe(4);
    const sent = sim.orders().length;

    const again = await apply(sim, fixture, { now: later });

    expect(again.exitCode).toBe(3);
    expect(again.record.refusal?.reason).toBe("expired");
    expect(sim.orders()).toHaveLength(sent);
  });
});
