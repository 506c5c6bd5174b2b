// Benchmark of the portfolio loader on hostile files just under the 1 MiB cap: `preview` validates any
// pull request's portfolio.yaml on the self-hosted runner, so every file must be refused or accepted
// in well under a second of CPU.
import { parsePortfolio } from "../src/config/load-portfolio.js";
import { MAX_PORTFOLIO_BYTES } from "../src/config/decode-yaml-text.js";
import type { Bench } from "./bench-section.js";

const HEAD = "version: 1\naccount: DU1234567\nbaseCurrency: USD\n";

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

const key = (i: number): string => `k${i.toString(36).padStart(4, "0")}`;

/** Each shape is one way to make a loader do work out of proportion to the file's size. */
export const HOSTILE_SHAPES: { name: string; text: () => string }[] = [
  {
    name: "unknown top-level keys (~116,000)",
    text: () =>
      fill(`${HEAD}targets:\n  - { symbol: VTI, weight: 95 }\ncash:\n  weight: 5\n`, (i) => `${key(i)}: 1\n`),
  },
  {
    name: "unknown keys in one target (~80,000)",
    text: () =>
      fill(
        `${HEAD}cash:\n  weight: 5\ntargets:\n  - symbol: VTI\n    weight: 95\n`,
        (i) => `    ${key(i)}: 1\n`,
      ),
  },
  {
    name: "targets (~31,000, over the 10,000 limit)",
    text: () => fill(`${HEAD}cash:\n  weight: 0\ntargets:\n`, (i) => `  - { symbol: S${i}, weight: 1 }\n`),
  },
  {
    name: "targets with a typo each (~31,000)",
    text: () => fill(`${HEAD}cash:\n  weight: 0\ntargets:\n`, (i) => `  - { symbol: S${i}, weigth: 1 }\n`),
  },
  {
    name: "targets with the same symbol (~34,000)",
    text: () => fill(`${HEAD}cash:\n  weight: 0\ntargets:\n`, () => `  - { symbol: VTI, weight: 1 }\n`),
  },
  {
    name: "one 1 MiB symbol",
    text: () =>
      `${HEAD}cash:\n  weight: 5\ntargets:\n  - { weight: 95, symbol: ${"A".repeat(MAX_PORTFOLIO_BYTES - 200)} }\n`,
  },
  {
    name: "one 1 MiB unknown key",
    text: () =>
      `${HEAD}cash:\n  weight: 5\ntargets:\n  - { symbol: VTI, weight: 95 }\n${"weigth".repeat((MAX_PORTFOLIO_BYTES - 200) / 6)}: 1\n`,
  },
  {
    name: "one 1 MiB comment line",
    text: () =>
      `${HEAD}cash:\n  weight: 5\ntargets:\n  - { symbol: VTI, weight: 95 }\n#${"x".repeat(MAX_PORTFOLIO_BYTES - 200)}\n`,
  },
  {
    name: "mappings nested 60 deep, repeated",
    text: () =>
      fill(`${HEAD}cash:\n  weight: 5\ntargets:\n  - { symbol: VTI, weight: 95 }\n`, (i) =>
        Array.from({ length: 60 }, (_, depth) => `${" ".repeat(depth)}${depth === 0 ? key(i) : "a"}:\n`).join(
          "",
        ),
      ),
  },
  {
    name: "flow brackets nested 60 deep, repeated",
    text: () =>
      fill(
        `${HEAD}cash:\n  weight: 5\ntargets:\n  - { symbol: VTI, weight: 95 }\n`,
        (i) => `${key(i)}: ${"[".repeat(60)}${"]".repeat(60)}\n`,
      ),
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
    name: "syntax errors on every line",
    text: () => fill(`${HEAD}`, (i) => `${key(i)}: [\n`),
  },
];

/** CPU milliseconds of one call, the figure that matters on a shared runner. */
function cpuMilliseconds(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export const hostilePortfoliosBench: Bench = async () => {
  // Warm up: the first load compiles the schema.
  parsePortfolio(new TextEncoder().encode(`${HEAD}targets: []\n`), "warm-up.yaml");
  const rows = ["| file (under 1 MiB) | size | result | CPU |", "| --- | ---: | --- | ---: |"];
  for (const shape of HOSTILE_SHAPES) {
    const bytes = new TextEncoder().encode(shape.text());
    let outcome = "";
    const ms = cpuMilliseconds(() => {
      const result = parsePortfolio(bytes, "portfolio.yaml");
      outcome = result.ok
        ? "accepted"
        : `refused, ${result.errors.length} message${result.errors.length === 1 ? "" : "s"}`;
    });
    rows.push(
      `| ${shape.name} | ${(bytes.length / 1024).toFixed(0)} KiB | ${outcome} | ${ms.toFixed(0)} ms |`,
    );
  }
  return {
    title: "Portfolio loader: hostile files",
    markdown: [
      "CPU time of `parsePortfolio` (read, parse, schema, semantic checks, at most 100 messages) on files",
      "built to be slow. The goal is well under a second each; the cost must at least grow only linearly with",
      "the file (flow brackets nested deep make about a million YAML nodes, which the parser alone takes seconds on).",
      "",
      ...rows,
    ].join("\n"),
  };
};
