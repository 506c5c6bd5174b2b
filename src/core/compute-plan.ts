import { bandWidth, isInBand } from "./band-width.js";
import { allocateContinuous } from "./allocate-continuous.js";
import { buildOrders, type OrderLine } from "./build-orders.js";
import { checkGuardrails } from "./check-guardrails.js";
import { checkSnapshot } from "./check-snapshot.js";
import { estimateCommission } from "./estimate-commission.js";
import { hashSortedPlan } from "./hash-plan.js";
import { formatIsoTime, parseIsoTime } from "./iso-time.js";
import { parseDuration } from "./parse-duration.js";
import { conversionReserve, planConversions, type ConversionPlan } from "./plan-conversions.js";
import {
  isConversion,
  PLAN_SCHEMA_VERSION,
  type Plan,
  type PlanProblem,
  type PlanResult,
  type PlanWarning,
} from "./plan.js";
import { planWarning } from "./plan-warning.js";
import { planWarnings } from "./plan-warnings.js";
import { NODE_BUDGET } from "./exact-increments.js";
import type { CommissionSchedule, Portfolio } from "./portfolio.js";
import type { RebalanceHolding, RebalanceProblem } from "./rebalance-problem.js";
import { normalizeSnapshot } from "./normalize-snapshot.js";
import { resolveTargets } from "./resolve-targets.js";
import { roundMoney, roundPercent } from "./round-to.js";
import type { Snapshot } from "./snapshot.js";
import { solveRebalance } from "./solve-rebalance.js";
import { valueHoldings, type ValuedHolding } from "./value-holdings.js";
import { weightRows, type Line, type WeightSummary } from "./weight-rows.js";

export interface ComputePlanOptions {
  /** The plan's createdAt, ISO 8601: the core has no clock of its own. */
  now: string;
  toolVersion: string;
  /** SHA-256 of the portfolio.yaml bytes. */
  portfolioHash: string;
  sourceCommit?: string;
  /** How messages name the portfolio file (the user may have passed another); default portfolio.yaml. */
  portfolioName?: string;
}

/** Target weights plus cash must total 100; the loader checks it, and so does planning. */
const WEIGHT_TOTAL_TOLERANCE = 1e-6;

/**
 * The plan that brings the account in `snapshot` to the allocation in `portfolio`, or every reason
 * there can be none. Pure: the same inputs give a byte-identical plan. The policy is written down in
 * README.md, "How folioctl plans".
 */
