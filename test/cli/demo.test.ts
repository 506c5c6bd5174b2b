import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

describe("folioctl demo (npm start)", () => {
  it("plans the example portfolio against the built-in simulator and exits 0", async () => {
    const run = await runCli(["demo"], { env: { FOLIOCTL_GATEWAY: "127.0.0.1:1" } });
    expect(run.code).toBe(0);
    // Even with a gateway in the environment, the demo never reaches for it, and says so.
    expect(run.stderr).toBe(
      "folioctl: demo uses the built-in simulator with examples/sim-state.yaml, not FOLIOCTL_GATEWAY=127.0.0.1:1: `folioctl plan` uses that gateway\n",
    );
    expect(run.stdout).toContain("planned against the built-in IB Gateway simulator");
    expect(run.stdout).toMatch(/Plan for DU1234567: 3 orders \(1 sell, 2 buys\)/);
    expect(run.stdout).toMatch(/S1\s+SELL\s+10\s+VTI\s+LMT/);
    expect(run.stdout).toMatch(/B1\s+BUY\s+\d+\s+BND/);
    expect(run.stdout).toMatch(/plan [0-9a-f]{12}, made /);
    // The check apply makes, by the simulator's clock: the example's hours have the market open.
    expect(run.stdout).toMatch(
      /Market: every traded contract is in its regular trading hours at 2026-12-02 10:0\d:\d\d US\/Eastern\n/,
    );
  });

  it("--example eur plans a EUR account that converts euros before buying its USD ETFs", async () => {
    const run = await runCli(["demo", "--example", "eur"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("folioctl: demo uses the built-in simulator with examples/sim-state-eur.yaml\n");
    expect(run.stdout).toMatch(/Plan for DU2345678: \d+ orders \(0 sells, 1 conversion, \d+ buys\)/);
    expect(run.stdout).toMatch(/F1\s+SELL\s+[\d,]+\s+EUR\.USD\s+LMT/);
    expect(run.stdout).toMatch(/B1\s+BUY\s+\d+\s+BND/);
  });

  it("refuses an example it does not have, naming those it has, exit 64", async () => {
    const run = await runCli(["demo", "--example", "gbp"]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('no example "gbp"');
    expect(run.stderr).toContain("use --example usd or --example eur");
  });

  it("answers --gateway with the command that plans against a gateway, exit 64", async () => {
    const run = await runCli(["demo", "--gateway", "127.0.0.1:4002"]);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      "folioctl: error: folioctl demo always plans the example portfolio against the built-in simulator",
    );
    expect(run.stderr).toContain("run `folioctl plan --gateway 127.0.0.1:4002`");
  });

  it("is what `npm start` runs", async () => {
    const { readFile } = await import("node:fs/promises");
    const { REPO_ROOT } = await import("../support/run-cli.js");
    const manifest = JSON.parse(await readFile(`${REPO_ROOT}/package.json`, "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts["start"]).toMatch(/bin\/folioctl\.js demo$/);
  });
});
