// executeLegs' waves and placements at their edges, on the simulator: a resting sell is waited for, not
// cancelled, until its deadline; a gateway that stays away ends the run as interrupted; IB's answers to a
// placement (a rejection code, "not connected", no answer at all) and to a cancel are each told apart;
// and the run leaves no listener on the broker.
import { afterEach, describe, expect, it } from "vitest";
import { executeLegs, type ExecuteOptions, type WaveDeadline } from "../../src/apply/execute-legs.js";
import type { ExecutableLeg, ProgressEvent } from "../../src/apply/execution-types.js";
import { Reconnector } from "../../src/apply/reconnector.js";
import type { Broker, BrokerEvent } from "../../src/broker/broker.js";
import type { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { BrokerError, TimeoutError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, BND, VTI } from "../gateway-sim/support/test-state.js";
import { WaveDeadlines } from "./support/wave-deadlines.js";
import { usStock as contract } from "./support/us-stock.js";
import {
  bndLimitBuy,
  cancelAllAsAPerson,
  delegate,
  executeOptions,
  leftWorkingByAnEarlierRun,
  legRef,
  ordersOf as ordersOfPlan,
  vnqMarketBuy,
} from "./support/execute-legs-setup.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

const HASH = "00ff00ff00ff00ff".repeat(4);
const ref = (leg: string) => legRef(HASH, leg);
/** A limit sell of 20 VTI at 260, above VTI's 249.95 bid: it rests until the test raises the bid. */
const VTI_RESTING: ExecutableLeg = {
  leg: "S1",
  side: "SELL",
  quantity: 20,
  orderType: "LMT",
  limitPrice: 260,
  estimatedPrice: 260,
  contract: contract(VTI, "VTI"),
};
const VTI_REACHED = { bid: 260.5, ask: 260.6, last: 260.5 };
const VNQ_MKT = vnqMarketBuy(10);
const BND_LMT = bndLimitBuy();
const options = (extra: Partial<ExecuteOptions> = {}) =>
  executeOptions(HASH, { reconnect: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 }, ...extra });
const ordersOf = (sim: GatewaySim, leg: string) => ordersOfPlan(sim, HASH, leg);

/** The real broker, with its listeners counted and any call replaced where the test says. */
function watched(inner: IbBroker, replace: Partial<Broker> = {}) {
  let listeners = 0;
  const broker: Broker = {
    ...delegate(inner),
    subscribe: (listener: (event: BrokerEvent) => void) => {
      listeners++;
      const stop = inner.subscribe(listener);
      let stopped = false;
      return () => {
        if (!stopped) listeners--;
        stopped = true;
        stop();
      };
    },
    ...replace,
  };
  return { broker, listeners: () => listeners };
}

describe("executeLegs waits on a wave until its deadline", () => {
  it("neither cancels a resting sell nor sends a buy before the sells' deadline, and goes on once it fills", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const deadlines = new WaveDeadlines();
    const sellsWait = deadlines.nextWave();
    const events: ProgressEvent[] = [];

    const run = executeLegs(
      broker,
      [VTI_RESTING, VNQ_MKT],
      options({ waveDeadline: deadlines.port, onProgress: (e) => events.push(e) }),
    );

    expect(await sellsWait).toEqual(["S1"]);
    // Two round trips on the executor's own connection: anything it sent once the wave began waiting
    // (a cancel, a buy) has reached the simulator before the second answer comes back.
    await broker.currentTime();
    await broker.currentTime();
    expect(ordersOf(sim, "S1")).toMatchObject([{ status: "Submitted", filled: 0 }]);
    expect(sim.orders()).toHaveLength(1);

    sim.setQuote(VTI, VTI_REACHED);
    const result = await run;

    expect(result.legs.map((l) => [l.leg, l.status])).toEqual([
      ["S1", "filled"],
      ["B1", "filled"],
    ]);
    expect(result.legs[0]?.notes).toEqual([]);
    expect(events.filter((e) => e.kind === "cancelled")).toEqual([]);
    expect(sim.orders().map((o) => o.orderRef)).toEqual([ref("S1"), ref("B1")]);
  });
});

describe("executeLegs when the gateway does not come back", () => {
  it("ends as interrupted after the policy's attempts, with what it had sent, and sends nothing more", async () => {
    const sim = await startTestSim();
    const deadlines = new WaveDeadlines();
    const sellsWait = deadlines.nextWave();
    const events: ProgressEvent[] = [];
    const run = executeLegs(
      await connectBroker(sim),
      [VTI_RESTING, VNQ_MKT],
      options({ waveDeadline: deadlines.port, onProgress: (e) => events.push(e) }),
    );
    await sellsWait;

    await sim.stop();
    const result = await run;

    expect(result.interrupted).toMatch(
      /^lost the connection to IB Gateway and could not reconnect in 2 attempts: /,
    );
    expect(result).toMatchObject({ alreadyApplied: false, alreadyAttempted: false });
    expect(result.legs.map((l) => [l.leg, l.sentQuantity])).toEqual([
      ["S1", 20],
      ["B1", 0],
    ]);
    expect(
      events.filter((e) => e.kind === "reconnecting").map((e) => e.kind === "reconnecting" && e.attempt),
    ).toEqual([1, 2]);
  });
});

