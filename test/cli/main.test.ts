import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { runCli, REPO_ROOT } from "../support/run-cli.js";

describe("folioctl command line", () => {
  it("prints the package version", async () => {
    const manifest = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, "utf8")) as { version: string };
    const run = await runCli(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(manifest.version);
  });

  it("exits 64 on an unknown command and says so on stderr", async () => {
    const run = await runCli(["frobnicate"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
    expect(run.stdout).toBe("");
  });

  it("exits 64 on an unknown option", async () => {
    const run = await runCli(["demo", "--no-such-flag"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("unknown option '--no-such-flag'");
  });
});
