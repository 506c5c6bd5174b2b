// The broker apply trades through, in this process: the account's lock file is taken before the first
// connection and removed on close, a reconnect is a plain reconnect, and a client id the gateway says
// is in use is the refusal `locked`, with nothing sent.
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { acquireAccountLockFile, lockFilePath } from "../../src/apply/account-lock.js";
import { ApplyBroker } from "../../src/apply/apply-broker.js";
import { BrokerError, RefusalError } from "../../src/errors.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { closeBrokers, connectBroker } from "../broker/support/connect-broker.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT } from "../gateway-sim/support/test-state.js";

let lockDir: string;
const lines: string[] = [];
const made: ApplyBroker[] = [];

beforeEach(async () => {
  lockDir = await mkdtemp(join(tmpdir(), "folioctl-apply-broker-"));
  lines.length = 0;
});
afterEach(async () => {
  for (const broker of made.splice(0)) await broker.close();
  await closeBrokers();
  await stopSims();
  await rm(lockDir, { recursive: true, force: true });
});

function applyBroker(sim: GatewaySim, clientId: number, notice?: string): ApplyBroker {
  const broker = new ApplyBroker({
    host: sim.host,
    port: sim.port,
    clientId,
    timeoutMs: 5_000,
    account: ACCOUNT,
    lockDir,
    log: (line) => lines.push(line),
    ...(notice === undefined ? {} : { notice }),
  });
  made.push(broker);
  return broker;
}

/** What it said to the user, without the wire trace the same log receives. */
const said = () => lines.filter((line) => !line.startsWith("-> ") && !line.startsWith("<- "));
const signalListeners = () => process.listenerCount("SIGINT") + process.listenerCount("SIGTERM");

describe("ApplyBroker", () => {
  it("holds the account's lock file from its first connection until it is closed", async () => {
    const sim = await startTestSim();
    const before = signalListeners();
    const broker = applyBroker(sim, 61, "apply: connecting as client id 61");

    await broker.connect();

    expect(await readdir(lockDir)).toEqual([`apply-${ACCOUNT}.lock`]);
    expect(JSON.parse(await readFile(lockFilePath(lockDir, ACCOUNT), "utf8"))).toMatchObject({
      account: ACCOUNT,
      pid: process.pid,
    });
    // Ctrl-C or the runner's SIGTERM removes it too.
    expect(signalListeners()).toBe(before + 2);
    expect(said()).toEqual(["apply: connecting as client id 61"]);

    // A reconnect after a drop: the same lock, no second notice.
    await broker.connect();
    expect(said()).toEqual(["apply: connecting as client id 61"]);
    expect(sim.clients().map((c) => c.clientId)).toEqual([61]);

    await broker.close();
    expect(await readdir(lockDir)).toEqual([]);
    expect(signalListeners()).toBe(before);
    // The connection is closed too: the gateway lets its client id go (it notices just after).
    await vi.waitFor(() => expect(sim.clients()).toEqual([]), { timeout: 10_000 });
  });

  it("takes the lock once, though its first connection failed and it connects again", async () => {
    const sim = await startTestSim();
    const other = await connectBroker(sim, { clientId: 62 });
    const broker = applyBroker(sim, 62);
    await expect(broker.connect()).rejects.toBeInstanceOf(RefusalError);
    await other.close();
    await broker.connect();
    expect(sim.clients().map((c) => c.clientId)).toEqual([62]);
    expect(said()).toEqual([]);
    await broker.close();
    expect(await readdir(lockDir)).toEqual([]);
  });

  it("is refused as locked, before connecting, while another apply holds the lock file", async () => {
    const sim = await startTestSim();
    const held = await acquireAccountLockFile({
      dir: lockDir,
      account: ACCOUNT,
      now: () => new Date(),
      log: () => {},
    });

    const error = (await applyBroker(sim, 63)
      .connect()
      .catch((e: unknown) => e)) as RefusalError;

    expect(error).toBeInstanceOf(RefusalError);
    expect(error.reason).toBe("locked");
    expect(sim.clients()).toEqual([]);
    await held.release();
  });

  it("takes a client id the gateway says is in use as another apply connected: refused as locked", async () => {
    const sim = await startTestSim();
    await connectBroker(sim, { clientId: 64 });

    const error = (await applyBroker(sim, 64)
      .connect()
      .catch((e: unknown) => e)) as RefusalError;

    expect(error).toBeInstanceOf(RefusalError);
    expect(error.reason).toBe("locked");
    // The gateway's address is a secret of the workflows: the message names it only by its variable.
    expect(error.message).toBe(
      `another apply for ${ACCOUNT} is connected to the IB Gateway (FOLIOCTL_GATEWAY) with client id 64`,
    );
    expect(error.message).not.toContain(String(sim.port));
    expect(error.hint).toBe(
      "Nothing was sent. Wait for that apply to finish; if none is running, another program uses " +
        "client id 64: stop it or give it another id.",
    );
  });

  it("after a drop, takes a client id still in use at the gateway as a broker error the reconnect retries", async () => {
    const sim = await startTestSim();
    const broker = applyBroker(sim, 65);
    await broker.connect();
    sim.disconnectClient(65);
    // The gateway has not let go of the dropped session's id yet: another client holds it for now.
    const lingering = await connectBroker(sim, { clientId: 65 });

    const error = (await broker.connect().catch((e: unknown) => e)) as BrokerError;

    expect(error).toBeInstanceOf(BrokerError);
    expect(error.code).toBe(326);
    await lingering.close();
    await broker.connect();
    expect(await readdir(lockDir)).toEqual([`apply-${ACCOUNT}.lock`]);
  });

  it("passes any other failure to connect on as the broker's error, keeping no lock after close", async () => {
    const sim = await startTestSim();
    const broker = applyBroker(sim, 66);
    await sim.stop();
    const error = await broker.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect(error).not.toBeInstanceOf(RefusalError);
    await broker.close();
    expect(await readdir(lockDir)).toEqual([]);
  });
});
