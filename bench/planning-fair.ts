// Per-account ratios of folioctl's plans against two exact optima solved by HiGHS, on generated accounts
// with everything the planner supports. Each account is solved twice (a few seconds each on a loaded
// machine), so this area runs on its own: `FOLIOCTL_BENCH_FAIR_CASES=300 npm run bench -- planning-fair`.
import type { Bench } from "./bench-section.js";
import { percentile } from "./bench-section.js";
import { generateFairCase, seededRandom } from "./generate-portfolios.js";
import { policyOptimum, unrestrictedOptimum } from "./milp-optimum.js";
import { fixed, pct, planCase, ratio, SEED } from "./planning.js";
import {
  bookShares,
  driftAfter,
  policyObjective,
  readBook,
  turnover,
  unrestrictedObjective,
} from "./rebalance-book.js";

/**
 * Every account whose plan is off the policy optimum by more than a millionth of the objective, worst
 * first, with whether the plan warned that its search stopped: the README promises the warning whenever
 * the plan may not be optimal (within a hundred-millionth of the managed value, see exact-increments.ts).
 */
function offList(
  off: { account: number; targets: number; ratio: number; excess: number; share: number; warned: boolean }[],
): string[] {
  if (off.length === 0) return ["No account's plan is off the policy optimum by more than a millionth."];
  return [
    `Accounts off the policy optimum by more than a millionth (${off.length}), worst first; the objective is`,
    "drift plus commissions, both counted twice, in USD; an excess below a hundred-millionth of the managed",
    "value is within what the search proves (see the README's exactness limits).",
    "",
    "| account | targets | ratio | excess (USD) | excess / managed value | plan warns search-incomplete |",
    "| ---: | ---: | ---: | ---: | ---: | --- |",
    ...off
      .sort((a, b) => b.ratio - a.ratio)
      .map(
        (o) =>
          `| ${o.account} | ${o.targets} | ${o.ratio.toFixed(7)} | ${o.excess.toFixed(2)} | ${o.share.toExponential(1)} | ${o.warned ? "yes" : "no"} |`,
      ),
  ];
}

/** Accounts with every feature, each solved twice by HiGHS: a few seconds each on a loaded machine. */
const FAIR_CASES = Number(process.env["FOLIOCTL_BENCH_FAIR_CASES"] ?? 200);

/** Per-account ratios of folioctl against the policy and unrestricted optima on accounts with every feature. */
export const planningFairBench: Bench = async () => {
  const random = seededRandom(SEED + 1);
  const small: number[] = [];
  const large: number[] = [];
  const smallFree: number[] = [];
  const largeFree: number[] = [];
  const driftPolicy: number[] = [];
  const driftFree: number[] = [];
  const turnPolicy: number[] = [];
  const turnFree: number[] = [];
  let warned = 0;
  /** Accounts whose plan is off the policy optimum by more than a millionth, warned or not. */
  const off: {
    account: number;
    targets: number;
    ratio: number;
    excess: number;
    share: number;
    warned: boolean;
  }[] = [];
  const row = (name: string, values: number[]): string =>
    `| ${name} | ${values.length} | ${fixed(percentile(values, 0.5))} | ${fixed(percentile(values, 0.95))} | ${fixed(Math.max(...values))} | ${values.filter((v) => v > 1.01).length} | ${values.filter((v) => v > 1 + 1e-6).length} |`;
  const table = (): string[] => [
    "| folioctl vs | accounts | median | p95 | worst | worse than 1.01 | worse than 1.000001 |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    row("policy optimum, 3-40 targets", small),
    row("policy optimum, 41-60 targets", large),
    row("unrestricted optimum (drift + commissions), 3-40 targets", smallFree),
    row("unrestricted optimum (drift + commissions), 41-60 targets", largeFree),
    row("unrestricted optimum (drift + commissions), all", [...smallFree, ...largeFree]),
  ];
  for (let i = 0; i < FAIR_CASES; i++) {
    // A run of hundreds of accounts takes hours on a busy machine: say how far it got, and the table so far.
    if (i > 0 && i % 10 === 0) {
      process.stderr.write(`planning-fair: ${i} of ${FAIR_CASES} accounts\n${table().join("\n")}\n`);
    }
    const generated = generateFairCase(random, 60);
    const book = readBook(generated);
    const plan = planCase(generated);
    const stopped = plan.warnings.some((w) => w.code === "search-incomplete");
    if (stopped) warned++;
    const mine = bookShares(book, plan.orders);
    const policy = await policyOptimum(book);
    const free = await unrestrictedOptimum(book);
    const excess = policyObjective(book, mine) - policyObjective(book, policy);
    const r = ratio(policyObjective(book, mine), policyObjective(book, policy));
    const targets = generated.portfolio.targets.length;
    if (r > 1 + 1e-6) {
      off.push({ account: i, targets, ratio: r, excess, share: excess / book.managed, warned: stopped });
    }
    const few = targets <= 40;
    (few ? small : large).push(r);
    (few ? smallFree : largeFree).push(
      ratio(unrestrictedObjective(book, mine), unrestrictedObjective(book, free)),
    );
    driftPolicy.push(driftAfter(book, policy));
    driftFree.push(driftAfter(book, free));
    turnPolicy.push(turnover(book, policy) / book.managed);
    turnFree.push(turnover(book, free) / book.managed);
  }
  const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
  const markdown = [
    `${FAIR_CASES} generated accounts with everything the planner supports (seed ${SEED + 1}): 3 to 60 targets,`,
    "prices 5 to 5,000, half small accounts (2,000 to 50,000) and half large (50,000 to 5,000,000), bands",
    "0.5/10 to 5/50, IB's default commissions, a cash floor in 40%, full, buy-only or sell-only, target or",
    "band-edge, positions outside the targets (kept or sold) in 30%, minimum trade 0 to 1,000. Each account",
    "is solved exactly by HiGHS twice (bench/milp-optimum.ts, written from the README's rules with the",
    "bench's own arithmetic): the *policy optimum* (folioctl's objective and rules) and the *unrestricted",
    "optimum* (drift plus commissions under the hard rules only: whole shares, no shorting, cash floor,",
    "mode, minimum trade). Ratios per account of folioctl's objective to the optimum's (1 is optimal).",
    "",
    ...table(),
    "",
    `The exact search stopped at its node limit (the plan warns) on ${warned} of ${FAIR_CASES} accounts.`,
    "",
    ...offList(off),
    "",
    "What the band policy costs and saves, policy optimum against unrestricted optimum, means over accounts:",
    `drift after ${pct(mean(driftPolicy))} against ${pct(mean(driftFree))} (median ${pct(percentile(driftPolicy, 0.5))} against ${pct(percentile(driftFree, 0.5))});`,
    `turnover ${pct(mean(turnPolicy))} of the managed value against ${pct(mean(turnFree))}.`,
  ].join("\n");
  return { title: "Planning: folioctl against two HiGHS optima", markdown };
};