export function computePlan(portfolio: Portfolio, input: Snapshot, options: ComputePlanOptions): PlanResult {
  if (portfolio.suspend) {
    return fail([
      {
        code: "suspended",
        document: "portfolio",
        field: "suspend",
        // The file is named once, in the hint: every caller prefixes the message with file and field.
        message: "planning is switched off (suspend: true)",
        hint: `set suspend: false in ${options.portfolioName ?? "portfolio.yaml"}, in a reviewed pull request, to plan again`,
      },
    ]);
  }
  // Checked as given, so that problems name entries by their place in the caller's snapshot.
  const problems: PlanProblem[] = checkSnapshot(portfolio, input);
  const nowMs = parseIsoTime(options.now);
  if (nowMs === undefined) {
    problems.push({
      code: "invalid-time",
      field: "now",
      message: `the plan time is not ISO 8601: "${options.now}"`,
    });
  }
  const ttlMs = parseDuration(portfolio.tolerances.planTtl);
  if (ttlMs === undefined) {
    problems.push({
      code: "invalid-ttl",
      document: "portfolio",
      field: "tolerances.planTtl",
      message: `planTtl "${portfolio.tolerances.planTtl}" is not a number and a unit (s, m, h, d)`,
    });
  }
  const total = portfolio.targets.reduce((sum, t) => sum + t.weight, 0) + portfolio.cash.weight;
  if (Math.abs(total - 100) > WEIGHT_TOTAL_TOLERANCE) {
    problems.push({
      code: "weights-total",
      document: "portfolio",
      field: "targets",
      message: `target weights plus cash.weight total ${total}, not 100`,
      hint: "make the weights add up to 100",
    });
  }
  if (problems.length > 0 || nowMs === undefined || ttlMs === undefined) return fail(problems);

  // Everything below reads the normalized snapshot the plan embeds: recomputing the plan from its own
  // snapshot then gives the same bytes whatever order the broker listed things in.
  const snapshot = normalizeSnapshot(input);
  const { resolved, problems: matching } = resolveTargets(portfolio, snapshot);
  const valuation = valueHoldings(portfolio, snapshot, resolved, nowMs);
  if (matching.length + valuation.problems.length > 0) return fail([...matching, ...valuation.problems]);

  const rates = snapshot.exchangeRates;
  const cashBase = Object.entries(snapshot.cash).reduce(
    (sum, [c, amount]) => sum + amount * (rates[c] ?? 0),
    0,
  );
  const netLiquidation = valuation.holdings.reduce((sum, h) => sum + h.value, 0) + cashBase;
  const { lines, kept } = classify(portfolio, valuation.holdings);
  const managedValue = lines.reduce((sum, line) => sum + line.holding.value, 0) + cashBase;
  if (!(managedValue > 0)) {
    return fail([
      {
        code: "non-positive-value",
        message: `the managed part of the account is worth ${roundMoney(managedValue)} ${portfolio.baseCurrency}: there is nothing to weigh targets against`,
        hint: "check the snapshot's cash and positions; a margin debt larger than the holdings cannot be rebalanced",
      },
    ]);
  }

  let step = tradeAndConvert(
    portfolio,
    snapshot,
    lines,
    cashBase,
    managedValue,
    conversionReserve(portfolio, snapshot, managedValue),
  );
  // Conversions are paid at their pair's limit prices, which the optimiser's one cash pool (valued at
  // the account's exchange rates) does not see: while the base currency falls short by that, plan
  // again keeping that much more in cash.
  for (let attempt = 0; attempt < 3; attempt++) {
    const short = -(step.rows.cashAfterExact.get(portfolio.baseCurrency) ?? 0);
    if (step.conversions.orders.length === 0 || !(short > 0.005)) break;
    const reserve = step.pooledCashBefore - portfolio.cash.minimum + short + 0.01;
    step = tradeAndConvert(portfolio, snapshot, lines, cashBase, managedValue, reserve);
  }
  const { rows, conversions, exact } = step;
  if (conversions.problems.length > 0) return fail(conversions.problems);
  const orderLines: OrderLine[] = lines
    .filter((line) => line.shares !== 0)
    .map((line) => ({
      holding: line.holding,
      shares: line.shares,
      reason: reasonFor(line, rows),
    }));
  const holdingOrders = buildOrders(portfolio, orderLines);
  // Sells, then conversions (paid partly by the sells), then buys (paid by both).
  const orders = [
    ...holdingOrders.filter((order) => order.side === "SELL"),
    ...conversions.orders,
    ...holdingOrders.filter((order) => order.side === "BUY"),
  ];

  const guardrails = checkGuardrails(portfolio, orders, netLiquidation, rows.cashAfter, rates);
  if (guardrails.length > 0) return fail(guardrails);

  const turnover = orders
    .filter((order) => !isConversion(order))
    .reduce((sum, order) => sum + order.estimatedValueBase, 0);
  const warnings: PlanWarning[] = [
    ...valuation.warnings,
    ...conversions.warnings,
    ...planWarnings(portfolio, snapshot, { kept, rows: rows.weights, lines, netLiquidation, managedValue }),
    ...(exact
      ? []
      : [
          planWarning(
            "search-incomplete",
            `the exact search stopped after ${NODE_BUDGET.toLocaleString("en-US")} nodes: these orders are the best found, not proven the best`,
          ),
        ]),
  ];
  // Keys in sorted order: the plan is hashed in canonical form, and sorted objects need no copy.
  const unsigned: Omit<Plan, "hash"> = {
    account: portfolio.account,
    baseCurrency: portfolio.baseCurrency,
    cashAfter: rows.cashAfter,
    createdAt: formatIsoTime(nowMs),
    drift: { after: roundPercent(rows.driftAfter), before: roundPercent(rows.driftBefore) },
    estimatedCommissions: roundMoney(rows.commissionsBase),
    expiresAt: formatIsoTime(nowMs + ttlMs),
    managedValue: roundMoney(managedValue),
    mode: portfolio.trading.mode,
    netLiquidation: roundMoney(netLiquidation),
    orders,
    portfolioHash: options.portfolioHash,
    rebalanceTo: portfolio.trading.rebalanceTo,
    schemaVersion: PLAN_SCHEMA_VERSION,
    snapshot,
    ...(options.sourceCommit === undefined ? {} : { sourceCommit: options.sourceCommit }),
    toolVersion: options.toolVersion,
    turnover: { percent: roundPercent(turnover / netLiquidation), value: roundMoney(turnover) },
    warnings,
    weights: rows.weights,
  };
  return { ok: true, plan: { ...unsigned, hash: hashSortedPlan(unsigned) } };
}

/**
 * The holdings' trades (with `reserve` kept in cash for conversions), dropped when commissions would
 * make drift worse, then the conversions they need, and the weights after both.
 */
