// reqPnL and reqPnLSingle through the unmodified @stoqey/ib client, IBApi and IBApiNext: the figures
// at once, after a fill and after a quote change, and nothing more once cancelled.
import type { AccountUpdatesUpdate, PnL, PnLSingle } from "@stoqey/ib";
import { EventName, IBApiNext, OrderAction } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import type { IbTestClient } from "./support/ib-test-client.js";
import { closeClients, connectClient } from "./support/ib-test-client.js";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { bnd, order } from "./support/test-orders.js";
import { ACCOUNT, BND, VNQ, VTI } from "./support/test-state.js";

const apis: IBApiNext[] = [];

afterEach(async () => {
  for (const api of apis.splice(0)) api.disconnect();
  await closeClients();
  await stopSims();
});

// The test account: 100 VTI (cost 210.50, close 248.10, last 250.00), 50 BND (cost 71.20, close 72.40,
// last 72.50). Daily P&L is measured from the close, unrealised from the cost.
const VTI_DAILY = 100 * (250 - 248.1);
const BND_DAILY = 50 * (72.5 - 72.4);
const VTI_UNREALIZED = 100 * (250 - 210.5);
const BND_UNREALIZED = 50 * (72.5 - 71.2);
// Selling the 50 BND at the bid (72.48) for a commission of 1.00.
const BND_REALIZED = 50 * (72.48 - 71.2) - 1;
const BND_DAILY_AFTER_SALE = 50 * (72.48 - 72.4) - 1;

async function sellBnd(client: IbTestClient): Promise<void> {
  const since = client.mark();
  client.ib.placeOrder(1000, bnd, order({ action: OrderAction.SELL, totalQuantity: 50 }));
  await client.waitFor(EventName.commissionReport, { since });
}

/** Round trip: whatever the simulator sent before the time has arrived once it does. */
async function barrier(client: IbTestClient): Promise<void> {
  const since = client.mark();
  client.ib.reqCurrentTime();
  await client.waitFor(EventName.currentTime, { since });
}

describe("reqPnL", () => {
  it("reports daily, unrealised and realised P&L, again after a fill and a quote change, until cancelled", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqPnL(7, ACCOUNT, "");
    const [, daily, unrealized, realized] = (await client.waitFor(EventName.pnl, { since })).args as number[];
    expect(daily).toBeCloseTo(VTI_DAILY + BND_DAILY, 6);
    expect(unrealized).toBeCloseTo(VTI_UNREALIZED + BND_UNREALIZED, 6);
    expect(realized).toBe(0);

    since = client.mark();
    await sellBnd(client);
    const afterFill = (await client.waitFor(EventName.pnl, { since })).args as number[];
    expect(afterFill[0]).toBe(7);
    expect(afterFill[1]).toBeCloseTo(VTI_DAILY + BND_DAILY_AFTER_SALE, 6);
    expect(afterFill[2]).toBeCloseTo(VTI_UNREALIZED, 6);
    expect(afterFill[3]).toBeCloseTo(BND_REALIZED, 6);

    since = client.mark();
    sim.setQuote(VTI, { last: 251 });
    const afterQuote = (await client.waitFor(EventName.pnl, { since })).args as number[];
    expect(afterQuote[1]).toBeCloseTo(100 * (251 - 248.1) + BND_DAILY_AFTER_SALE, 6);
    expect(afterQuote[2]).toBeCloseTo(100 * (251 - 210.5), 6);

    client.ib.cancelPnL(7);
    await barrier(client);
    since = client.mark();
    sim.setQuote(VTI, { last: 252 });
    await barrier(client);
    expect(client.named(EventName.pnl, since)).toEqual([]);
  });

  it("refuses an account the gateway does not manage with 321 on the request id", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    const since = client.mark();
    client.ib.reqPnL(8, "U999", "");
    await client.waitFor(EventName.error, { since, where: (a) => a[1] === 321 });
    expect(client.errors(since).map((e) => [e.id, e.code])).toEqual([[8, 321]]);
  });
});

