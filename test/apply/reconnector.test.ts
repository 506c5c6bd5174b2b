// The run's link to the gateway, on the simulator: a read the drop interrupted is read again after the
// resync hooks ran, a read that failed on a live link is not, a drop during the resync costs an attempt,
// and the attempts are bounded.
import { afterEach, describe, expect, it } from "vitest";
import type { ProgressEvent } from "../../src/apply/execution-types.js";
import { Reconnector } from "../../src/apply/reconnector.js";
import type { IbBroker } from "../../src/broker/ib/ib-broker.js";
import { BrokerError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, VNQ } from "../gateway-sim/support/test-state.js";
import { oneShareMarketBuy } from "./support/us-stock.js";

afterEach(async () => {
  await closeBrokers();
  await stopSims();
});

const POLICY = { attempts: 3, initialDelayMs: 5, maxDelayMs: 10 };

/** Drops the broker's connection at the simulator and resolves once the broker has seen it close. */
async function drop(sim: GatewaySim, broker: IbBroker): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    const stop = broker.subscribe((e) => {
      if (e.kind === "connection" && e.state === "closed") {
        stop();
        resolve();
      }
    });
  });
  for (const client of sim.clients()) sim.disconnectClient(client.clientId);
  await closed;
}

async function linked() {
  const sim = await startTestSim();
  const broker = await connectBroker(sim);
  const log: string[] = [];
  const progress = (e: ProgressEvent) => {
    if (e.kind === "reconnecting" || e.kind === "reconnected") log.push(`${e.kind} ${e.attempt}`);
  };
  const link = new Reconnector(broker, POLICY, progress);
  return { sim, broker, log, link };
}

describe("Reconnector", () => {
  it("reads again after a drop, once the resync hooks have read IB's state", async () => {
    const { sim, broker, log, link } = await linked();
    link.onReconnected(async () => void log.push("resync"));
    let reads = 0;

    const time = await link.read(async () => {
      reads++;
      log.push(`read ${reads}`);
      if (reads === 1) {
        await drop(sim, broker);
        throw new BrokerError("the connection closed under the read");
      }
      return broker.currentTime();
    });

    expect(time).toBeInstanceOf(Date);
    expect(log).toEqual(["read 1", "reconnecting 1", "resync", "reconnected 1", "read 2"]);
    expect(link.needsReconnect).toBe(false);
    link.dispose();
  });

  it("does not repeat a read that failed on a live connection, nor one that failed for another reason", async () => {
    const { sim, broker, link } = await linked();
    let reads = 0;
    await expect(
      link.read(() => {
        reads++;
        return Promise.reject(new BrokerError("IB answered with an error"));
      }),
    ).rejects.toThrow("IB answered with an error");
    expect(reads).toBe(1);

    await expect(
      link.read(async () => {
        reads++;
        await drop(sim, broker);
        throw new TypeError("a defect, not the connection");
      }),
    ).rejects.toThrow("a defect, not the connection");
    expect(reads).toBe(2);
    link.dispose();
  });

  it("gives up on a read the connection drops under every time, after the policy's attempts", async () => {
    const { sim, broker, link } = await linked();
    let reads = 0;
    await expect(
      link.read(async () => {
        reads++;
        await drop(sim, broker);
        throw new BrokerError(`dropped under read ${reads}`);
      }),
    ).rejects.toThrow(`dropped under read ${POLICY.attempts + 1}`);
    expect(reads).toBe(POLICY.attempts + 1);
    link.dispose();
  });

  it("counts a drop during the resync as a failed attempt and tries again", async () => {
    const { sim, broker, log, link } = await linked();
    let resyncs = 0;
    link.onReconnected(async () => {
      resyncs++;
      if (resyncs === 1) await drop(sim, broker);
    });
    await drop(sim, broker);

    await link.ensureConnected();

    expect(log).toEqual(["reconnecting 1", "reconnecting 2", "reconnected 2"]);
    expect(resyncs).toBe(2);
    link.dispose();
  });

  it("says how many attempts failed and the last reason when the gateway stays away", async () => {
    const { sim, broker, log, link } = await linked();
    await drop(sim, broker);
    await sim.stop();

    const error = (await link.ensureConnected().catch((e: unknown) => e)) as BrokerError;

    expect(error).toBeInstanceOf(BrokerError);
    expect(error.message).toMatch(
      /^lost the connection to IB Gateway and could not reconnect in 3 attempts: (?!unknown$)./,
    );
    expect(error.hint).toMatch(/^Orders already sent may still be working at IB\. Run the same apply again/);
    expect(log).toEqual(["reconnecting 1", "reconnecting 2", "reconnecting 3"]);
    link.dispose();
  });

  it("reconnects a live link only when forced, and runs only the hooks still registered", async () => {
    const { log, link } = await linked();
    const ran: string[] = [];
    const stopFirst = link.onReconnected(async () => void ran.push("first"));
    link.onReconnected(async () => void ran.push("second"));

    await link.ensureConnected();
    expect(log).toEqual([]);

    // Stopping a hook twice removes it once, and never another hook.
    stopFirst();
    stopFirst();
    await link.ensureConnected(true);
    expect(log).toEqual(["reconnecting 1", "reconnected 1"]);
    expect(ran).toEqual(["second"]);
    link.dispose();
  });

  it("reconnects with the default policy when given none, its first attempt half a second after the drop", async () => {
    const { sim, broker } = await linked();
    // The default's delays are real time (0.5 s, doubling to 8 s, six attempts): one drop costs the first.
    const link = new Reconnector(broker);
    await drop(sim, broker);
    await link.ensureConnected();
    expect(link.needsReconnect).toBe(false);
    expect(await broker.currentTime()).toBeInstanceOf(Date);
    link.dispose();
  });

  it("no longer watches the connection once disposed", async () => {
    const { sim, broker, link } = await linked();
    link.dispose();
    await drop(sim, broker);
    expect(link.needsReconnect).toBe(false);
  });

  it("takes IB's own connectivity loss (1100, then 1102) on a live socket for no drop", async () => {
    const { sim, broker, link } = await linked();
    sim.injectFault({ type: "connectivity-lost", on: "first-order", restoreAfterMs: 0, restore: 1102 });
    const restored = new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      broker.subscribe((e) => {
        if (e.kind !== "connection") return;
        seen.push(e.state);
        if (e.state === "restored") resolve(seen);
      });
    });
    await broker.placeOrder(oneShareMarketBuy(ACCOUNT, VNQ, "VNQ", "test:connectivity"));
    expect(await restored).toEqual(["lost", "restored"]);
    expect(link.needsReconnect).toBe(false);
    link.dispose();
  });

  it("says the connection dropped again while reading IB's state when every resync drops it", async () => {
    const sim = await startTestSim();
    const broker = await connectBroker(sim);
    const events: ProgressEvent[] = [];
    const link = new Reconnector(broker, { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 }, (e) =>
      events.push(e),
    );
    link.onReconnected(() => drop(sim, broker));
    await drop(sim, broker);

    await expect(link.ensureConnected()).rejects.toThrow(
      "lost the connection to IB Gateway and could not reconnect in 2 attempts: " +
        "the connection dropped again while reading IB's state",
    );
    expect(events).toEqual([
      { kind: "reconnecting", attempt: 1, message: "connection to IB Gateway lost" },
      { kind: "reconnecting", attempt: 2, message: "connection to IB Gateway lost" },
    ]);
    link.dispose();
  });
});
