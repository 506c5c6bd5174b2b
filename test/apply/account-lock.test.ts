import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireAccountLockFile, lockFilePath } from "../../src/apply/account-lock.js";
import { RefusalError } from "../../src/errors.js";

const ACCOUNT = "DU1234567";
const now = () => new Date("2026-11-24T15:30:00Z");

/** The pid of a process that has ended: a lock file holder that is certainly dead. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid ?? 0;
}

describe("the account's apply lock file", () => {
  let dir: string;
  const lines: string[] = [];
  const take = (options: { pid?: number; host?: string } = {}) =>
    acquireAccountLockFile({ dir, account: ACCOUNT, now, log: (line) => lines.push(line), ...options });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "folioctl-lock-test-"));
    lines.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("records who holds it, refuses a second holder while the first runs, and is free again once released", async () => {
    const first = await take();
    expect(JSON.parse(await readFile(lockFilePath(dir, ACCOUNT), "utf8"))).toEqual({
      account: ACCOUNT,
      pid: process.pid,
      host: hostname(),
      startedAt: "2026-11-24T15:30:00.000Z",
    });

    const second = (await take().catch((e: unknown) => e)) as RefusalError;
    expect(second).toBeInstanceOf(RefusalError);
    expect(second.reason).toBe("locked");
    expect(second.message).toBe(
      `another apply for ${ACCOUNT} is running: process ${process.pid} on ${hostname()} holds ` +
        `${lockFilePath(dir, ACCOUNT)} since 2026-11-24T15:30:00.000Z`,
    );
    expect(second.hint).toMatch(/^Nothing was sent\. Wait for it to finish/);

    await first.release();
    expect(await readdir(dir)).toEqual([]);
    await (await take()).release();
  });

  it("takes over a file left by a process that no longer runs on this host, and says so", async () => {
    const pid = await deadPid();
    const stale = await take({ pid });

    const mine = await take();

    expect(lines).toEqual([
      `apply: took over ${stale.path}: it was left by process ${pid} on ${hostname()} ` +
        "(since 2026-11-24T15:30:00.000Z), which no longer runs",
    ]);
    expect(JSON.parse(await readFile(mine.path, "utf8"))).toMatchObject({ pid: process.pid });
    // The dead holder's release (it never comes, but if it did) leaves the new holder's file alone.
    await stale.release();
    expect(JSON.parse(await readFile(mine.path, "utf8"))).toMatchObject({ pid: process.pid });
    await mine.release();
  });

  it("gives a stale file to exactly one of several applies taking it over at once", async () => {
    await take({ pid: await deadPid() });

    const results = await Promise.allSettled([take(), take(), take(), take()]);

    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as RefusalError).reason).toBe("locked");
    }
    expect((await readdir(dir)).filter((name) => !name.endsWith(".lock"))).toEqual([]);
  });

  it("never takes over a file from another host, whose process cannot be checked from here", async () => {
    await take({ pid: await deadPid(), host: "runner-elsewhere" });
    await expect(take()).rejects.toThrow(/process \d+ on runner-elsewhere holds/);
  });

  it("treats an unreadable file as held and says how to remove it", async () => {
    await writeFile(lockFilePath(dir, ACCOUNT), "not json");
    const error = (await take().catch((e: unknown) => e)) as RefusalError;
    expect(error.message).toBe(
      `the lock file ${lockFilePath(dir, ACCOUNT)} for ${ACCOUNT} exists but cannot be read`,
    );
    expect(error.hint).toContain(`delete ${lockFilePath(dir, ACCOUNT)} and run again`);
  });
});
