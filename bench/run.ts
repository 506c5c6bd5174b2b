// `npm run bench`: runs every area's benchmark, prints the results and writes bench/RESULTS.md.
// `npm run bench -- startup planning` runs only the areas named and replaces only their sections.
// An area adds itself with one import and one entry in `benches`.
import { readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, platform, release } from "node:os";
import type { Bench, BenchSection } from "./bench-section.js";
import { gatewayPacingBench } from "./gateway-pacing.js";
import { hostilePortfoliosBench } from "./hostile-portfolios.js";
import { multiCurrencyBench } from "./multi-currency.js";
import { manyAccountsBench } from "./many-accounts.js";
import { planCliBench } from "./plan-cli.js";
import { planningBench } from "./planning.js";
import { planningFairBench } from "./planning-fair.js";
import { startupBench } from "./startup.js";

const benches: Record<string, Bench> = {
  planning: planningBench,
  "multi-currency": multiCurrencyBench,
  "planning-fair": planningFairBench,
  "plan-cli": planCliBench,
  "gateway-pacing": gatewayPacingBench,
  "hostile-portfolios": hostilePortfoliosBench,
  startup: startupBench,
  "many-accounts": manyAccountsBench,
};

const named = process.argv.slice(2);
const unknown = named.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: no area ${unknown.join(", ")}; the areas are ${Object.keys(benches).join(", ")}\n`,
  );
  process.exit(64);
}

const sections: BenchSection[] = [];
for (const [name, bench] of Object.entries(benches)) {
  if (named.length > 0 && !named.includes(name)) continue;
  const section = await bench();
  process.stdout.write(`## ${section.title}\n\n${section.markdown}\n\n`);
  sections.push(section);
}
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(" ");
const machine = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, load average ${load} at the end), ${platform()} ${release()}, Node.js ${process.version}`;
const written = `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.`;
const results = new URL("./RESULTS.md", import.meta.url);
const text =
  named.length === 0
    ? [
        "# Benchmark results",
        "",
        written,
        "",
        ...sections.flatMap((s) => [`## ${s.title}`, "", s.markdown, ""]),
      ].join("\n")
    : replaceSections(await readFile(results, "utf8"), sections, written);
await writeFile(results, text, "utf8");

/**
 * RESULTS.md with the sections of the same titles replaced (new ones appended) and the others kept as
 * they were; each replaced section says when and where it was measured, since the header does not.
 */
function replaceSections(previous: string, fresh: BenchSection[], note: string): string {
  const parts = previous.split(/^(?=## )/m);
  for (const section of fresh) {
    const body = `## ${section.title}\n\n${section.markdown}\n\n(${note.replace(/\.$/, "")}, with \`npm run bench -- ${named.join(" ")}\`.)\n\n`;
    const index = parts.findIndex((part) => part.startsWith(`## ${section.title}\n`));
    if (index === -1) parts.push(body);
    else parts[index] = body;
  }
  return `${parts.join("").trimEnd()}\n`;
}
