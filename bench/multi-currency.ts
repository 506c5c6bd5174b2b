// Multi-currency benchmark: EUR-base accounts holding USD and EUR funds, planned with fx.mode: convert,
// against the policy optimum from HiGHS that may also convert (bench/milp-optimum.ts). Everything is
// measured with the bench's own arithmetic (rebalance-book.ts) in euros at the snapshot's rates.
import { isConversion, type Plan } from "../src/core/plan.js";
import { percentile, type BenchSection } from "./bench-section.js";
import { drawTradingPolicy, generateCase, seededRandom, type GeneratedCase } from "./generate-portfolios.js";
import { policyOptimumWithConversions } from "./milp-optimum.js";
import { planCase } from "./planning.js";
import {
  bookShares,
  conversionCommission,
  driftAfter,
  policyObjective,
  readBook,
  type Book,
} from "./rebalance-book.js";

const SEED = 20_261_202;
/** Each account is solved by HiGHS one to five times (until the commissions settle). */
const CASES = Number(process.env["FOLIOCTL_BENCH_FX_CASES"] ?? 40);
/** Base-currency (EUR) value of one USD; EUR.USD's midpoint is its inverse. */
const USD_RATE = 0.92;
const EUR_USD = 12_087_792;

/**
 * One EUR-base account: 3 to `maxTargets` funds, about 60% of them in USD, the rest in EUR; cash in euros and, in
 * half of the accounts, some in dollars; bands, mode, target or band-edge and minimum trade drawn as in
 * the fair bench, IB's default commissions in each fund's currency, no cash floor and no positions
 * outside the targets.
 */
export function generateEurCase(random: () => number, maxTargets = 30): GeneratedCase {
  const small = random() < 0.5;
  const { portfolio, snapshot } = generateCase(random, {
    targets: [3, maxTargets],
    prices: [5, 2_000],
    accounts: small ? [5_000, 50_000] : [50_000, 2_000_000],
  });
  const currencyOf = new Map(portfolio.targets.map((t) => [t.conId, random() < 0.6 ? "USD" : "EUR"]));
  const rateOf = (conId: number): number => (currencyOf.get(conId) === "USD" ? USD_RATE : 1);
  for (const t of portfolio.targets) t.currency = currencyOf.get(t.conId) as string;
  for (const p of snapshot.positions) p.currency = currencyOf.get(p.conId) as string;
  for (const c of snapshot.contracts) c.currency = currencyOf.get(c.conId) as string;
  // The generated cash, as euros, partly held in dollars.
  const cash = snapshot.cash["USD"] ?? 0;
  const inDollars = random() < 0.5 ? 0 : random() * 0.5;
  snapshot.cash = {
    EUR: Math.round(cash * (1 - inDollars) * 100) / 100,
    USD: Math.round(((cash * inDollars) / USD_RATE) * 100) / 100,
  };
  snapshot.baseCurrency = portfolio.baseCurrency = "EUR";
  snapshot.exchangeRates = { EUR: 1, USD: USD_RATE };
  const lastOf = new Map(snapshot.quotes.map((q) => [q.conId, q.last ?? 0]));
  snapshot.netLiquidation =
    Math.round(
      (snapshot.positions.reduce((s, p) => s + p.quantity * (lastOf.get(p.conId) ?? 0) * rateOf(p.conId), 0) +
        (snapshot.cash["EUR"] ?? 0) +
        (snapshot.cash["USD"] ?? 0) * USD_RATE) *
        100,
    ) / 100;
  // The pair as IB lists it, quoted a pip wide around 1 / USD_RATE.
  const mid = Math.round(1 / USD_RATE / 0.00005) * 0.00005;
  snapshot.contracts.push({
    conId: EUR_USD,
    symbol: "EUR",
    secType: "CASH",
    exchange: "IDEALPRO",
    currency: "USD",
    minTick: 0.00005,
    sizeIncrement: 1,
  });
  snapshot.quotes.push({
    conId: EUR_USD,
    bid: mid - 0.00005,
    ask: mid + 0.00005,
    time: snapshot.asOf,
    delayed: false,
  });
  drawTradingPolicy(portfolio, random);
  portfolio.fx = { mode: "convert", minOrder: 100, limitOffsetBps: 5, sweep: false };
  return { portfolio, snapshot };
}

/**
 * The bench's book of a EUR account: every line valued in euros at the snapshot's rates, commissions in
 * the line's currency, and the cash held in each currency.
 */
