// Benchmark of the portfolio loader on hostile files under the 1 MiB cap: `preview` validates any pull
// request's portfolio.yaml on the self-hosted runner, so every file must be refused or accepted in well
// under a second of CPU. Each shape's time is given as a multiple of two references measured in the same
// run: the example portfolio.yaml, and the largest legitimate file (10,000 targets, five keys each).
// Alone, updating its section of bench/RESULTS.md: `node --import ./scripts/register-ts.mjs bench/hostile-portfolios.ts`.
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, platform, release } from "node:os";
import { fileURLToPath } from "node:url";
import { parsePortfolio } from "../src/config/load-portfolio.js";
import { MAX_ENTRIES, MAX_YAML_TOKENS } from "../src/config/scan-yaml-tokens.js";
import { decodeYamlText, MAX_PORTFOLIO_BYTES } from "../src/config/decode-yaml-text.js";
import { readPlainYaml } from "../src/config/plain-yaml.js";
import type { Bench, BenchSection } from "./bench-section.js";

const HEAD = "version: 1\naccount: DU1234567\nbaseCurrency: USD\n";
const VALID = `${HEAD}cash:\n  weight: 5\ntargets:\n  - { symbol: VTI, weight: 95 }\n`;

/** Repeats `line(i)` until the next one would cross the size cap. */
function fill(prefix: string, line: (i: number) => string, suffix = ""): string {
  const parts = [prefix];
  let size = prefix.length + suffix.length;
  for (let i = 0; ; i++) {
    const next = line(i);
    if (size + next.length > MAX_PORTFOLIO_BYTES - 1) break;
    parts.push(next);
    size += next.length;
  }
  parts.push(suffix);
  return parts.join("");
}

function repeat(prefix: string, count: number, line: (i: number) => string, suffix = ""): string {
  return prefix + Array.from({ length: count }, (_, i) => line(i)).join("") + suffix;
}

/** How many repetitions of `tokens` YAML tokens each fit under the token budget, after a short head. */
const underBudget = (tokens: number): number => Math.floor((MAX_YAML_TOKENS - 200) / tokens);

const key = (i: number): string => `k${i.toString(36).padStart(4, "0")}`;
const count = (n: number): string => n.toLocaleString("en-US");

/** The largest legitimate portfolio: 10,000 targets (the schema's maximum), five keys each, 949 KiB. */
export function largestLegitimatePortfolio(): string {
  return repeat(
    `${HEAD}cash:\n  weight: 5\ntargets:\n`,
    10_000,
    (i) =>
      `  - symbol: T${i}\n    weight: 0.0095\n    conId: ${10_000_000 + i}\n    exchange: SMART\n    currency: USD\n`,
  );
}

/**
 * The largest legitimate portfolio with one anchor: plain YAML no more, so the full reader reads it, up
 * to its token budget: the most work the full reader does on a file of this size.
 */
export function largestPortfolioForTheFullReader(): string {
  return largestLegitimatePortfolio().replace("cash:\n  weight: 5\n", "cash:\n  weight: &w 5\n");
}

