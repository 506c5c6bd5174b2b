// Start-up time of the built CLI (bin/folioctl.js, as users and the tests run it), as a ratio to a bare
// `node -e 0` measured in the same run: the ratio stays meaningful on a busy or slow machine where the
// milliseconds do not. The commands take turns, round after round, so that a burst of load from
// elsewhere falls on all of them alike.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { percentile, type Bench } from "./bench-section.js";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const ROUNDS = 25;

interface StartupCase {
  label: string;
  args: string[];
  /** The most this may take, as a multiple of `node -e 0`. */
  goal?: number;
}

const BASELINE: StartupCase = { label: "`node -e 0`", args: ["-e", "0"] };
const CASES: StartupCase[] = [
  { label: "`folioctl --version`", args: ["bin/folioctl.js", "--version"], goal: 2 },
  { label: "`folioctl --help`", args: ["bin/folioctl.js", "--help"], goal: 2 },
  {
    label: "`folioctl validate portfolio.yaml`",
    args: ["bin/folioctl.js", "validate", "portfolio.yaml"],
    goal: 3,
  },
];

/** Wall time of one run, in ms; a run that fails stops the benchmark (it would measure an error path). */
function timeRun(args: string[], root: string): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, NO_COLOR: "1" } });
  const elapsed = performance.now() - start;
  if (run.status !== 0)
    throw new Error(`node ${args.join(" ")} exited ${run.status}: ${run.stderr.toString()}`);
  return elapsed;
}

export interface StartupRow {
  label: string;
  median: number;
  p90: number;
  ratio: number;
  goal?: number;
}

/** Median and p90 wall time of each case over `rounds` interleaved rounds, against `node -e 0`. */
export function measureStartup(root: string = REPO_ROOT, rounds: number = ROUNDS): StartupRow[] {
  const all = [BASELINE, ...CASES];
  const times = all.map(() => [] as number[]);
  for (const entry of all) timeRun(entry.args, root); // warm the file cache
  for (let round = 0; round < rounds; round++) {
    for (const [index, entry] of all.entries()) times[index]?.push(timeRun(entry.args, root));
  }
  const base = percentile(times[0] ?? [], 0.5);
  return all.map((entry, index) => {
    const median = percentile(times[index] ?? [], 0.5);
    return {
      label: entry.label,
      median,
      p90: percentile(times[index] ?? [], 0.9),
      ratio: median / base,
      ...(entry.goal === undefined ? {} : { goal: entry.goal }),
    };
  });
}

export function startupTable(rows: StartupRow[]): string {
  const lines = [
    "| command | median | p90 | median / `node -e 0` | goal |",
    "| --- | ---: | ---: | ---: | --- |",
  ];
  for (const row of rows) {
    const goal =
      row.goal === undefined ? "" : `at most ${row.goal}x: ${row.ratio <= row.goal ? "met" : "**missed**"}`;
    lines.push(
      `| ${row.label} | ${row.median.toFixed(0)} ms | ${row.p90.toFixed(0)} ms | ${row.ratio.toFixed(2)}x | ${goal} |`,
    );
  }
  return lines.join("\n");
}

export const startupBench: Bench = async () => {
  const rows = measureStartup();
  const markdown = [
    "The built CLI started as users and the tests start it (`node bin/folioctl.js ...` in the repository),",
    `${ROUNDS} interleaved rounds after one warm-up run each; wall time, median and p90. Only a command's own`,
    "modules are loaded when it runs, and the JSON schemas are compiled at build time (ajv standalone code",
    "in src/generated/, written by scripts/compile-schemas.ts). Before that (commit 4a651b8, measured with",
    "this bench on the same machine, under the same load), each of the three took 10.7 to 11.0 times",
    "`node -e 0`.",
    "",
    startupTable(rows),
  ].join("\n");
  return { title: "Start-up: CLI commands against a bare node", markdown };
};
