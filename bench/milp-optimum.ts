// The exact whole-share optimum of the benchmark problem, from the HiGHS MILP solver (a dev dependency,
// used only here and in tests): minimise sum |value_i - target_i| + |cash - cashTarget| over integer
// trades, no shorting, cash after trading at least cash.minimum.
import highsModule from "highs";
import type { GeneratedCase } from "./generate-portfolios.js";
import { caseNumbers } from "./residual-drift.js";

// highs ships CommonJS typings for an ES module: under NodeNext the default import is typed as the module.
type Loader = (typeof highsModule)["default"];
const loadHighs = ((highsModule as unknown as { default?: Loader }).default ??
  highsModule) as unknown as Loader;
type Highs = Awaited<ReturnType<Loader>>;
let highs: Highs | undefined;

export async function milpOptimum(generated: GeneratedCase): Promise<number[]> {
  highs ??= await loadHighs();
  const { prices, held, targets, cash, cashTarget } = caseNumbers(generated);
  const floor = generated.portfolio.cash.minimum;
  const f = (x: number): string => x.toFixed(8);
  // One term per line: the LP reader has a line length limit.
  const lp = [
    "Minimize",
    " obj:",
    ...prices.map((_, i) => ` + p${i} + n${i}`),
    " + pc + nc",
    "Subject To",
    ...prices.map(
      (p, i) =>
        ` d${i}: ${f(p)} k${i} - p${i} + n${i} = ${f((targets[i] as number) - (held[i] as number) * p)}`,
    ),
    " dc:",
    ...prices.map((p, i) => ` - ${f(p)} k${i}`),
    ` - pc + nc = ${f(cashTarget - cash)}`,
    " floor:",
    ...prices.map((p, i) => ` + ${f(p)} k${i}`),
    ` <= ${f(cash - floor)}`,
    "Bounds",
    ...prices.map((_, i) => ` -${held[i]} <= k${i} <= 1000000000`),
    "Generals",
    ...prices.map((_, i) => ` k${i}`),
    "End",
  ].join("\n");
  const options = { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0 };
  let solution;
  try {
    solution = highs.solve(lp, options);
  } catch {
    // HiGHS's presolve fails on a few of these models (error -1); without it the solve is still exact.
    solution = highs.solve(lp, { ...options, presolve: "off" });
  }
  if (solution.Status !== "Optimal") throw new Error(`HiGHS: ${solution.Status}`);
  const columns = solution.Columns as Record<string, { Primal: number }>;
  return prices.map((_, i) => Math.round(columns[`k${i}`]?.Primal ?? 0));
}