/** Each shape is one way to make a loader do work out of proportion to the file's size. */
export const HOSTILE_SHAPES: { name: string; text: () => string }[] = [
  {
    name: "the 10,000-target file with one anchor (`&w`), which only the full reader reads (to its token budget)",
    text: largestPortfolioForTheFullReader,
  },
  {
    name: "unknown top-level keys, to the cap (~116,000)",
    text: () => fill(VALID, (i) => `${key(i)}: 1\n`),
  },
  {
    name: `unknown top-level keys, as many as the token budget allows (${count(underBudget(5))})`,
    text: () => repeat(VALID, underBudget(5), (i) => `${key(i)}: 1\n`),
  },
  {
    name: "unknown keys in one target, to the cap (~80,000)",
    text: () =>
      fill(
        `${HEAD}cash:\n  weight: 5\ntargets:\n  - symbol: VTI\n    weight: 95\n`,
        (i) => `    ${key(i)}: 1\n`,
      ),
  },
  {
    name: "targets, to the cap (~31,000, over the 10,000 limit)",
    text: () => fill(`${HEAD}cash:\n  weight: 0\ntargets:\n`, (i) => `  - { symbol: S${i}, weight: 1 }\n`),
  },
  {
    name: "10,000 targets with a typo each",
    text: () =>
      repeat(`${HEAD}cash:\n  weight: 0\ntargets:\n`, 10_000, (i) => `  - { symbol: S${i}, weigth: 1 }\n`),
  },
  {
    name: "10,000 targets with four unknown keys each (40,000 messages)",
    text: () =>
      repeat(
        `${HEAD}cash:\n  weight: 0\ntargets:\n`,
        10_000,
        (i) => `  - symbol: S${i}\n    weight: 0.01\n    ka: 1\n    kb: 1\n    kc: 1\n    kd: 1\n`,
      ),
  },
  {
    name: "10,000 targets with the same symbol",
    text: () =>
      repeat(`${HEAD}cash:\n  weight: 0\ntargets:\n`, 10_000, () => `  - { symbol: VTI, weight: 0.01 }\n`),
  },
  {
    name: "one 1 MiB symbol",
    text: () =>
      `${HEAD}cash:\n  weight: 5\ntargets:\n  - { weight: 95, symbol: ${"A".repeat(MAX_PORTFOLIO_BYTES - 200)} }\n`,
  },
  {
    name: "one 1 MiB unknown key",
    text: () => `${VALID}${"weigth".repeat((MAX_PORTFOLIO_BYTES - 200) / 6)}: 1\n`,
  },
  {
    name: "one 1 MiB comment line",
    text: () => `${VALID}#${"x".repeat(MAX_PORTFOLIO_BYTES - 200)}\n`,
  },
  {
    name: `comment lines, as many as the token budget allows (${count(underBudget(2))})`,
    text: () => repeat(VALID, underBudget(2), () => "#\n"),
  },
  {
    name: "blank lines, to the cap",
    text: () => fill(VALID, () => "\n"),
  },
  {
    name: "mappings nested 60 deep, repeated",
    text: () =>
      fill(VALID, (i) =>
        Array.from({ length: 60 }, (_, depth) => `${" ".repeat(depth)}${depth === 0 ? key(i) : "a"}:\n`).join(
          "",
        ),
      ),
  },
  {
    name: "flow brackets nested 60 deep, repeated",
    text: () => fill(VALID, (i) => `${key(i)}: ${"[".repeat(60)}${"]".repeat(60)}\n`),
  },
  {
    name: "empty flow lists, to the cap",
    text: () => fill(`${VALID}x: [`, () => "[], ", "[]]\n"),
  },
  {
    name: `a flow list of numbers, as long as the token budget allows (${count(underBudget(3))})`,
    text: () => repeat(`${VALID}x: [`, underBudget(3), () => "1, ", "1]\n"),
  },
  {
    name: `a flow list of one-key mappings (\`[a: 1, ...]\`, ${count(underBudget(6))})`,
    text: () => repeat(`${VALID}x: [`, underBudget(6), () => "a: 1, ", "a: 1]\n"),
  },
  {
    name: `empty list items (\`-\`), as many as the token budget allows (${count(underBudget(2))})`,
    text: () => repeat(`${VALID}x:\n`, underBudget(2), () => "-\n"),
  },
  {
    name: `an anchor on every value (${count(underBudget(5))})`,
    text: () => repeat(`${VALID}x: [`, underBudget(5), (i) => `&${key(i)} 1, `, "1]\n"),
  },
  {
    name: `an unknown tag on every value (${count(underBudget(5))})`,
    text: () => repeat(`${VALID}x: [`, underBudget(5), () => "!x 1, ", "1]\n"),
  },
  {
    name: `a duplicate key on every line (${count(underBudget(6))})`,
    text: () => repeat(`${VALID}bands:\n`, underBudget(6), () => "  absolute: 1\n"),
  },
  {
    name: "aliases without an anchor, to the cap",
    text: () => fill(`${VALID}x: [`, () => "*a, ", "*a]\n"),
  },
  {
    name: "100 aliases of a target with 5,000 unknown keys",
    text: () => {
      const keys = Array.from({ length: 5000 }, (_, i) => `${key(i)}: 1`).join(", ");
      const aliases = Array.from({ length: 99 }, () => "  - *t\n").join("");
      return `${HEAD}cash:\n  weight: 5\ntargets:\n  - &t { symbol: VTI, weight: 0.95, ${keys} }\n${aliases}`;
    },
  },
  {
    name: "messages inside aliased values, after a long list",
    text: () => {
      const keys = Array.from({ length: 20 }, (_, i) => `${key(i)}: 1`).join(", ");
      const aliased = `targets:\n  - &t { symbol: a, weight: x, ${keys} }\n  - *t\n  - *t\n`;
      return repeat(`${HEAD}cash:\n  weight: 5\nx: [`, underBudget(3) - 100, () => "1, ", `1]\n${aliased}`);
    },
  },
  {
    name: "one plain value over 200,000 lines",
    text: () => repeat(`${VALID}x: a\n`, 200_000, () => "  b\n"),
  },
  {
    name: "one block value (`|`) of 200,000 lines",
    text: () => repeat(`${VALID}x: |\n`, 200_000, () => "  b\n"),
  },
  {
    name: "one quoted value of escapes, to the cap",
    text: () => `${VALID}x: "${"\\u0041".repeat((MAX_PORTFOLIO_BYTES - 200) / 6)}"\n`,
  },
  {
    name: "documents (`---`), to the cap",
    text: () => fill(VALID, () => "---\n"),
  },
  {
    name: "syntax errors on every line, brackets left open",
    text: () => fill(HEAD, (i) => `${key(i)}: [\n`),
  },
  {
    name: `syntax errors on every line, stray brackets (${count(underBudget(5))})`,
    text: () => repeat(HEAD, underBudget(5), (i) => `${key(i)}: ]\n`),
  },
];