describe("executeLegs leaves the broker as it found it", () => {
  it("removes every listener it added when it returns, its own link's included", async () => {
    const sim = await startTestSim();
    const { broker, listeners } = watched(await connectBroker(sim));
    const result = await executeLegs(broker, [VNQ_MKT], options());
    expect(result.legs[0]?.status).toBe("filled");
    expect(listeners()).toBe(0);
  });

  it("keeps the caller's link, which still notices a drop after the legs are done", async () => {
    const sim = await startTestSim();
    const { broker, listeners } = watched(await connectBroker(sim));
    const link = new Reconnector(broker, { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 });
    await executeLegs(broker, [VNQ_MKT], options({ link }));
    expect(listeners()).toBe(1);
    const closed = new Promise<void>((resolve) =>
      broker.subscribe((e) => e.kind === "connection" && e.state === "closed" && resolve()),
    );
    for (const client of sim.clients()) sim.disconnectClient(client.clientId);
    await closed;
    expect(link.needsReconnect).toBe(true);
    link.dispose();
  });

  it("lets an error that is not the broker's through, rather than calling the leg unsent", async () => {
    const sim = await startTestSim();
    const { broker, listeners } = watched(await connectBroker(sim), {
      placeOrder: () => Promise.reject(new TypeError("a defect, not IB")),
    });
    await expect(executeLegs(broker, [VNQ_MKT], options())).rejects.toThrow("a defect, not IB");
    expect(listeners()).toBe(0);
  });
});

describe("executeLegs reads IB's answer to a placement", () => {
  it("takes an error code as IB's rejection of the leg: recorded with its reason, never sent again", async () => {
    const sim = await startTestSim();
    let placements = 0;
    const { broker } = watched(await connectBroker(sim), {
      placeOrder: () => {
        placements++;
        return Promise.reject(
          new BrokerError("Order rejected - reason: no trading permission", { code: 201 }),
        );
      },
    });
    const result = await executeLegs(broker, [VNQ_MKT], options());
    expect(placements).toBe(1);
    expect(result.legs[0]).toMatchObject({ status: "rejected", sentQuantity: 0 });
    expect(result.legs[0]?.notes.join(" ")).toContain("no trading permission");
  });

  it("takes 504 (not connected) as no answer: looks at IB, and does not send it again on a live link", async () => {
    const sim = await startTestSim();
    let placements = 0;
    const { broker } = watched(await connectBroker(sim), {
      placeOrder: () => {
        placements++;
        return Promise.reject(new BrokerError("Not connected", { code: 504 }));
      },
    });
    const result = await executeLegs(broker, [VNQ_MKT], options());
    expect(placements).toBe(1);
    expect(result.legs[0]).toMatchObject({ status: "not-sent", sentQuantity: 0 });
    expect(result.legs[0]?.notes).toEqual(["not sent: IB Gateway did not acknowledge it (Not connected)"]);
  });

  it("sends a leg whose placement dropped the connection at most twice, looking at IB after each", async () => {
    const sim = await startTestSim();
    const inner = await connectBroker(sim);
    let placements = 0;
    const events: ProgressEvent[] = [];
    // Each placement is lost with the connection before it reaches IB.
    const { broker } = watched(inner, {
      placeOrder: async () => {
        placements++;
        const closed = new Promise<void>((resolve) => {
          const stop = inner.subscribe((e) => {
            if (e.kind === "connection" && e.state === "closed") {
              stop();
              resolve();
            }
          });
        });
        for (const client of sim.clients()) sim.disconnectClient(client.clientId);
        await closed;
        throw new BrokerError("the connection closed before IB answered");
      },
    });
    const result = await executeLegs(broker, [VNQ_MKT], options({ onProgress: (e) => events.push(e) }));
    expect(placements).toBe(2);
    expect(sim.orders()).toEqual([]);
    expect(result.legs[0]).toMatchObject({ status: "not-sent", sentQuantity: 0 });
    expect(result.legs[0]?.notes).toEqual([
      "not sent: IB Gateway did not acknowledge it (the connection closed before IB answered)",
    ]);
    expect(events.filter((e) => e.kind === "reconnected")).toHaveLength(2);
  });
});

