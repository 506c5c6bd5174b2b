// The broker apply trades through removes its lock file on Ctrl-C or the runner's SIGTERM, then lets the
// signal end the process. The process is an emitter here (signals reach no vitest worker thread).
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockFilePath } from "../../src/apply/account-lock.js";
import { ApplyBroker } from "../../src/apply/apply-broker.js";
import type { SignalTarget } from "../../src/apply/release-on-signals.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT } from "../gateway-sim/support/test-state.js";

let sim: GatewaySim;
let lockDir: string;
beforeAll(async () => {
  sim = await startTestSim();
  lockDir = await mkdtemp(join(tmpdir(), "folioctl-apply-broker-signals-"));
});
afterAll(async () => {
  await stopSims();
  await rm(lockDir, { recursive: true, force: true });
});

class FakeProcess extends EventEmitter implements SignalTarget {
  readonly pid = 4343;
  readonly sent: Array<{ pid: number; signal: NodeJS.Signals; lockLeft: boolean }> = [];
  kill(pid: number, signal: NodeJS.Signals): boolean {
    this.sent.push({ pid, signal, lockLeft: existsSync(lockFilePath(lockDir, ACCOUNT)) });
    return true;
  }
}

describe("ApplyBroker on SIGTERM", () => {
  it("removes the account's lock file it holds, then raises the signal again", async () => {
    const signals = new FakeProcess();
    const broker = new ApplyBroker({
      host: sim.host,
      port: sim.port,
      clientId: 64,
      timeoutMs: 5_000,
      account: ACCOUNT,
      lockDir,
      log: () => undefined,
      signals,
    });
    await broker.connect();
    expect(existsSync(lockFilePath(lockDir, ACCOUNT))).toBe(true);

    signals.emit("SIGTERM", "SIGTERM");

    expect(signals.sent).toEqual([{ pid: 4343, signal: "SIGTERM", lockLeft: false }]);
    await broker.close();
    expect(signals.listenerCount("SIGTERM") + signals.listenerCount("SIGINT")).toBe(0);
  });
});