export function readEurBook(generated: GeneratedCase): Book {
  const { snapshot } = generated;
  const rates = snapshot.exchangeRates;
  const currencyOf = new Map(snapshot.contracts.map((c) => [c.conId, c.currency]));
  const rateOf = (conId: number): number => rates[currencyOf.get(conId) ?? "EUR"] ?? 1;
  const cashIn = Object.fromEntries(
    Object.entries(snapshot.cash).map(([currency, amount]) => [currency, amount * (rates[currency] ?? 1)]),
  );
  const inEuros: GeneratedCase = {
    portfolio: generated.portfolio,
    snapshot: {
      ...snapshot,
      quotes: snapshot.quotes.map((q) => ({ ...q, last: (q.last ?? 0) * rateOf(q.conId) })),
      cash: { USD: Object.values(cashIn).reduce((s, v) => s + v, 0) },
    },
  };
  const book = readBook(inEuros);
  for (const line of book.lines) {
    line.currency = currencyOf.get(line.conId) ?? "EUR";
    line.rate = rateOf(line.conId);
  }
  book.currencies = { base: snapshot.baseCurrency, cash: cashIn, usdRate: rates["USD"] ?? 1 };
  return book;
}

/** What folioctl's conversions cost, by the bench's arithmetic: each one's value in euros, IB's commission. */
export function planConversionFees(book: Book, generated: GeneratedCase, plan: Plan): number {
  const rates = generated.snapshot.exchangeRates;
  return plan.orders
    .filter(isConversion)
    .reduce((sum, o) => sum + conversionCommission(book, o.quantity * (rates[o.symbol] ?? 1)), 0);
}

export async function multiCurrencyBench(): Promise<BenchSection> {
  const random = seededRandom(SEED);
  const objective: number[] = [];
  const drift: number[] = [];
  let converted = 0;
  let optimumConverted = 0;
  let warned = 0;
  const start = performance.now();
  for (let i = 0; i < CASES; i++) {
    const generated = generateEurCase(random);
    const book = readEurBook(generated);
    const plan = planCase(generated);
    if (plan.warnings.some((w) => w.code === "search-incomplete")) warned++;
    const mine = { shares: bookShares(book, plan.orders), fxFees: planConversionFees(book, generated, plan) };
    if (mine.fxFees > 0) converted++;
    const best = await policyOptimumWithConversions(book);
    if (best.fxFees > 0) optimumConverted++;
    objective.push(
      ratio(policyObjective(book, mine.shares, mine.fxFees), policyObjective(book, best.shares, best.fxFees)),
    );
    drift.push(ratio(driftAfter(book, mine.shares, mine.fxFees), driftAfter(book, best.shares, best.fxFees)));
  }
  const seconds = (performance.now() - start) / 1000;
  const fixed = (value: number): string => value.toFixed(4);
  const row = (name: string, values: number[]): string =>
    `| ${name} | ${values.length} | ${fixed(Math.min(...values))} | ${fixed(percentile(values, 0.5))} | ${fixed(percentile(values, 0.95))} | ${fixed(Math.max(...values))} | ${values.filter((v) => v > 1.01).length} |`;
  const markdown = [
    `${CASES} generated EUR-base accounts (seed ${SEED}, \`FOLIOCTL_BENCH_FX_CASES\`): 3 to 30 funds priced 5 to`,
    "2,000, about 60% in USD and the rest in EUR, accounts 5,000 to 2,000,000, cash in euros and in half of",
    "them partly in dollars, bands, modes, target or band-edge and minimum trade drawn as in the fair",
    "accounts above, IB's default commissions in each fund's currency, `fx.mode: convert`, no cash floor.",
    "folioctl's plan (its holdings' orders and its conversions) against the *policy optimum that may",
    "convert* from HiGHS (bench/milp-optimum.ts): folioctl's objective and rules over the account valued in",
    "euros, plus conversions between euros and dollars in either direction at IB's commission (0.2 bps, at",
    "least 2 USD, in euros) and no currency's cash below zero after the plan. Ratios per account, folioctl",
    "to the optimum (1 is optimal): of the objective (drift plus twice the commissions, conversions'",
    "included), and of the drift after the plan alone. A ratio below 1 is the optimum's own approximation:",
    "like the planner, it solves over the account less the commissions it expects, and settles them in a",
    "few rounds.",
    "",
    "| folioctl vs the policy optimum that may convert | accounts | best | median | p95 | worst | worse than 1.01 |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    row("objective (drift + commissions)", objective),
    row("drift after the plan", drift),
    "",
    `folioctl converted in ${converted} of ${CASES} accounts, the optimum in ${optimumConverted}; the exact search`,
    `stopped at its node limit (the plan warns) on ${warned}. The whole run took ${seconds.toFixed(0)} s.`,
  ].join("\n");
  return { title: "Multi-currency: drift against the policy optimum with conversions", markdown };
}

function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : Infinity;
  return a / b;
}
