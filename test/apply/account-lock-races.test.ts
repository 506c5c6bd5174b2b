// Applies starting at the same moment: a stale lock file that another process replaces every time this
// one judges it stale is retried a bounded number of times, then refused with nothing sent. The race is
// made deterministic through `isRunning`, which the lock asks between reading the file and taking it.
import { writeFileSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireAccountLockFile, lockFilePath } from "../../src/apply/account-lock.js";
import { RefusalError } from "../../src/errors.js";

const ACCOUNT = "DU1234567";
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "folioctl-lock-races-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A lock file left by a process of this host that the test's `isRunning` says has ended. */
const staleHolder = (pid: number) =>
  `${JSON.stringify({ account: ACCOUNT, pid, host: hostname(), startedAt: "2026-12-03T09:00:00.000Z" })}\n`;

describe("taking a stale lock file that keeps changing", () => {
  it("tries three times, then refuses as locked, leaving the other process's file and no guard", async () => {
    const path = lockFilePath(dir, ACCOUNT);
    await writeFile(path, staleHolder(1_000_001));
    const judged: number[] = [];
    // Each time this apply finds the file stale, another apply has just replaced it by its own stale one
    // (up to ten times, so that a loop that never ends shows as a lock taken, not a hang).
    const isRunning = (pid: number) => {
      judged.push(pid);
      if (judged.length <= 10) writeFileSync(path, staleHolder(pid + 1));
      return false;
    };
    const lines: string[] = [];

    const error = (await acquireAccountLockFile({
      dir,
      account: ACCOUNT,
      now: () => new Date("2026-12-03T10:00:00Z"),
      log: (line) => lines.push(line),
      isRunning,
    }).catch((e: unknown) => e)) as RefusalError;

    expect(error).toBeInstanceOf(RefusalError);
    expect(error.reason).toBe("locked");
    expect(error.message).toBe(`the lock file ${path} kept changing while this apply tried to take it`);
    expect(error.hint).toBe(
      "Nothing was sent. Another apply for this account is starting right now; run again when it has finished.",
    );
    expect(judged).toEqual([1_000_001, 1_000_002, 1_000_003]);
    expect(await readFile(path, "utf8")).toBe(staleHolder(1_000_004));
    expect(await readdir(dir)).toEqual([`apply-${ACCOUNT}.lock`]);
    expect(lines).toEqual([]);
  });
});
