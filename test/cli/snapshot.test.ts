import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAjv } from "../../src/config/ajv.js";
import snapshotSchema from "../../schema/snapshot.schema.json" with { type: "json" };
import { ACCOUNT } from "../gateway-sim/support/test-state.js";
import { SECOND, twoAccountState } from "../gateway-sim/support/two-accounts-state.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { runCli } from "../support/run-cli.js";

const validateSnapshot = createAjv().compile(snapshotSchema);
const dirs: string[] = [];

afterEach(async () => {
  await stopSims();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("folioctl snapshot", () => {
  it("without a gateway, reads the built-in simulator, says so, and writes a valid snapshot", async () => {
    const run = await runCli(["snapshot"], { env: { FOLIOCTL_GATEWAY: "" } });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("using the built-in simulator with examples/sim-state.yaml");
    const snapshot = JSON.parse(run.stdout);
    expect(validateSnapshot(snapshot), JSON.stringify(validateSnapshot.errors)).toBe(true);
    expect(snapshot).toMatchObject({
      account: "DU1234567",
      baseCurrency: "USD",
      cash: { USD: 8000 },
      netLiquidation: 56340,
    });
    expect(snapshot.quotes.map((q: { conId: number }) => q.conId)).toEqual([756733, 43645865, 31230302]);
  });

  it("reads a gateway given with --gateway, and its snapshot plans offline to the same orders", async () => {
    const sim = await startTestSim();
    const dir = await mkdtemp(join(tmpdir(), "folioctl-snapshot-"));
    dirs.push(dir);
    const out = join(dir, "snapshot.json");
    const portfolio = join(dir, "portfolio.yaml");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(
        portfolio,
        "version: 1\naccount: DU1234567\nbaseCurrency: USD\ntargets:\n  - { symbol: VTI, weight: 50 }\n  - { symbol: BND, weight: 40 }\ncash: { weight: 10 }\nlimits: { maxTurnover: 100 }\n",
      ),
    );
    const run = await runCli([
      "snapshot",
      "--portfolio",
      portfolio,
      "--gateway",
      `127.0.0.1:${sim.port}`,
      "--client-id",
      "55",
      "--out",
      out,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain("simulator");
    const snapshot = JSON.parse(await readFile(out, "utf8"));
    expect(snapshot.positions.map((p: { symbol: string }) => p.symbol)).toEqual(["VTI", "BND"]);
    const plan = await runCli(["plan", "--snapshot", out, "--portfolio", portfolio, "--json"]);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(2);
    expect(JSON.parse(plan.stdout).orders.length).toBeGreaterThan(0);
  });

  it("names the accounts the gateway has when the portfolio's is not one of them", async () => {
    const sim = await startTestSim();
    const dir = await mkdtemp(join(tmpdir(), "folioctl-snapshot-"));
    dirs.push(dir);
    const portfolio = join(dir, "portfolio.yaml");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(
        portfolio,
        "version: 1\naccount: U7654321\nbaseCurrency: USD\ntargets:\n  - { symbol: VTI, weight: 90 }\ncash: { weight: 10 }\n",
      ),
    );
    const run = await runCli(["snapshot", "--portfolio", portfolio, "--gateway", `127.0.0.1:${sim.port}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("IB Gateway is not logged in to account U7654321; it manages: DU1234567");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("with --account, reads those accounts in one session and writes one file each", async () => {
    const sim = await startTestSim({ state: twoAccountState() });
    const dir = await mkdtemp(join(tmpdir(), "folioctl-snapshot-"));
    dirs.push(dir);
    const portfolio = join(dir, "portfolio.yaml");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(
        portfolio,
        `version: 1\naccount: ${ACCOUNT}\nbaseCurrency: USD\ntargets:\n  - { symbol: VTI, weight: 50 }\n  - { symbol: BND, weight: 40 }\ncash: { weight: 10 }\n`,
      ),
    );
    const gateway = ["--portfolio", portfolio, "--gateway", `127.0.0.1:${sim.port}`, "--client-id", "56"];
    const out = join(dir, "out");
    // Account ids in any case, as elsewhere on the command line.
    const run = await runCli([
      "snapshot",
      ...gateway,
      "--account",
      SECOND.toLowerCase(),
      "--account",
      ACCOUNT,
      "--out-dir",
      out,
    ]);
    expect(run.stderr).toBe(
      `wrote ${join(out, `snapshot-${SECOND}.json`)}\nwrote ${join(out, `snapshot-${ACCOUNT}.json`)}\n`,
    );
    expect(run.code).toBe(0);
    const second = JSON.parse(await readFile(join(out, `snapshot-${SECOND}.json`), "utf8"));
    const first = JSON.parse(await readFile(join(out, `snapshot-${ACCOUNT}.json`), "utf8"));
    for (const snapshot of [first, second]) {
      expect(validateSnapshot(snapshot), JSON.stringify(validateSnapshot.errors)).toBe(true);
    }
    expect([second.account, second.cash, second.positions.map((p: { symbol: string }) => p.symbol)]).toEqual([
      SECOND,
      { USD: 3000 },
      ["VNQ"],
    ]);
    expect([first.account, first.positions.map((p: { symbol: string }) => p.symbol)]).toEqual([
      ACCOUNT,
      ["VTI", "BND"],
    ]);

    const unmanaged = await runCli([
      "snapshot",
      ...gateway,
      "--account",
      "U0000001",
      "--account",
      "U0000002",
      "--out-dir",
      out,
    ]);
    expect(unmanaged.code).toBe(1);
    expect(unmanaged.stderr).toContain(
      `IB Gateway is not logged in to accounts U0000001, U0000002; it manages: ${ACCOUNT}, ${SECOND}`,
    );
    const noDir = await runCli(["snapshot", ...gateway, "--account", SECOND]);
    expect(noDir.code).toBe(64);
    expect(noDir.stderr).toContain("--account writes one file per account: give --out-dir, not --out");
  });
});
