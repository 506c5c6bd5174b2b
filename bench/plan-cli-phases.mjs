// One `plan --snapshot --out` done step by step in a fresh process, with the built modules the CLI
// runs (dist/), and the CPU time of each step: the first run of each is cold, as in the CLI. Then
// computePlan again, warm. Started by bench/plan-cli.ts:
// node bench/plan-cli-phases.mjs portfolio.yaml snapshot.json plan.json NOW
// Plain JavaScript, so that no TypeScript loader sits in the heap being measured.
import { writeFile } from "node:fs/promises";

const [portfolioFile, snapshotFile, planFile, now] = process.argv.slice(2);
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const cpu = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const phases = {};
let last = cpu();
const step = async (name, run) => {
  const result = await run();
  const now = cpu();
  phases[name] = now - last;
  last = now;
  return result;
};

const modules = await step("modules", async () => ({
  ...(await import(dist("config/load-portfolio.js"))),
  ...(await import(dist("config/load-snapshot.js"))),
  ...(await import(dist("core/compute-plan.js"))),
  ...(await import(dist("core/format-plan-file.js"))),
  ...(await import(dist("core/render-text.js"))),
}));
const loaded = await step("portfolio", () => modules.loadPortfolioFile(portfolioFile));
const read = await step("snapshot", () => modules.loadSnapshotFile(snapshotFile));
if (!loaded.ok || !read.ok) throw new Error("the benchmark's portfolio or snapshot does not load");
const options = { now, toolVersion: "bench", portfolioHash: loaded.sha256 };
const planned = await step("computePlan", () =>
  modules.computePlan(loaded.portfolio, read.snapshot, options),
);
if (!planned.ok) throw new Error(planned.errors.map((e) => e.message).join("; "));
const text = await step("formatPlanFile", () => modules.formatPlanFile(planned.plan));
await step("writeFile", () => writeFile(planFile, text, "utf8"));
const cashMinimum = loaded.portfolio.cash.minimum;
await step("renderText", () => modules.renderText(planned.plan, { color: false, cashMinimum }));

const warm = [];
for (let i = 0; i < 5; i++) {
  const start = cpu();
  modules.computePlan(loaded.portfolio, read.snapshot, options);
  warm.push(cpu() - start);
}
warm.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ phases, warm: warm[2] })}\n`);
