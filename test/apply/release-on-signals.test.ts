// Ctrl-C (SIGINT) or the runner's SIGTERM removes the apply's lock file, then raises the signal again so
// that the process ends as it would have without the handler. Signals reach neither vitest's worker
// threads nor the mutation runner's: the process is an emitter here (release-on-signals-process.test.ts
// sends a real one to a real process).
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireAccountLockFile } from "../../src/apply/account-lock.js";
import { releaseOnSignals, type SignalTarget } from "../../src/apply/release-on-signals.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "folioctl-signals-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A process-like emitter that records every signal sent, and whether the lock file was there then. */
class FakeProcess extends EventEmitter implements SignalTarget {
  readonly pid = 4242;
  readonly sent: Array<{ pid: number; signal: NodeJS.Signals; lockLeft: boolean }> = [];
  lockPath = "";
  kill(pid: number, signal: NodeJS.Signals): boolean {
    this.sent.push({ pid, signal, lockLeft: existsSync(this.lockPath) });
    return true;
  }
  signalListeners(): number {
    return this.listenerCount("SIGINT") + this.listenerCount("SIGTERM");
  }
}

async function holdLock(account: string, target: FakeProcess) {
  const lock = await acquireAccountLockFile({ dir, account, now: () => new Date(), log: () => {} });
  target.lockPath = lock.path;
  let releases = 0;
  const stop = releaseOnSignals(() => {
    releases++;
    lock.releaseSync();
  }, target);
  return { lock, stop, releases: () => releases };
}

describe("releaseOnSignals", () => {
  it.each([
    ["SIGINT", "DU1000001"],
    ["SIGTERM", "DU1000002"],
  ] as const)(
    "on %s removes the lock file, stops listening, then raises the signal again",
    async (signal, account) => {
      const target = new FakeProcess();
      const held = await holdLock(account, target);
      expect(target.listenerCount("SIGINT")).toBe(1);
      expect(target.listenerCount("SIGTERM")).toBe(1);

      target.emit(signal, signal);

      expect(existsSync(held.lock.path)).toBe(false);
      expect(held.releases()).toBe(1);
      expect(target.sent).toEqual([{ pid: 4242, signal, lockLeft: false }]);
      // The raised signal must end the process, not come back to this handler.
      expect(target.signalListeners()).toBe(0);
    },
  );

  it("does nothing on a signal once stopped, and leaves the process's other listeners alone", async () => {
    const target = new FakeProcess();
    const other = () => undefined;
    target.on("SIGTERM", other);
    const held = await holdLock("DU1000003", target);

    held.stop();
    target.emit("SIGTERM", "SIGTERM");
    target.emit("SIGINT", "SIGINT");

    expect(held.releases()).toBe(0);
    expect(target.sent).toEqual([]);
    expect(existsSync(held.lock.path)).toBe(true);
    expect(target.listeners("SIGTERM")).toEqual([other]);
    await held.lock.release();
  });

  it("listens on the process itself unless told otherwise", () => {
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    const stop = releaseOnSignals(() => undefined);
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
    stop();
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
  });
});
