// A runner that dies in the middle of an apply: the built binary is killed between two orders, the
// lock it left is removed, and the re-run follows what was already sent instead of sending it again.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import {
  ACCOUNT,
  EXAMPLE,
  LoopWorld,
  stopLoopWorlds,
  PLAN_FILE,
  portfolioYaml,
} from "./support/loop-world.js";

const BIN = fileURLToPath(new URL("../../bin/folioctl.js", import.meta.url));

afterEach(stopLoopWorlds);

it("after a crash mid-apply and a re-run, no order was sent twice and the plan is applied", async () => {
  // Given a merged, approved plan with several orders
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  expect((await w.run(["propose"])).code).toBe(0);
  const number = w.openBotPull()?.number ?? 0;
  await w.alice.approve(w.repo, number);
  const sha = await w.bob.merge(w.repo, number);
  const planText = await w.mainFile(PLAN_FILE);
  const plan = JSON.parse(planText ?? "{}") as { hash: string; orders: { leg: string }[] };
  expect(plan.orders.length).toBeGreaterThanOrEqual(2);

  // When the apply process is killed right after its first order reached the gateway
  w.sim.injectFault({ type: "delay", ms: 3_000, messages: ["OPEN_ORDER", "ORDER_STATUS"] });
  const child = spawn(process.execPath, [BIN, "apply", "--on-merge", "--sha", sha], {
    cwd: w.clone,
    env: { ...w.env, FOLIOCTL_CLIENT_ID: "23", GITHUB_RUN_ID: "2001" },
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await expect.poll(() => w.sim.orders().length, { timeout: 15_000, interval: 20 }).toBe(1);
  child.kill("SIGKILL");
  await exited;
  w.sim.clearFaults();

  // Then a re-run is refused while the dead run's lock is there, naming it
  const blocked = await w.run(["apply", "--on-merge", "--sha", sha], { FOLIOCTL_CLIENT_ID: "24" });
  expect(blocked.code).toBe(3);
  expect(blocked.stderr).toContain("refused (locked)");
  expect(blocked.stderr).toContain("(run https://github.com/acme/ops/actions/runs/2001)");
  expect(w.sim.orders()).toHaveLength(1);

  // When the operator, who knows the runner died, removes its lock (its heartbeat is too recent for
  // --yes alone) and the apply runs again
  const unlocked = await w.run(["unlock", ACCOUNT, "--yes", "--force"]);
  expect(unlocked.code).toBe(0);
  expect(unlocked.stdout).toContain("runs/2001");
  const rerun = await w.run(["apply", "--on-merge", "--sha", sha, "--json"], {
    FOLIOCTL_CLIENT_ID: "25",
    GITHUB_RUN_ID: "2002",
  });

  // Then every leg was sent exactly once, the first one followed rather than resent, and the dead
  // process's lock file was taken over
  expect(rerun.code).toBe(0);
  expect(rerun.stderr).toMatch(/apply: took over .*apply-DU1234567\.lock: it was left by process \d+/);
  const record = JSON.parse(rerun.stdout) as { outcome: string; orders: { leg: string; resumed: boolean }[] };
  expect(record.outcome).toBe("applied");
  expect(record.orders.filter((o) => o.resumed).map((o) => o.leg)).toEqual([plan.orders[0]?.leg]);
  const perRef = w.ordersPerRef();
  expect([...perRef.keys()].sort()).toEqual(
    plan.orders.map((o) => `folioctl:${plan.hash.slice(0, 12)}:${o.leg}`).sort(),
  );
  expect([...perRef.values()].every((count) => count === 1)).toBe(true);
  expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
  expect(w.repo.pulls.find((p) => p.number === number)?.labels).toEqual(["folioctl", "folioctl: applied"]);
}, 60_000);
