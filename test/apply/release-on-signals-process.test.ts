// A real SIGTERM to a real process holding an account's lock file: the file is removed and the process
// ends by the signal, as it would have without the handler (its parent sees SIGTERM, a shell 143). Runs
// the built dist/ (`node scripts/build.mjs` first), since signals reach no vitest worker thread.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/run-cli.js";

const dirs: string[] = [];
afterEach(() => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

const moduleUrl = (name: string) => pathToFileURL(join(REPO_ROOT, "src", "apply", name)).href;

/** Takes the lock file, listens for signals as apply does, says where the file is, and waits. */
const HOLDER = `
const { acquireAccountLockFile } = await import(${JSON.stringify(moduleUrl("account-lock.ts"))});
const { releaseOnSignals } = await import(${JSON.stringify(moduleUrl("release-on-signals.ts"))});
const lock = await acquireAccountLockFile({
  dir: process.argv[1], account: "DU1234567", now: () => new Date(), log: () => {},
});
releaseOnSignals(() => lock.releaseSync());
setInterval(() => {}, 60_000);
process.stdout.write(lock.path + "\\n");
`;

describe("an apply stopped by the runner's SIGTERM", () => {
  it("removes its lock file and ends by the signal", async () => {
    const dir = await mkdtemp(join(tmpdir(), "folioctl-sigterm-"));
    dirs.push(dir);
    const child = spawn(
      process.execPath,
      ["--import", "./scripts/register-ts.mjs", "--input-type=module", "-e", HOLDER, dir],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    const lockPath = await new Promise<string>((resolve) =>
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8").trim())),
    );
    expect(existsSync(lockPath)).toBe(true);

    child.kill("SIGTERM");

    expect(await exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(existsSync(lockPath)).toBe(false);
  });
});