/** Text for a markdown table cell. */
const cell = (text: string): string => text.replaceAll("|", "\\|");

/** CPU milliseconds of one call, the figure that matters on a shared runner. */
function cpuMilliseconds(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** The fastest of `runs` calls: on a shared machine, the slower ones measure the other processes. */
function best(runs: number, run: () => unknown): number {
  return Math.min(...Array.from({ length: runs }, () => cpuMilliseconds(run)));
}

/** Which reader reads the text: the fast plain one, or the full one (see src/config/plain-yaml.ts). */
function readerOf(bytes: Uint8Array): string {
  const decoded = decodeYamlText(bytes, "portfolio.yaml");
  if (!decoded.ok) return "none";
  return readPlainYaml(decoded.text) === undefined ? "full" : "plain";
}

function outcomeOf(bytes: Uint8Array): string {
  const result = parsePortfolio(bytes, "portfolio.yaml");
  if (result.ok) return "accepted";
  const first = result.errors[0]?.message ?? "";
  const shown = first.length > 60 ? `${first.slice(0, 57)}…` : first;
  return `refused: ${shown}${result.errors.length > 1 ? ` (+${result.errors.length - 1})` : ""}`;
}

export const hostilePortfoliosBench: Bench = async () => {
  const example = readFileSync(fileURLToPath(new URL("../portfolio.yaml", import.meta.url)));
  const legitimate = new TextEncoder().encode(largestLegitimatePortfolio());
  // Warm up: the first loads compile the schema and the parser's hot paths.
  for (let i = 0; i < 3; i++) parsePortfolio(legitimate, "warm-up.yaml");
  if (outcomeOf(legitimate) !== "accepted") throw new Error("the 10,000-target portfolio is not accepted");
  const exampleMs = best(5, () => {
    for (let i = 0; i < 20; i++) parsePortfolio(example, "portfolio.yaml");
  });
  const perExample = exampleMs / 20;
  const legitimateMs = best(5, () => parsePortfolio(legitimate, "portfolio.yaml"));

  const fullReader = new TextEncoder().encode(largestPortfolioForTheFullReader());
  const fullReaderMs = best(5, () => parsePortfolio(fullReader, "portfolio.yaml"));

  const rows = [
    "| file (under 1 MiB) | size | reader | result | CPU | × example | × 10,000 targets | × 10,000 targets, full reader |",
    "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: |",
  ];
  let worst = { ms: 0, name: "" };
  for (const shape of HOSTILE_SHAPES) {
    const bytes = new TextEncoder().encode(shape.text());
    const ms = best(3, () => parsePortfolio(bytes, "portfolio.yaml"));
    if (ms > worst.ms) worst = { ms, name: shape.name };
    rows.push(
      `| ${cell(shape.name)} | ${(bytes.length / 1024).toFixed(0)} KiB | ${readerOf(bytes)} | ${cell(outcomeOf(bytes))} | ${ms.toFixed(0)} ms | ${(ms / perExample).toFixed(0)} | ${(ms / legitimateMs).toFixed(2)} | ${(ms / fullReaderMs).toFixed(2)} |`,
    );
  }
  const machine = `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} at the end), ${platform()} ${release()}, Node.js ${process.version}`;
  return {
    title: "Portfolio loader: hostile files",
    markdown: [
      `Measured on ${new Date().toISOString().slice(0, 10)}: ${machine}; alone with`,
      "`node --import ./scripts/register-ts.mjs bench/hostile-portfolios.ts`.",
      "",
      "CPU time of `parsePortfolio` (decode, YAML, schema, semantic checks, at most 100 messages), the fastest",
      "of three calls, on files built to be slow, next to three references measured in the same run: the",
      `example portfolio.yaml (${example.length} bytes, ${perExample.toFixed(2)} ms), the largest legitimate`,
      `file, 10,000 targets with five keys each (${(legitimate.length / 1024).toFixed(0)} KiB, about 320,000 YAML tokens,`,
      `${legitimateMs.toFixed(0)} ms, plain YAML, read by js-yaml's event parser), and the same file with one anchor,`,
      `which only the full reader (the \`yaml\` library) reads, refusing it at its ${count(MAX_YAML_TOKENS)}th token (${fullReaderMs.toFixed(0)} ms, ${(fullReaderMs / legitimateMs).toFixed(1)} × the plain read).`,
      `The full reader's first pass stops a file at ${count(MAX_YAML_TOKENS)} tokens, 10,100 mappings and lists,`,
      `${count(MAX_ENTRIES)} entries in one mapping or list, 64 levels of nesting, 100 aliases, a second document or`,
      "100 syntax errors, and only the first 100 problems are described, so that no file costs much more",
      "than the full reader's work up to its token budget. Slowest here:",
      `${worst.ms.toFixed(0)} ms, ${(worst.ms / fullReaderMs).toFixed(2)} × the 10,000-target file given to the full reader (${worst.name}).`,
      "",
      ...rows,
    ].join("\n"),
  };
};

/** Replaces this benchmark's section of RESULTS.md (or appends it), leaving the others as they were. */
async function updateResults(section: BenchSection): Promise<void> {
  const file = new URL("./RESULTS.md", import.meta.url);
  const text = await readFile(file, "utf8");
  const heading = `## ${section.title}`;
  const start = text.indexOf(heading);
  const body = `${heading}\n\n${section.markdown}\n`;
  if (start < 0) {
    await writeFile(file, `${text.trimEnd()}\n\n${body}`, "utf8");
    return;
  }
  const next = text.indexOf("\n## ", start + heading.length);
  await writeFile(file, `${text.slice(0, start)}${body}${next < 0 ? "" : text.slice(next)}`, "utf8");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const section = await hostilePortfoliosBench();
  process.stdout.write(`## ${section.title}\n\n${section.markdown}\n`);
  await updateResults(section);
}