function tradeAndConvert(
  portfolio: Portfolio,
  snapshot: Snapshot,
  lines: Line[],
  cashBase: number,
  managedValue: number,
  reserve: number,
): { rows: WeightSummary; conversions: ConversionPlan; pooledCashBefore: number; exact: boolean } {
  const exact = trade(portfolio, lines, cashBase, managedValue, reserve);
  let rows = weightRows(portfolio, snapshot, lines, managedValue);
  if (rows.driftAfter > rows.driftBefore) {
    // Commissions shrink the account; a plan whose gain they eat is not worth sending.
    for (const line of lines) line.shares = 0;
    rows = weightRows(portfolio, snapshot, lines, managedValue);
  }
  let pooledCashBefore = 0;
  for (const [currency, amount] of rows.cashAfterExact) {
    pooledCashBefore += amount * (snapshot.exchangeRates[currency] ?? 0);
  }
  const conversions = planConversions(portfolio, snapshot, {
    cashAfterTrades: rows.cashAfterExact,
    spend: spendByCurrency(portfolio, lines),
    managedValue,
  });
  if (conversions.orders.length > 0) rows = weightRows(portfolio, snapshot, lines, managedValue, conversions);
  return { rows, conversions, pooledCashBefore, exact };
}

/** What the buys in each currency cost with their commissions, at the plan's prices. */
function spendByCurrency(portfolio: Portfolio, lines: Line[]): Map<string, number> {
  const spend = new Map<string, number>();
  for (const { holding, shares } of lines) {
    if (!(shares > 0) || holding.price === undefined) continue;
    const cost =
      shares * holding.price + estimateCommission(portfolio.trading.commission, shares, holding.price);
    spend.set(holding.currency, (spend.get(holding.currency) ?? 0) + cost);
  }
  return spend;
}

function fail(errors: PlanProblem[]): PlanResult {
  return { ok: false, errors };
}

/** Targets and positions to sell are managed (they have weights); other positions are left alone. */
function classify(portfolio: Portfolio, holdings: ValuedHolding[]): { lines: Line[]; kept: ValuedHolding[] } {
  const sells = portfolio.trading.unmanaged === "sell" && portfolio.trading.mode !== "buy-only";
  const lines: Line[] = [];
  const kept: ValuedHolding[] = [];
  for (const holding of holdings) {
    const increment = holding.contract?.sizeIncrement ?? 1;
    const line: Line = { holding, increment, shares: 0, primary: false, secondary: false };
    const whole = Math.floor(holding.quantity / increment + 1e-9) * increment;
    const worth = whole * (holding.price ?? 0) * holding.fx;
    if (holding.kind === "target") lines.push(line);
    else if (sells && whole > 0 && worth >= portfolio.trading.minTradeValue) lines.push(line);
    else kept.push(holding);
  }
  return { lines, kept };
}

/**
 * Decides the shares each line trades. Nothing out of band: nothing trades. Otherwise positions not in
 * targets are sold whole first (their proceeds become cash), then the optimiser decides the targets.
 * False when the exact search stopped at its node limit, so the plan may not be the optimum.
 */
function trade(
  portfolio: Portfolio,
  lines: Line[],
  cashBase: number,
  managedValue: number,
  /** Cash (base currency) the conversions the trades may cause need for commissions and rounding. */
  reserve: number,
): boolean {
  const { bands, trading, cash } = portfolio;
  let outOfBand = false;
  for (const line of lines) {
    const t = line.holding.targetWeight;
    line.primary = !isInBand(line.holding.value / managedValue, t, bandWidth(t, bands));
    outOfBand ||= line.primary;
  }
  const cashTarget = cash.weight / 100;
  const cashBand = bandWidth(cashTarget, bands);
  outOfBand ||= !isInBand(cashBase / managedValue, cashTarget, cashBand);
  if (!outOfBand) return true;

  let cashValue = cashBase;
  let forcedFees = 0;
  for (const line of lines) {
    const { holding, increment } = line;
    if (holding.kind !== "unmanaged" || holding.price === undefined) continue;
    line.shares = -Math.floor(holding.quantity / increment + 1e-9) * increment;
    const commission = estimateCommission(trading.commission, -line.shares, holding.price) * holding.fx;
    forcedFees += commission;
    cashValue += -line.shares * holding.price * holding.fx - commission;
  }

  const targets = lines.filter((line) => line.holding.kind === "target");
  // Weights after the plan are over what commissions leave of the account, so the targets are too.
  // Commissions depend on the orders: estimate them from the continuous allocation, plan, and plan
  // again (from that solution) until they settle to within a ten-millionth of the account.
  const feesOf = (shares: (i: number) => number): number =>
    forcedFees +
    targets.reduce((sum, { holding, increment }, i) => {
      const traded = Math.abs(shares(i)) * increment;
      return sum + estimateCommission(trading.commission, traded, holding.price as number) * holding.fx;
    }, 0);
  // What does not depend on the fees is worked out once for every round (closures and lists per target).
  const fixed = targets.map((line) => fixedTerms(portfolio, line));
  const problemFor = (fees: number): RebalanceProblem =>
    rebalanceProblem(portfolio, targets, fixed, cashValue, managedValue - fees, managedValue, reserve);
  const problem0 = problemFor(forcedFees);
  const continuous = allocateContinuous(problem0).flows;
  let fees = feesOf((i) => {
    const holding = problem0.holdings[i];
    const shares = Math.round((continuous[i] ?? 0) / (holding?.unit ?? 1));
    return Math.abs(shares) < (holding?.minUnits ?? 1) ? 0 : shares;
  });
  const tolerance = Math.max(0.005, 1e-7 * managedValue);
  let units: number[] | undefined;
  let exact = true;
  for (let round = 0; round < 4; round++) {
    const solution = solveRebalance(problemFor(fees), units);
    units = solution.units;
    exact = solution.exact;
    const solved = units;
    const next = feesOf((i) => solved[i] ?? 0);
    if (Math.abs(next - fees) < tolerance) break;
    fees = next;
  }
  const chosen = units ?? [];
  targets.forEach((line, i) => {
    line.shares = (chosen[i] ?? 0) * line.increment;
    line.secondary = !line.primary && line.shares !== 0;
  });
  return exact;
}

