// The lock file's edges: where it lives, what a release may remove (only the holder's own file, once),
// a takeover another apply is already making, and a lock directory that cannot be used.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  acquireAccountLockFile,
  isProcessRunning,
  lockDirFromEnv,
  lockFilePath,
} from "../../src/apply/account-lock.js";
import { InputError, RefusalError } from "../../src/errors.js";

const ACCOUNT = "DU1234567";
const now = () => new Date("2026-11-24T15:30:00Z");

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid ?? 0;
}

describe("where the apply lock files are", () => {
  it("uses FOLIOCTL_LOCK_DIR, trimmed, and the OS temp directory when it is unset or blank", () => {
    expect(lockDirFromEnv({ FOLIOCTL_LOCK_DIR: " /srv/locks " })).toBe("/srv/locks");
    const fallback = join(tmpdir(), "folioctl-locks");
    expect(lockDirFromEnv({})).toBe(fallback);
    expect(lockDirFromEnv({ FOLIOCTL_LOCK_DIR: "  " })).toBe(fallback);
  });

  it("tells a running process from one that has ended", async () => {
    expect(isProcessRunning(process.pid)).toBe(true);
    expect(isProcessRunning(await deadPid())).toBe(false);
  });
});

describe("releasing the account's lock file", () => {
  let dir: string;
  const lines: string[] = [];
  const take = (options: { pid?: number; host?: string; dir?: string } = {}) =>
    acquireAccountLockFile({ dir, account: ACCOUNT, now, log: (line) => lines.push(line), ...options });
  const lockText = () => readFile(lockFilePath(dir, ACCOUNT), "utf8");

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "folioctl-lock-release-"));
    lines.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("leaves no file but the lock itself while held", async () => {
    const held = await take();
    expect(await readdir(dir)).toEqual([`apply-${ACCOUNT}.lock`]);
    await held.release();
  });

  it("releases once: a second release leaves the next holder's identical file alone", async () => {
    // The same process, host and start time: the next holder's file has the very same bytes.
    const first = await take();
    await first.release();
    const next = await take();
    const held = await lockText();

    await first.release();
    first.releaseSync();

    expect(await lockText()).toBe(held);
    next.releaseSync();
    const after = await take();
    next.releaseSync();
    expect(await lockText()).toBe(held);
    await after.release();
    await (await take()).release();
  });

  it("releases quietly a lock file someone already deleted by hand", async () => {
    const mine = await take();
    await rm(mine.path);
    await expect(mine.release()).resolves.toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it("releases from a signal handler, synchronously, only a file that is still its own", async () => {
    const mine = await take();
    mine.releaseSync();
    expect(await readdir(dir)).toEqual([]);
    mine.releaseSync();

    // A holder that died and whose file was taken over: its late release leaves the new file alone.
    const stale = await take({ pid: await deadPid() });
    const next = await take();
    stale.releaseSync();
    expect(JSON.parse(await lockText())).toMatchObject({ pid: process.pid });
    next.releaseSync();
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses while another apply is taking over the same stale file, saying which guard to delete", async () => {
    await take({ pid: await deadPid() });
    const guard = `${lockFilePath(dir, ACCOUNT)}.takeover`;
    await writeFile(guard, "12345\n");

    const error = (await take().catch((e: unknown) => e)) as RefusalError;

    expect(error).toBeInstanceOf(RefusalError);
    expect(error.reason).toBe("locked");
    expect(error.message).toBe(
      `another apply for ${ACCOUNT} is taking over the stale lock file ${lockFilePath(dir, ACCOUNT)}`,
    );
    expect(error.hint).toBe(
      `Nothing was sent. Run again in a moment; if no apply is running, delete ${guard}.`,
    );
    // The other apply's guard is its own: left where it is.
    expect(await readFile(guard, "utf8")).toBe("12345\n");
    expect(lines).toEqual([]);
  });

  it("treats a file without a numeric pid and a host as held by someone it cannot name", async () => {
    await writeFile(lockFilePath(dir, ACCOUNT), JSON.stringify({ pid: "1", host: "here" }));
    const unreadable = (await take().catch((e: unknown) => e)) as RefusalError;
    expect(unreadable.reason).toBe("locked");
    expect(unreadable.message).toMatch(/exists but cannot be read/);
    await writeFile(lockFilePath(dir, ACCOUNT), JSON.stringify({ pid: 1 }));
    await expect(take()).rejects.toThrow(/exists but cannot be read/);
  });

  it("says which directory it cannot use, and how to choose another, when the lock directory is a file", async () => {
    const file = join(dir, "not-a-directory");
    await writeFile(file, "");
    const error = (await take({ dir: join(file, "locks") }).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`cannot use ${join(file, "locks")} for the apply lock file (ENOTDIR)`);
    expect(error.hint).toBe(
      "Set FOLIOCTL_LOCK_DIR to a directory every apply on this machine can write to, the same for all of them.",
    );
  });

  it("leaves a lock file another apply took over in the meantime, and is refused by it", async () => {
    const stalePid = await deadPid();
    await take({ pid: stalePid });
    // Another apply on this host took the stale file over while this one was judging it stale.
    const theirs = JSON.stringify({ account: ACCOUNT, pid: process.pid, host: hostname(), startedAt: "x" });
    const isRunning = (pid: number) => {
      if (pid === stalePid) writeFileSync(lockFilePath(dir, ACCOUNT), theirs);
      return pid !== stalePid;
    };

    const error = (await acquireAccountLockFile({
      dir,
      account: ACCOUNT,
      now,
      log: (line) => lines.push(line),
      isRunning,
    }).catch((e: unknown) => e)) as RefusalError;

    expect(error).toBeInstanceOf(RefusalError);
    expect(error.message).toMatch(
      new RegExp(`^another apply for ${ACCOUNT} is running: process ${process.pid} `),
    );
    expect(error.hint).toBe(
      `Nothing was sent. Wait for it to finish (check with \`ps -p ${process.pid}\` on ${hostname()}); ` +
        "a lock file whose process has ended is taken over by the next apply.",
    );
    expect(await lockText()).toBe(theirs);
    expect(lines).toEqual([]);
  });

  it("says it cannot use a lock path that is not a file, rather than taking it as held", async () => {
    await mkdir(lockFilePath(dir, ACCOUNT));
    const error = (await take().catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`cannot use ${lockFilePath(dir, ACCOUNT)} for the apply lock file (EISDIR)`);
  });

  it("says the lock path is a link to nothing and to delete it, rather than that another apply is starting", async () => {
    const path = lockFilePath(dir, ACCOUNT);
    const target = join(dir, "gone.lock");
    await symlink(target, path);
    const error = (await take().catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `cannot use ${path} for the apply lock file: it is a symbolic link to ${target}, which does not exist`,
    );
    expect(error.hint).toBe(
      `Nothing was sent. Delete ${path} (folioctl writes a plain file there) and run again.`,
    );
    // Left as it was: nothing was created where the link points.
    expect(await readlink(path)).toBe(target);
    expect((await readdir(dir)).sort()).toEqual([`apply-${ACCOUNT}.lock`]);
  });

  it("names the holder of a lock file that does not say when it started without a start time", async () => {
    const path = lockFilePath(dir, ACCOUNT);
    await writeFile(path, JSON.stringify({ pid: process.pid, host: hostname() }));
    const error = (await take().catch((e: unknown) => e)) as RefusalError;
    expect(error.message).toBe(
      `another apply for ${ACCOUNT} is running: process ${process.pid} on ${hostname()} holds ${path}`,
    );

    const dead = await deadPid();
    await writeFile(path, JSON.stringify({ pid: dead, host: hostname() }));
    await (await take()).release();
    expect(lines).toEqual([
      `apply: took over ${path}: it was left by process ${dead} on ${hostname()}, which no longer runs`,
    ]);
  });

  it("says it cannot write its lock file where the path is too long, rather than retrying", async () => {
    // Short enough for the lock file's path, too long (over 4,096 bytes) for its draft's beside it.
    let deep = dir;
    while (deep.length < 4_060) deep = join(deep, "d".repeat(Math.min(200, 4_060 - deep.length)));
    const error = (await take({ dir: deep }).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `cannot use ${lockFilePath(deep, ACCOUNT)} for the apply lock file (ENAMETOOLONG)`,
    );
  });
});
