// A plan made the way `propose` makes one: a snapshot of the simulator through the real adapter, the
// pure planner (as this version of folioctl), and the plan file as it is committed. Written into a temporary ops directory.
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IbBroker } from "../../../src/broker/ib/ib-broker.js";
import { takeSnapshot } from "../../../src/broker/take-snapshot.js";
import { loadPortfolioFile } from "../../../src/config/load-portfolio.js";
import { computePlan } from "../../../src/core/compute-plan.js";
import { formatPlanFile } from "../../../src/core/format-plan-file.js";
import type { Plan } from "../../../src/core/plan.js";
import type { GatewaySim } from "../../../src/gateway-sim/index.js";
import { TOOL_VERSION } from "../../../src/version.js";
import { REPO_ROOT } from "../../support/run-cli.js";

export interface PlanFixture {
  dir: string;
  portfolioFile: string;
  planFile: string;
  ledgerDir: string;
  plan: Plan;
}

const dirs: string[] = [];

export async function cleanupPlanFixtures(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Copies the example portfolio.yaml (or `source`, optionally edited) and plans it against the simulator. */
export async function planFixture(
  sim: GatewaySim,
  now: Date,
  editPortfolio: (yaml: string) => string = (y) => y,
  source = join(REPO_ROOT, "portfolio.yaml"),
): Promise<PlanFixture> {
  const dir = await mkdtemp(join(tmpdir(), "folioctl-apply-"));
  dirs.push(dir);
  const portfolioFile = join(dir, "portfolio.yaml");
  await copyFile(source, portfolioFile);
  await writeFile(portfolioFile, editPortfolio(await readFile(portfolioFile, "utf8")));
  const loaded = await loadPortfolioFile(portfolioFile);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("; "));
  const broker = new IbBroker({ host: sim.host, port: sim.port, clientId: 900 });
  await broker.connect();
  const snapshot = await takeSnapshot(broker, loaded.portfolio, () => now);
  await broker.close();
  const result = computePlan(loaded.portfolio, snapshot, {
    now: now.toISOString(),
    toolVersion: TOOL_VERSION,
    portfolioHash: loaded.sha256,
  });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("; "));
  const planFile = join(dir, "plan.json");
  await writeFile(planFile, formatPlanFile(result.plan));
  return { dir, portfolioFile, planFile, ledgerDir: join(dir, "ledger"), plan: result.plan };
}
