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

  it("exits 64 on an unknown command and says so on stderr, as folioctl", async () => {
    const run = await runCli(["frobnicate"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toBe("folioctl: error: unknown command 'frobnicate'\n(run with --help for usage)\n");
    expect(run.stdout).toBe("");
  });

  it("exits 64 on an unknown option and names the command's help", async () => {
    const run = await runCli(["demo", "--no-such-flag"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toBe(
      "folioctl: error: unknown option '--no-such-flag'\n(run `folioctl demo --help` for usage)\n",
    );
  });

  it("exits 64 with the usage on stderr when no command is given", async () => {
    const run = await runCli([]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/^Usage: folioctl \[options\] \[command\]\n/);
    expect(run.stderr).toContain("  validate [options] [files...]");
    expect(run.stdout).toBe("");
  });

  it("exits 0 with the usage on stdout when help is asked for", async () => {
    for (const args of [["--help"], ["help"], ["help", "plan"]]) {
      const run = await runCli(args);
      expect([args, run.code, run.stderr]).toEqual([args, 0, ""]);
      expect(run.stdout).toMatch(/^Usage: folioctl /);
    }
  });

  it("says a wrong command line in full, with no --debug to try", async () => {
    const run = await runCli(["validate", ""]);
    expect(run.code).toBe(64);
    expect(run.stderr).toBe(
      "folioctl: error: an empty file name was given\n  hint: pass paths such as portfolio.yaml\n",
    );
  });
});
