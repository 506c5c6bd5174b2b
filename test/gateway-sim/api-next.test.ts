// IBApiNext (the observable API on top of IBApi) against the simulator: the calls a broker adapter is
// likely to use work end to end, and nothing fails to decode.
import type { AccountPositionsUpdate, AccountSummariesUpdate } from "@stoqey/ib";
import { IBApiNext, MarketDataType, SecType } from "@stoqey/ib";
import { afterEach, describe, expect, it } from "vitest";
import { startTestSim, stopSims } from "./support/start-test-sim.js";
import { ACCOUNT, BND, VTI } from "./support/test-state.js";

const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
const clients: IBApiNext[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await stopSims();
});

/** The part of an RxJS observable this test needs (rxjs itself is not our dependency). */
interface Subscribable<T> {
  subscribe(observer: { next: (value: T) => void; error: (error: unknown) => void }): { unsubscribe(): void };
}

/** The first value an observable emits that passes `where`. */
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

describe("IBApiNext against the simulator", () => {
  it("connects and reads time, contracts, quotes, the account summary, positions and executions", async () => {
    const sim = await startTestSim();
    const api = new IBApiNext({ host: "127.0.0.1", port: sim.port, logger: quiet });
    clients.push(api);
    const decodeErrors: string[] = [];
    api.error.subscribe((e) => {
      if (e.code === 505) decodeErrors.push(e.error.message);
    });
    api.connect(11);

    expect(await api.getCurrentTime()).toBeGreaterThan(0);
    const details = await api.getContractDetails({
      symbol: "BND",
      secType: SecType.STK,
      exchange: "SMART",
      currency: "USD",
    });
    expect(details.map((d) => d.contract.conId)).toEqual([BND]);

    api.setMarketDataType(MarketDataType.REALTIME);
    const snapshot = await api.getMarketDataSnapshot({ conId: VTI, exchange: "SMART" }, "", false);
    expect([...snapshot.values()].map((tick) => tick.value)).toEqual(
      expect.arrayContaining([249.95, 250.05, 250, 248.1]),
    );

    const summary = await first<AccountSummariesUpdate>(
      api.getAccountSummary("All", "NetLiquidation,TotalCashValue"),
      (u) => u.all.size > 0,
    );
    const values = summary.all.get(ACCOUNT);
    expect(values?.get("TotalCashValue")?.get("USD")?.value).toBe("25720.00");

    const positions = await first<AccountPositionsUpdate>(
      api.getPositions(),
      (u) => (u.all.get(ACCOUNT)?.length ?? 0) === 2,
    );
    expect(positions.all.get(ACCOUNT)?.map((p) => [p.contract.conId, p.pos])).toEqual([
      [VTI, 100],
      [BND, 50],
    ]);

    expect(await api.getExecutionDetails({})).toEqual([]);
    expect(decodeErrors).toEqual([]);
  });
});