describe("reqPnLSingle", () => {
  it("reports one position: size, daily, unrealised, realised (unset until a trade closes shares) and value", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqPnLSingle(9, ACCOUNT, "", BND);
    const first = (await client.waitFor(EventName.pnlSingle, { since })).args as (number | undefined)[];
    expect(first[0]).toBe(9);
    expect(first[1]).toBe(50);
    expect(first[2]).toBeCloseTo(BND_DAILY, 6);
    expect(first[3]).toBeCloseTo(BND_UNREALIZED, 6);
    expect(first[4]).toBeUndefined();
    expect(first[5]).toBeCloseTo(50 * 72.5, 6);

    since = client.mark();
    await sellBnd(client);
    const after = (await client.waitFor(EventName.pnlSingle, { since })).args as number[];
    expect(after[1]).toBe(0);
    expect(after[2]).toBeCloseTo(BND_DAILY_AFTER_SALE, 6);
    expect(after[3]).toBe(0);
    expect(after[4]).toBeCloseTo(BND_REALIZED, 6);
    expect(after[5]).toBe(0);

    client.ib.cancelPnLSingle(9);
    await barrier(client);
    since = client.mark();
    sim.setQuote(BND, { last: 73 });
    await barrier(client);
    expect(client.named(EventName.pnlSingle, since)).toEqual([]);
  });

  it("answers nothing for a contract the account never held, until a fill opens it", async () => {
    const sim = await startTestSim();
    const client = await connectClient(sim.port, 1);
    let since = client.mark();
    client.ib.reqPnLSingle(10, ACCOUNT, "", VNQ);
    await barrier(client);
    expect(client.named(EventName.pnlSingle, since)).toEqual([]);
    since = client.mark();
    client.ib.placeOrder(1000, { conId: VNQ, exchange: "SMART" }, order({ totalQuantity: 10 }));
    const opened = (await client.waitFor(EventName.pnlSingle, { since })).args as (number | undefined)[];
    // Bought 10 at the ask, 88.42, for 1.00: worth 10 x 88.40 now, against a close of 87.90.
    expect(opened[1]).toBe(10);
    expect(opened[2]).toBeCloseTo(10 * 88.4 - (10 * 88.42 + 1), 6);
    expect(opened[4]).toBeUndefined();
  });
});

/** The part of an RxJS observable this test needs (rxjs itself is not our dependency). */
interface Subscribable<T> {
  subscribe(observer: { next: (value: T) => void; error: (error: unknown) => void }): { unsubscribe(): void };
}

function first<T>(observable: Subscribable<T>, where: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const subscription = observable.subscribe({
      next: (value) => {
        if (!where(value)) return;
        resolve(value);
        queueMicrotask(() => subscription.unsubscribe());
      },
      error: reject,
    });
  });
}

describe("IBApiNext", () => {
  it("getPnL, getPnLSingle and getAccountUpdates resolve against the simulator", async () => {
    const sim = await startTestSim();
    const api = new IBApiNext({ host: "127.0.0.1", port: sim.port, logger: quietLogger });
    apis.push(api);
    const decodeErrors: string[] = [];
    api.error.subscribe((e) => {
      if (e.code === 505) decodeErrors.push(e.error.message);
    });
    api.connect(12);

    const pnl = await first<PnL>(api.getPnL(ACCOUNT));
    expect(pnl.dailyPnL).toBeCloseTo(VTI_DAILY + BND_DAILY, 6);
    expect(pnl.unrealizedPnL).toBeCloseTo(VTI_UNREALIZED + BND_UNREALIZED, 6);
    const single = await first<PnLSingle>(api.getPnLSingle(ACCOUNT, "", VTI));
    expect([single.position, single.marketValue]).toEqual([100, 25000]);

    const update = await first<AccountUpdatesUpdate>(
      api.getAccountUpdates(ACCOUNT),
      (u) => u.all.timestamp !== undefined,
    );
    expect(update.all.timestamp).toMatch(/^\d\d:\d\d$/);
    expect(update.all.value?.get(ACCOUNT)?.get("NetLiquidation")?.get("USD")?.value).toBe("54345.00");
    expect(update.all.portfolio?.get(ACCOUNT)?.map((p) => [p.contract.conId, p.pos])).toEqual([
      [VTI, 100],
      [BND, 50],
    ]);
    expect(decodeErrors).toEqual([]);
  });
});

const quietLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
