// `npm run bench`: runs every area's benchmark, prints the results and writes bench/RESULTS.md.
// An area adds itself with one import and one entry in `benches`.
import { writeFile } from "node:fs/promises";
import { cpus, loadavg, platform, release } from "node:os";
import type { Bench } from "./bench-section.js";
import { gatewayPacingBench } from "./gateway-pacing.js";
import { hostilePortfoliosBench } from "./hostile-portfolios.js";
import { planningBench } from "./planning.js";

const benches: Bench[] = [planningBench, gatewayPacingBench, hostilePortfoliosBench];

const sections = [];
for (const bench of benches) {
  const section = await bench();
  process.stdout.write(`## ${section.title}\n\n${section.markdown}\n\n`);
  sections.push(section);
}
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(" ");
const machine = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, load average ${load} at the end), ${platform()} ${release()}, Node.js ${process.version}`;
const text = [
  "# Benchmark results",
  "",
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.`,
  "",
  ...sections.flatMap((s) => [`## ${s.title}`, "", s.markdown, ""]),
].join("\n");
await writeFile(new URL("./RESULTS.md", import.meta.url), text, "utf8");