/** The parts of a target's RebalanceHolding that are the same whatever the fees. */
type FixedTerms = Pick<
  RebalanceHolding,
  "unit" | "sellableUnits" | "canBuy" | "minUnits" | "commission" | "commissionKinks"
>;

function fixedTerms(portfolio: Portfolio, { holding, increment }: Line): FixedTerms {
  const { trading } = portfolio;
  const price = holding.price as number;
  const unit = increment * price * holding.fx;
  const held = holding.quantity > 0 ? Math.floor(holding.quantity / increment + 1e-9) : 0;
  return {
    unit,
    sellableUnits: trading.mode === "buy-only" ? 0 : held,
    canBuy: trading.mode !== "sell-only",
    minUnits: Math.max(1, Math.ceil(trading.minTradeValue / unit - 1e-9)),
    commission: (units) => estimateCommission(trading.commission, units * increment, price) * holding.fx,
    commissionKinks: commissionKinks(trading.commission, price).map((shares) => shares / increment),
  };
}

/** The numeric problem for the optimiser; targets and bands over `base`, band status over `before`. */
function rebalanceProblem(
  portfolio: Portfolio,
  targets: Line[],
  fixed: FixedTerms[],
  cashValue: number,
  base: number,
  before: number,
  reserve: number,
): RebalanceProblem {
  const { bands, trading, cash } = portfolio;
  const holdings: RebalanceHolding[] = targets.map(({ holding, primary }, i) => {
    const terms = fixed[i] as FixedTerms;
    return {
      value: holding.value,
      target: holding.targetWeight * base,
      band: bandWidth(holding.targetWeight, bands) * base,
      primary,
      unit: terms.unit,
      sellableUnits: terms.sellableUnits,
      canBuy: terms.canBuy,
      minUnits: terms.minUnits,
      commission: terms.commission,
      commissionKinks: terms.commissionKinks,
    };
  });
  const cashTarget = cash.weight / 100;
  const cashBand = bandWidth(cashTarget, bands);
  return {
    holdings,
    rebalanceTo: trading.rebalanceTo,
    cash: {
      value: cashValue,
      target: cashTarget * base,
      band: cashBand * base,
      primary: !isInBand(cashValue / before, cashTarget, cashBand),
      floor: cash.minimum + reserve,
    },
  };
}

/**
 * Order sizes in shares where estimateCommission's slope may change: min(max(minimum, perShare x q),
 * cap% x q x price) is linear between the size where the cap reaches the minimum and the size where the
 * per-share charge does.
 */
function commissionKinks(schedule: CommissionSchedule, price: number): number[] {
  const { minimum, perShare, maximumPercent } = schedule;
  return [minimum / ((maximumPercent / 100) * price), minimum / perShare].filter(
    (q) => Number.isFinite(q) && q > 0,
  );
}

function reasonFor(line: Line, rows: ReturnType<typeof weightRows>): string {
  const { holding } = line;
  if (holding.kind === "unmanaged") return "not in targets (trading.unmanaged: sell)";
  const row = rows.byConId.get(holding.conId);
  if (row === undefined) return "";
  // Small targets need more decimals to show a move at all.
  const decimals = row.target >= 1 ? 2 : 4;
  // One text per order, without a closure and the pieces it would join (10,000 orders at 10,000 targets).
  const move = `${row.before.toFixed(decimals)}% → ${row.after.toFixed(decimals)}%`;
  if (line.primary)
    return `out of band: ${move}, target ${row.target.toFixed(decimals)}% ±${row.band.toFixed(decimals)}`;
  return line.shares > 0
    ? `in band: ${move}, takes cash the out-of-band trades free`
    : `in band: ${move}, raises cash the out-of-band trades need`;
}
