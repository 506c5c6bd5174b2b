// One apply per account at a time, whoever starts the second: the runner's lock file keeps a second
// apply on the same machine out, the gateway (the account's own client id) one from anywhere else.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import { ACCOUNT, ordersPerRef } from "../apply/support/apply-harness.js";
import { holdSells } from "../apply/support/hold-sells.js";
import { cleanupPlanFixtures, planFixture, type PlanFixture } from "../apply/support/plan-fixture.js";
import { startExampleSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { runCli, type CliRun } from "../support/run-cli.js";

afterEach(async () => {
  await stopSims();
  await cleanupPlanFixtures();
});

function apply(
  sim: GatewaySim,
  fixture: PlanFixture,
  lockDir: string,
  extra: string[] = [],
): Promise<CliRun> {
  return runCli(["apply", "--plan", "plan.json", "--gateway", `127.0.0.1:${sim.port}`, ...extra], {
    cwd: fixture.dir,
    env: { FOLIOCTL_LOCK_DIR: lockDir, FOLIOCTL_CLIENT_ID: undefined },
    timeoutMs: 60_000,
  });
}

const lockDir = () => mkdtemp(join(tmpdir(), "folioctl-runner-locks-"));

/**
 * Starts two runs together while the simulator holds every sell: whichever takes the lock cannot finish
 * until the test lets its sell fill, and the test does that only once the other run has ended. So the
 * other run ended while the first one was running, whatever the machine's load; had the first let go
 * of the lock before sending its orders, neither run would end and the test would fail.
 */
async function overlapping(
  sim: GatewaySim,
  fixture: PlanFixture,
  start: [() => Promise<CliRun>, () => Promise<CliRun>],
): Promise<{ first: CliRun; runs: CliRun[] }> {
  const release = holdSells(sim, fixture.plan);
  const runs = start.map((run) => run());
  const first = await Promise.race(runs);
  release();
  return { first, runs: await Promise.all(runs) };
}

describe("two applies of one plan at once", () => {
  it("on one machine, with different client ids: one applies, the other is refused as locked; each leg is placed once", async () => {
    const sim = await startExampleSim();
    const fixture = await planFixture(sim, new Date());
    const dir = await lockDir();

    const { first, runs } = await overlapping(sim, fixture, [
      () => apply(sim, fixture, dir, ["--client-id", "41"]),
      () => apply(sim, fixture, dir, ["--client-id", "42"]),
    ]);

    expect(first.code, first.stderr).toBe(3);
    expect(runs.map((r) => r.code).sort(), runs.map((r) => r.stderr).join("\n----\n")).toEqual([0, 3]);
    const loser = runs.find((r) => r.code === 3);
    expect(loser?.stderr).toMatch(
      new RegExp(
        `^folioctl: refused \\(locked\\): another apply for ${ACCOUNT} is running: process \\d+ on ` +
          `${hostname()} holds ${join(dir, `apply-${ACCOUNT}.lock`)} since `,
        "m",
      ),
    );
    expect(loser?.stderr).toContain("hint: Nothing was sent.");
    expect(loser?.stderr).toMatch(/--client-id 4[12] replaces DU1234567's own apply client id 7\d{3}/);
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
    // The winner removed its lock file when it finished.
    expect(await readdir(dir)).toEqual([]);
  }, 90_000);

  it("on two machines, with the account's own client id: the gateway refuses the second; each leg is placed once", async () => {
    const sim = await startExampleSim();
    const fixture = await planFixture(sim, new Date());

    // Each runner has its own lock directory: only the gateway can tell that the other apply runs.
    const [dirA, dirB] = [await lockDir(), await lockDir()];
    const { first, runs } = await overlapping(sim, fixture, [
      () => apply(sim, fixture, dirA),
      () => apply(sim, fixture, dirB),
    ]);

    expect(first.code, first.stderr).toBe(3);
    expect(runs.map((r) => r.code).sort(), runs.map((r) => r.stderr).join("\n----\n")).toEqual([0, 3]);
    const loser = runs.find((r) => r.code === 3);
    expect(loser?.stderr).toMatch(
      new RegExp(
        `^folioctl: refused \\(locked\\): another apply for ${ACCOUNT} is connected to ` +
          `the IB Gateway \\(FOLIOCTL_GATEWAY\\) with client id 7\\d{3}$`,
        "m",
      ),
    );
    expect(loser?.stderr).not.toContain(`127.0.0.1:${sim.port}`);
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
  }, 90_000);

  it("refuses while another process holds the lock file, sends nothing, and says so in --json", async () => {
    const sim = await startExampleSim();
    const fixture = await planFixture(sim, new Date());
    const dir = await lockDir();
    // This test process stands for an apply that is running.
    const holder = {
      account: ACCOUNT,
      pid: process.pid,
      host: hostname(),
      startedAt: "2026-11-24T15:30:00.000Z",
    };
    await writeFile(join(dir, `apply-${ACCOUNT}.lock`), JSON.stringify(holder));

    const run = await apply(sim, fixture, dir, ["--json"]);

    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "refused", refusal: { reason: "locked" } });
    expect(run.stderr).toContain(`process ${process.pid} on ${hostname()} holds`);
    expect(sim.orders()).toEqual([]);
    expect(sim.clients()).toEqual([]);
    expect(await readdir(dir)).toEqual([`apply-${ACCOUNT}.lock`]);
  }, 60_000);

  it("takes over a lock file left by an apply that was killed, and applies", async () => {
    const sim = await startExampleSim();
    const fixture = await planFixture(sim, new Date());
    const dir = await lockDir();
    const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((resolve) => dead.on("exit", resolve));
    const stale = {
      account: ACCOUNT,
      pid: dead.pid,
      host: hostname(),
      startedAt: "2026-11-24T15:30:00.000Z",
    };
    await writeFile(join(dir, `apply-${ACCOUNT}.lock`), JSON.stringify(stale));

    const run = await apply(sim, fixture, dir);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `apply: took over ${join(dir, `apply-${ACCOUNT}.lock`)}: it was left by process ${dead.pid} on ${hostname()}`,
    );
    expect(ordersPerRef(sim)).toEqual(fixture.plan.orders.map(() => 1));
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});
