// One name for the simulator's state file on every command: --sim-state. gateway-sim's old --state still
// works, with a notice, so that scripts written for it keep running.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A state file the simulator refuses, so that gateway-sim says which file it read and exits 1. */
async function emptyState(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "folioctl-sim-option-"));
  dirs.push(dir);
  const file = join(dir, "state.yaml");
  await writeFile(file, "accounts: []\ncontracts: []\n");
  return file;
}

const DEPRECATED = "folioctl: --state is deprecated: write --sim-state, as plan and snapshot do\n";

describe("--sim-state on every command", () => {
  it("is the name plan, snapshot and gateway-sim list in their help; --state is not listed", async () => {
    for (const command of ["plan", "snapshot", "gateway-sim"]) {
      const help = await runCli([command, "--help"]);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toContain("--sim-state <file>");
      expect(help.stdout, command).not.toMatch(/--state\b/);
    }
  });

  it("gateway-sim reads the file named by --sim-state", async () => {
    const file = await emptyState();
    const run = await runCli(["gateway-sim", "--port", "0", "--sim-state", file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:1:11: error: accounts: must NOT have fewer than 1 items`);
    expect(run.stderr).not.toContain("deprecated");
  });

  it("gateway-sim still reads the old --state, and says to write --sim-state", async () => {
    const file = await emptyState();
    const run = await runCli(["gateway-sim", "--port", "0", "--state", file]);
    expect(run.code).toBe(1);
    expect(run.stderr.startsWith(DEPRECATED)).toBe(true);
    expect(run.stderr).toContain(`${file}:1:11: error: accounts: must NOT have fewer than 1 items`);
  });

  it("gateway-sim refuses both names at once (exit 64), and --save without a file names --sim-state", async () => {
    const both = await runCli(["gateway-sim", "--state", "a.yaml", "--sim-state", "b.yaml"]);
    expect(both.code).toBe(64);
    expect(both.stderr).toBe(
      "folioctl: error: --state is the old name of --sim-state: give the state file once\n" +
        "  hint: run `folioctl gateway-sim --sim-state b.yaml`\n",
    );
    const save = await runCli(["gateway-sim", "--save"]);
    expect(save.code).toBe(64);
    expect(save.stderr).toContain("folioctl: error: --save needs --sim-state FILE");
  });
});
