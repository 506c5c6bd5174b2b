import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadSimStateFile, type GatewaySim } from "../../src/gateway-sim/index.js";
import { cleanupPlanFixtures, planFixture } from "../apply/support/plan-fixture.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { REPO_ROOT, runCli } from "../support/run-cli.js";

const BIN = fileURLToPath(new URL("../../bin/folioctl.js", import.meta.url));

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

async function exampleSim(clock?: string): Promise<GatewaySim> {
  const loaded = await loadSimStateFile(`${REPO_ROOT}/examples/sim-state.yaml`);
  if (!loaded.ok) throw new Error("example state is invalid");
  return startTestSim({ state: { ...loaded.state, ...(clock === undefined ? {} : { clock }) } });
}

describe("folioctl apply", () => {
  it("refuses to run without a gateway and says how to name one", async () => {
    const run = await runCli(["apply", "--plan", "plan.json"], { env: { FOLIOCTL_GATEWAY: "" } });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain("apply needs an IB Gateway");
    expect(run.stderr).toContain("--gateway HOST:PORT");
  });

  it("applies, prints the report, and says where the ledger is; a second run is a no-op", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const args = ["apply", "--plan", "plan.json", "--gateway", `127.0.0.1:${sim.port}`, "--client-id", "31"];
    const run = await runCli(args, { cwd: fixture.dir });
    expect(run.stderr).not.toContain("error");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Apply of plan ${fixture.plan.hash.slice(0, 12)} for DU1234567: applied in full`,
    );
    expect(run.stderr).toMatch(/ledger: .*ledger\/DU1234567\/\d{8}T\d{6}Z-[0-9a-f]{12}\.json/);
    expect(run.stderr).toMatch(/apply: \[S1\] placed SELL/);

    const again = await runCli([...args, "--json"], { cwd: fixture.dir });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      outcome: "already-applied",
      planHash: fixture.plan.hash,
    });
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
  });

  it("prints the record of a run whose ledger cannot be written, says what to do, and a re-run sends nothing twice", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    // The account's folder fits in a path (4,096 bytes) and is read for earlier records; the name of
    // this run's record beside it does not fit, so the record cannot be written after the orders went out.
    let ledgerDir = fixture.dir;
    while (ledgerDir.length < 4_060)
      ledgerDir = join(ledgerDir, "d".repeat(Math.min(200, 4_060 - ledgerDir.length)));
    const args = ["apply", "--plan", "plan.json", "--gateway", `127.0.0.1:${sim.port}`, "--client-id", "35"];
    const run = await runCli([...args, "--ledger-dir", ledgerDir], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
    expect(run.stdout).toContain(
      `Apply of plan ${fixture.plan.hash.slice(0, 12)} for DU1234567: applied in full`,
    );
    expect(run.stderr).toContain(
      `folioctl: error: the record of this run (applied) could not be written in ${join(ledgerDir, "DU1234567")}: ENAMETOOLONG`,
    );
    expect(run.stderr).toContain("hint: Keep the record printed above: it is this run's only copy.");
    expect(run.stderr).not.toContain("internal error");

    const again = await runCli([...args, "--json"], { cwd: fixture.dir });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "already-applied" });
    expect(sim.orders()).toHaveLength(fixture.plan.orders.length);
  });

  it("exits 3 with the reason word on stderr when it refuses", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    sim.setQuote(756733, { bid: 260, ask: 260.1 });
    const run = await runCli(
      ["apply", "--plan", "plan.json", "--gateway", `127.0.0.1:${sim.port}`, "--client-id", "32"],
      {
        cwd: fixture.dir,
      },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^folioctl: refused \(stale\): the market changed since the plan was made \(1 difference\)$/m,
    );
    // The difference is listed once, with its sign, and the hint is for a local apply.
    const listed = "  - VTI price: planned 250.00, now 260.05 (+402.0 bps)";
    expect(run.stdout.split("\n").filter((line) => line.includes("VTI price"))).toEqual([listed]);
    expect(run.stdout).toContain(
      "  hint: Nothing was sent. Make a new plan with `folioctl plan --portfolio portfolio.yaml --out plan.json`, review it, and apply that. If prices move this much routinely, raise `tolerances.priceMoveBps` in portfolio.yaml.",
    );
    expect(run.stdout + run.stderr).not.toMatch(/pull request|propose|on main|main has/);
    expect(sim.orders()).toEqual([]);
  });

  it("names the portfolio file it was given when trading is suspended, and gives a local hint", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    const yaml = await readFile(fixture.portfolioFile, "utf8");
    await writeFile(join(fixture.dir, "live.yaml"), yaml.replace("suspend: false", "suspend: true"));
    const run = await runCli(
      ["apply", "--plan", "plan.json", "--portfolio", "live.yaml", "--gateway", `127.0.0.1:${sim.port}`],
      { cwd: fixture.dir },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      "folioctl: refused (suspended): trading is suspended: live.yaml has `suspend: true`",
    );
    expect(run.stdout).toContain("hint: Set `suspend: false` in live.yaml when trading may resume.");
    expect(run.stdout + run.stderr).not.toContain("portfolio.yaml");
    expect(sim.orders()).toEqual([]);
  });

  it("judges the market's hours by the gateway's clock: past Friday's close it refuses until Monday", async () => {
    // The example's hours, its clock moved to Friday 4 December 2026, 16:30 in New York.
    const sim = await exampleSim("2026-12-04T21:30:00Z");
    const fixture = await planFixture(sim, new Date());
    const run = await runCli(
      ["apply", "--plan", "plan.json", "--gateway", `127.0.0.1:${sim.port}`, "--client-id", "34"],
      { cwd: fixture.dir },
    );
    expect(run.code).toBe(3);
    const closed = (symbol: string) =>
      `${symbol} is outside its regular trading hours (opens 2026-12-07 09:30:00 US/Eastern)`;
    expect(run.stderr).toContain(
      `folioctl: refused (window-closed): the market is closed: ${["VTI", "BND", "VNQ"].map(closed).join("; ")}\n`,
    );
    expect(sim.orders()).toEqual([]);
  });

  it("after being killed between two orders, a second run finishes without sending any leg twice", async () => {
    const sim = await exampleSim();
    const fixture = await planFixture(sim, new Date());
    expect(fixture.plan.orders.length).toBeGreaterThanOrEqual(2);
    // Order acknowledgements arrive late, so the process is still between orders when it is killed.
    sim.injectFault({ type: "delay", ms: 3_000, messages: ["OPEN_ORDER", "ORDER_STATUS"] });
    const child = spawn(
      process.execPath,
      [BIN, "apply", "--plan", "plan.json", "--gateway", `127.0.0.1:${sim.port}`, "--client-id", "33"],
      {
        cwd: fixture.dir,
        stdio: "ignore",
      },
    );
    const exited = new Promise((resolve) => child.on("exit", resolve));
    await expect.poll(() => sim.orders().length, { timeout: 15_000, interval: 20 }).toBe(1);
    child.kill("SIGKILL");
    await exited;
    sim.clearFaults();

    const run = await runCli(
      ["apply", "--plan", "plan.json", "--gateway", `127.0.0.1:${sim.port}`, "--client-id", "34", "--json"],
      {
        cwd: fixture.dir,
        timeoutMs: 30_000,
      },
    );
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout) as {
      outcome: string;
      orders: { resumed: boolean; status: string }[];
    };
    expect(record.outcome).toBe("applied");
    expect(record.orders.filter((o) => o.resumed)).toHaveLength(1);
    const refs = sim.orders().map((o) => o.orderRef);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs).toHaveLength(fixture.plan.orders.length);
  }, 40_000);
});