describe("executeLegs at a deadline whose cancel fails", () => {
  it("records the failed cancel on the leg and goes on with the next wave", async () => {
    const sim = await startTestSim();
    const deadlines = new WaveDeadlines();
    deadlines.reach("S1");
    const grace = new WaveDeadlines();
    grace.reach("S1");
    const { broker } = watched(await connectBroker(sim), {
      cancelOrder: () => Promise.reject(new BrokerError("Order can not be cancelled", { code: 10148 })),
    });
    const result = await executeLegs(
      broker,
      [VTI_RESTING, BND_LMT],
      options({ waveDeadline: deadlines.port, cancelGrace: grace.port }),
    );
    const s1 = result.legs[0]!;
    const orderId = ordersOf(sim, "S1")[0]?.orderId;
    expect(s1.notes).toEqual([
      "cancelled the unfilled rest at the deadline (60000 ms)",
      `cancel of order ${orderId} failed: Order can not be cancelled`,
    ]);
    expect(ordersOf(sim, "S1")[0]?.status).toBe("Submitted");
    expect(result.legs[1]?.status).toBe("filled");
  });
});

describe("executeLegs after an earlier run that left a leg working", () => {
  it("follows the earlier run's resting sell without sending it again, and sends the buys once it fills", async () => {
    const sim = await startTestSim();
    await leftWorkingByAnEarlierRun(sim, HASH, VTI_RESTING);
    const deadlines = new WaveDeadlines();
    const sellsWait = deadlines.nextWave();
    const run = executeLegs(
      await connectBroker(sim, { clientId: 41 }),
      [VTI_RESTING, VNQ_MKT],
      options({ waveDeadline: deadlines.port }),
    );
    expect(await sellsWait).toEqual(["S1"]);
    sim.setQuote(VTI, VTI_REACHED);
    const result = await run;
    expect(ordersOf(sim, "S1")).toHaveLength(1);
    expect(result.legs.map((l) => [l.leg, l.status, l.resumed])).toEqual([
      ["S1", "filled", true],
      ["B1", "filled", false],
    ]);
  });

  it("counts the cash of an earlier run's working buy once, wherever the plan lists it", async () => {
    const sim = await startTestSim();
    sim.setQuote(BND, { bid: 72.9, ask: 73 });
    await leftWorkingByAnEarlierRun(sim, HASH, BND_LMT);
    // 900 above the floor once B2's 10 x 72.60 are kept aside: all 10 VNQ (10 x 88.842 + 1) fit. Sized
    // again as if it were new, B2 would take its 727 a second time and leave room for one share.
    sim.setCash(ACCOUNT, "USD", 500 + 726 + 900);
    const result = await executeLegs(
      await connectBroker(sim, { clientId: 41 }),
      [BND_LMT, VNQ_MKT],
      options({
        onProgress: (event) => {
          if (event.kind === "filled" && event.leg === "B1" && event.filled === event.quantity)
            void cancelAllAsAPerson(sim);
        },
      }),
    );
    const b1 = result.legs.find((l) => l.leg === "B1")!;
    expect(b1).toMatchObject({ sentQuantity: 10, filledQuantity: 10, notes: [] });
    expect(ordersOf(sim, "B2")).toHaveLength(1);
    expect(result.legs.find((l) => l.leg === "B2")?.resumed).toBe(true);
  });
});

describe("executeLegs and its own legs", () => {
  it("takes a leg it found at IB after its placement went unanswered as this run's, not an earlier run's", async () => {
    const sim = await startTestSim();
    const inner = await connectBroker(sim);
    let lost = false;
    const { broker } = watched(inner, {
      placeOrder: async (request) => {
        const placed = await inner.placeOrder(request);
        if (lost) return placed;
        lost = true;
        throw new TimeoutError("IB Gateway did not acknowledge the order in time");
      },
    });
    const result = await executeLegs(broker, [VNQ_MKT], options());
    expect(result.legs[0]).toMatchObject({ status: "filled", resumed: false, notes: [] });
    expect(ordersOf(sim, "B1")).toHaveLength(1);
  });

  it("takes a leg IB reports only after the connection dropped under its placement as this run's", async () => {
    const sim = await startTestSim();
    sim.injectFault({ type: "disconnect", on: "first-order" });
    const result = await executeLegs(await connectBroker(sim), [VNQ_MKT], options());
    expect(sim.firedFaults()).toHaveLength(1);
    expect(result.legs[0]).toMatchObject({ status: "filled", resumed: false, notes: [] });
    expect(ordersOf(sim, "B1")).toHaveLength(1);
  });

  it("tells the deadline port when each wave ended before its deadline", async () => {
    const sim = await startTestSim();
    const waves: Array<{ legs: string[]; ended: boolean }> = [];
    const port: WaveDeadline = (wave, settled) =>
      new Promise((resolve) => {
        const entry = { legs: wave.legs, ended: false };
        waves.push(entry);
        settled.addEventListener("abort", () => {
          entry.ended = true;
          resolve();
        });
      });
    const result = await executeLegs(await connectBroker(sim), [VNQ_MKT], options({ waveDeadline: port }));
    expect(result.legs[0]?.status).toBe("filled");
    expect(waves).toEqual([
      { legs: [], ended: true },
      { legs: [], ended: true },
      { legs: ["B1"], ended: true },
    ]);
  });
});
