// Size and load time of a 10,000-target plan file: `node --import ./scripts/register-ts.mjs bench/plan-file.ts`.
// The plan embeds its whole snapshot, so this is what a reviewer downloads and what apply reads and re-derives.
import { rederivePlan } from "../src/apply/rederive-plan.js";
import { localContext } from "../src/apply/refusal-hints.js";
import { parsePlan } from "../src/config/load-plan.js";
import { formatPlanFile } from "../src/core/format-plan-file.js";
import { verifyPlanHash } from "../src/core/hash-plan.js";
import { generateCase, seededRandom } from "./generate-portfolios.js";
import { planCase } from "./planning.js";

const SIZE = 10_000;
const generated = generateCase(seededRandom(7 + SIZE), {
  targets: [SIZE, SIZE],
  prices: [5, 3_000],
  accounts: [SIZE * 20_000, SIZE * 20_000],
});
const plan = planCase(generated);
const text = formatPlanFile(plan);
// CPU time, not wall time: on a shared machine wall time mostly measures the other processes.
const time = (run: () => unknown): number => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const best = (run: () => unknown): number => Math.min(...Array.from({ length: 5 }, () => time(run)));
const context = { portfolio: generated.portfolio, portfolioHash: plan.portfolioHash, toolVersion: "bench" };
const apply = localContext("portfolio.yaml", "plan.json");
const loaded = parsePlan(text, "plan.json");
if (!loaded.ok || rederivePlan(loaded.plan, context, apply) !== undefined)
  throw new Error("the plan does not load or re-derive");
console.log(`${SIZE} targets, ${plan.orders.length} orders`);
console.log(`file: ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB, ${text.split("\n").length} lines`);
console.log(`load (parse and schema check), CPU: ${best(() => parsePlan(text, "plan.json")).toFixed(0)} ms`);
console.log(`hash check, CPU: ${best(() => verifyPlanHash(loaded.plan)).toFixed(0)} ms`);
console.log(`planning alone, CPU: ${best(() => planCase(generated)).toFixed(0)} ms`);
console.log(`re-derivation, CPU: ${best(() => rederivePlan(loaded.plan, context, apply)).toFixed(0)} ms`);
