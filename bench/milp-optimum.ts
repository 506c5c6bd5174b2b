// Exact whole-share optima from the HiGHS MILP solver (a dev dependency, used only by the bench and the
// tests), written from the README's rules with the benchmark's own arithmetic (rebalance-book.ts), never
// from the planner's code:
// - milpOptimum: the original benchmark problem, minimise sum |value - target| + |cash - cashTarget|;
// - policyOptimum: folioctl's own objective and rules (bands, modes, target or band-edge, minimum trade,
//   commissions, cash floor, moves only toward the target and at most one increment past it); with
//   several currencies (book.currencies) it may also convert between them, at IB's commission, and no
//   currency's cash may end below zero (the base currency's below the floor);
// - unrestrictedOptimum: drift plus commissions under the hard rules only (whole shares, no shorting,
//   cash floor, mode, minimum trade).
import highsModule from "highs";
import type { GeneratedCase } from "./generate-portfolios.js";
import {
  afterForcedSales,
  conversionCommission,
  lineCommission,
  planTotals,
  policyAssets,
  driftAfter,
  policyObjective,
  type Book,
  type BookLine,
} from "./rebalance-book.js";
import { caseNumbers } from "./residual-drift.js";

// highs ships CommonJS typings for an ES module: under NodeNext the default import is typed as the module.
type Loader = (typeof highsModule)["default"];
const loadHighs = ((highsModule as unknown as { default?: Loader }).default ??
  highsModule) as unknown as Loader;
type Highs = Awaited<ReturnType<Loader>>;
let highs: Highs | undefined;

const f = (x: number): string => (Math.abs(x) < 1e-12 ? "0" : x.toFixed(9));

async function solve(lp: string): Promise<Record<string, number>> {
  highs ??= await loadHighs();
  const options = {
    output_flag: false,
    mip_rel_gap: 1e-9,
    mip_abs_gap: 1e-4,
  };
  let solution;
  try {
    solution = highs.solve(lp, options);
  } catch {
    // HiGHS's presolve fails on a few of these models (error -1); without it the solve is still exact.
    solution = highs.solve(lp, { ...options, presolve: "off" });
  }
  if (solution.Status !== "Optimal") throw new Error(`HiGHS: ${solution.Status}`);
  const columns = solution.Columns as Record<string, { Primal: number }>;
  return Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, c.Primal]));
}

/** The original benchmark problem: bands, commissions and minimum trade ignored. */
export async function milpOptimum(generated: GeneratedCase): Promise<number[]> {
  const { prices, held, targets, cash, cashTarget } = caseNumbers(generated);
  const floor = generated.portfolio.cash.minimum;
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
  const x = await solve(lp);
  return prices.map((_, i) => Math.round(x[`k${i}`] ?? 0));
}

/** Smallest order that is allowed: minTradeValue, and at least one share. */
function minShares(book: Book, line: BookLine): number {
  return Math.max(1, Math.ceil(book.minTradeValue / line.price - 1e-9));
}

/**
 * Rows and columns of one side (buy or sell) of one line's order of q shares, q in [0, max]: binaries
 * for a small order (commission capped at maximumPercent of its value, below the minimum) and a large
 * one (minimum or per share), so that the commission is exact without a big constant.
 * Adds `c<name>`, the commission, and `q<name>`, the shares; returns false when no order fits.
 */
function orderSide(
  book: Book,
  line: BookLine,
  name: string,
  max: number,
  rows: string[],
  bounds: string[],
  ints: string[],
): void {
  const { perShare, minimum, maximumPercent } = lineCommission(book, line.rate);
  const rate = (maximumPercent / 100) * line.price;
  if (perShare > rate && rate > 0)
    throw new Error("bench: commission model needs perShare <= maximumPercent x price");
  const least = minShares(book, line);
  // Orders of fewer than `large` shares pay the capped percentage, the others max(minimum, per share).
  const large = rate > 0 ? Math.max(1, Math.ceil(minimum / rate - 1e-12)) : Infinity;
  const smallMax = Math.min(max, large - 1);
  const largeMin = Math.max(least, large);
  rows.push(` qq${name}: q${name} - qs${name} - ql${name} = 0`);
  bounds.push(
    ` 0 <= q${name} <= ${max}`,
    ` 0 <= qs${name} <= ${Math.max(0, smallMax)}`,
    ` 0 <= ql${name} <= ${max}`,
  );
  ints.push(`q${name}`, `qs${name}`, `ql${name}`, `s${name}`, `l${name}`);
  bounds.push(
    ` 0 <= s${name} <= ${least <= smallMax ? 1 : 0}`,
    ` 0 <= l${name} <= ${largeMin <= max ? 1 : 0}`,
  );
  rows.push(
    ` qsu${name}: qs${name} - ${Math.max(0, smallMax)} s${name} <= 0`,
    ` qsl${name}: qs${name} - ${least} s${name} >= 0`,
    ` qlu${name}: ql${name} - ${max} l${name} <= 0`,
    ` qll${name}: ql${name} - ${largeMin} l${name} >= 0`,
    ` one${name}: s${name} + l${name} <= 1`,
  );
  // commission = rate x small shares + minimum x large + max(0, perShare x large shares - minimum)
  rows.push(
    ` ce${name}: e${name} - ${f(perShare)} ql${name} + ${f(minimum)} l${name} >= 0`,
    ` cc${name}: c${name} - ${f(rate === Infinity ? 0 : rate)} qs${name} - ${f(minimum)} l${name} - e${name} = 0`,
  );
  bounds.push(` e${name} >= 0`, ` c${name} >= 0`);
}

function lpText(objective: string, rows: string[], bounds: string[], ints: string[]): string {
  // One term per line: the LP reader has a line length limit.
  const split = (text: string): string[] => text.split(/(?= [-+] )/);
  return [
    "Minimize",
    " obj:",
    ...split(objective.length > 0 ? objective : " + 0 z"),
    "Subject To",
    ...rows.flatMap(split),
    "Bounds",
    ...bounds,
    "Generals",
    ...ints.map((v) => ` ${v}`),
    "End",
  ].join("\n");
}

/** Forced sales of positions outside the targets, as shares per line. */
function forcedShares(book: Book): number[] {
  const shares = book.lines.map(() => 0);
  for (const i of book.forced) shares[i] = -(book.lines[i] as BookLine).held;
  return shares;
}

/** A linear expression as LP text: coefficient and variable pairs. */
function terms(pairs: [number, string][]): string {
  return pairs
    .filter(([c]) => c !== 0)
    .map(([c, v]) => ` ${c < 0 ? "-" : "+"} ${f(Math.abs(c))} ${v}`)
    .join("");
}

/**
 * The policy optimum for targets over a fixed base (the managed value less the commissions the plan is
 * expected to pay), as shares per line, and the commissions of its conversions.
 */
async function policyAt(book: Book, base: number): Promise<{ shares: number[]; fxFees: number }> {
  const { holdings, cash } = policyAssets(book, base);
  const start = afterForcedSales(book);
  const rows: string[] = [];
  const bounds: string[] = [" 0 <= z <= 1"];
  const ints: string[] = ["z"];
  const objective: [number, string][] = [];
  /** Cash after trading, less cash before: value of sells less buys, less commissions. */
  const cashMove: [number, string][] = [];
  const direction: number[] = book.lines.map(() => 0);
  /** Per currency (when the book has several), the cash moves of its lines. */
  const movesIn = new Map<string, [number, string][]>();
  book.lines.forEach((line, i) => {
    const asset = holdings[i];
    if (asset === undefined || asset.direction === 0) return;
    // Toward the target only, at most one share past it; sells only what is held; the mode's side only.
    let max = Math.ceil(asset.gap / line.price - 1e-9);
    if (asset.direction < 0) max = book.mode === "buy-only" ? 0 : Math.min(max, Math.floor(line.held + 1e-9));
    if (asset.direction > 0 && book.mode === "sell-only") max = 0;
    if (max < minShares(book, line)) return;
    direction[i] = asset.direction;
    const n = `${i}`;
    orderSide(book, line, n, max, rows, bounds, ints);
    // Value moved toward the target, split into the stretch that gains, the room, and past the target.
    rows.push(
      ` mv${n}:${terms([
        [line.price, `q${n}`],
        [-1, `a${n}`],
        [-1, `b${n}`],
        [-1, `x${n}`],
      ])} = 0`,
    );
    bounds.push(
      ` 0 <= a${n} <= ${f(asset.gain)}`,
      ` 0 <= b${n} <= ${f(asset.gap - asset.gain)}`,
      ` x${n} >= 0`,
    );
    objective.push(
      [-1, `a${n}`],
      [asset.room, `b${n}`],
      [1, `x${n}`],
      [2, `c${n}`], // every distance counts in full (twice D), so commissions twice
      [1e-6 * line.price, `q${n}`],
    );
    cashMove.push([-asset.direction * line.price, `q${n}`], [-1, `c${n}`]);
    const currency = line.currency ?? "";
    movesIn.set(currency, [
      ...(movesIn.get(currency) ?? []),
      [-asset.direction * line.price, `q${n}`],
      [-1, `c${n}`],
    ]);
    if (asset.direction > 0) rows.push(` buy${n}: q${n} - ${max} z <= 0`);
  });
  // Conversions take their commission from cash, which counts toward cash's own target like the rest.
  const fxFees = book.currencies ? conversions(book, movesIn, rows, bounds, ints, objective) : [];
  cashMove.push(...fxFees.map((fee): [number, string] => [-1, fee]));
  // Cash's move toward its own target splits like a holding's (room free), plus any move away.
  const dc = cash.direction === 0 ? 1 : cash.direction;
  const toward: [number, string][] = cashMove.map(([c, v]) => [dc * c, v]);
  rows.push(` cmv:${terms([...toward, [-1, "ca"], [-1, "cb"], [-1, "cx"], [1, "cy"]])} = 0`);
  const gain = cash.direction === 0 ? 0 : cash.gain;
  const room = cash.direction === 0 ? 0 : cash.gap - cash.gain;
  bounds.push(` 0 <= ca <= ${f(gain)}`, ` 0 <= cb <= ${f(room)}`, " cx >= 0", " cy >= 0");
  objective.push([-1, "ca"], [1, "cx"], [1, "cy"]);
  // With buys (z = 1) cash after commissions stays above the floor; without, cash never falls.
  if (!book.currencies) {
    const slack = Math.max(0, book.cashFloor - start.cash);
    rows.push(` floor:${terms([...cashMove, [-slack, "z"]])} >= ${f(book.cashFloor - start.cash - slack)}`);
  }
  const x = await solve(lpText(terms(objective), rows, bounds, ints));
  const shares = forcedShares(book);
  direction.forEach((d, i) => {
    if (d !== 0) shares[i] = d * Math.round(x[`q${i}`] ?? 0);
  });
  return { shares, fxFees: fxFees.reduce((sum, fee) => sum + (x[fee] ?? 0), 0) };
}

/**
 * Conversions between the base currency and each other one, in either direction, as continuous amounts
 * (in base value) with IB's commission (0.2 bps, at least 2 USD, charged in the base currency, exact
 * with one binary per direction); and one row per currency: its cash after the plan's trades and
 * conversions is at least zero (the base currency's at least the floor). Returns the fee columns.
 */
function conversions(
  book: Book,
  movesIn: Map<string, [number, string][]>,
  rows: string[],
  bounds: string[],
  ints: string[],
  objective: [number, string][],
): string[] {
  const currencies = book.currencies as NonNullable<Book["currencies"]>;
  if (book.forced.length > 0) throw new Error("bench: forced sales in several currencies are not modelled");
  const big = book.managed;
  const minimumFee = conversionCommission(book, 1e-9);
  const fees: string[] = [];
  const base: [number, string][] = [...(movesIn.get(currencies.base) ?? [])];
  Object.keys(currencies.cash)
    .filter((c) => c !== currencies.base)
    .forEach((currency, j) => {
      const own: [number, string][] = [...(movesIn.get(currency) ?? [])];
      // b: base currency into this one; s: this one back into the base currency.
      for (const [side, sign] of [
        ["b", 1],
        ["s", -1],
      ] as const) {
        const u = `u${side}${j}`;
        const y = `y${side}${j}`;
        const fee = `f${side}${j}`;
        bounds.push(` 0 <= ${u} <= ${f(big)}`, ` 0 <= ${y} <= 1`, ` ${fee} >= 0`);
        ints.push(y);
        rows.push(
          ` ${u}cap: ${u} - ${f(big)} ${y} <= 0`,
          ` ${fee}rate: ${fee} - 0.00002 ${u} >= 0`,
          ` ${fee}min: ${fee} - ${f(minimumFee)} ${y} >= 0`,
        );
        objective.push([2, fee]); // a commission, counted twice as every other
        own.push([sign, u]);
        base.push([-sign, u], [-1, fee]);
        fees.push(fee);
      }
      rows.push(` cash${j}:${terms(own)} >= ${f(-(currencies.cash[currency] ?? 0))}`);
    });
  const start = currencies.cash[currencies.base] ?? 0;
  const slack = Math.max(0, book.cashFloor - start);
  rows.push(` cashbase:${terms([...base, [-slack, "z"]])} >= ${f(book.cashFloor - start - slack)}`);
  return fees;
}

/** A plan must lower the objective by this share of the value it touches, or nothing is traded. */
const MINIMUM_IMPROVEMENT = 2e-5;

/**
 * folioctl's policy optimum: the MILP over targets that are over the managed value less the plan's
 * commissions, solved again with the commissions of its own answer until they settle; then the
 * README's rules for not trading at all (nothing out of band; a gain below 0.002% of the value trades
 * no target; a plan that would raise the drift trades nothing).
 */
export async function policyOptimum(book: Book): Promise<number[]> {
  return (await policyOptimumWithConversions(book)).shares;
}

/** The policy optimum and, when the book holds several currencies, the commissions of its conversions. */
export async function policyOptimumWithConversions(
  book: Book,
): Promise<{ shares: number[]; fxFees: number }> {
  const none = { shares: book.lines.map(() => 0), fxFees: 0 };
  const outOfBand =
    book.lines.some((l) => l.outOfBand) ||
    Math.abs(book.cash / book.managed - book.cashWeight) > book.cashBand + 1e-12;
  if (!outOfBand) return none;
  const start = afterForcedSales(book);
  let fees = start.fees;
  let best = { shares: forcedShares(book), fxFees: 0 };
  for (let round = 0; round < 5; round++) {
    best = await policyAt(book, book.managed - fees);
    const next = planTotals(book, best.shares, best.fxFees).fees;
    // The planner's own tolerance for settled commissions: half a cent, or a ten-millionth of the account.
    if (Math.abs(next - fees) < Math.max(0.005, 1e-7 * book.managed)) break;
    fees = next;
  }
  const forced = { shares: forcedShares(book), fxFees: 0 };
  const scale = book.lines.reduce((s, l) => s + (l.target ? l.held * l.price : 0), 0) + Math.abs(start.cash);
  const objective = (plan: typeof best): number => policyObjective(book, plan.shares, plan.fxFees);
  if (objective(forced) - objective(best) < MINIMUM_IMPROVEMENT * scale) best = forced;
  if (driftAfter(book, best.shares, best.fxFees) > driftAfter(book, none.shares)) return none;
  return best;
}

/** Drift plus commissions under the hard rules only: the best any planner could do. */
export async function unrestrictedOptimum(book: Book): Promise<number[]> {
  const start = afterForcedSales(book);
  const base = book.managed - start.fees;
  const rows: string[] = [];
  const bounds: string[] = [" 0 <= z <= 1", " pc >= 0", " nc >= 0"];
  const ints: string[] = ["z"];
  const objective: [number, string][] = [
    [0.5, "pc"],
    [0.5, "nc"],
  ];
  const fees: string[] = [];
  const cashMove: [number, string][] = [];
  /** Per target: its value moves, as terms, for its deviation row. */
  const moves = new Map<number, [number, string][]>();
  const money = start.cash + book.lines.reduce((s, l) => s + (l.target ? l.held * l.price : 0), 0);
  book.lines.forEach((line, i) => {
    if (!line.target) return;
    const least = minShares(book, line);
    const maxBuy = book.mode === "sell-only" ? 0 : Math.floor(Math.max(0, money) / line.price);
    const maxSell = book.mode === "buy-only" ? 0 : Math.floor(line.held + 1e-9);
    const own: [number, string][] = [];
    for (const [side, max, sign] of [
      ["b", maxBuy, 1],
      ["s", maxSell, -1],
    ] as const) {
      if (max < least) continue;
      const n = `${side}${i}`;
      orderSide(book, line, n, max, rows, bounds, ints);
      fees.push(`c${n}`);
      own.push([sign * line.price, `q${n}`]);
      cashMove.push([-sign * line.price, `q${n}`], [-1, `c${n}`]);
      objective.push([1, `c${n}`]);
      if (side === "b") rows.push(` cap${n}: q${n} - ${max} z <= 0`);
    }
    if (own.length === 2) rows.push(` side${i}: sb${i} + lb${i} + ss${i} + ls${i} <= 1`);
    moves.set(i, own);
    bounds.push(` p${i} >= 0`, ` n${i} >= 0`);
    objective.push([0.5, `p${i}`], [0.5, `n${i}`]);
  });
  // after - weight x (managed - fees) = p - n; fees lower the base every target is over.
  for (const [i, own] of moves) {
    const line = book.lines[i] as BookLine;
    const feeTerms: [number, string][] = fees.map((c) => [line.weight, c]);
    rows.push(
      ` d${i}:${terms([...own, ...feeTerms, [-1, `p${i}`], [1, `n${i}`]])} = ${f(line.weight * base - line.held * line.price)}`,
    );
  }
  const cashFees: [number, string][] = fees.map((c) => [book.cashWeight, c]);
  rows.push(
    ` dc:${terms([...cashMove, ...cashFees, [-1, "pc"], [1, "nc"]])} = ${f(book.cashWeight * base - start.cash)}`,
  );
  const slack = Math.max(0, book.cashFloor - start.cash);
  rows.push(` floor:${terms([...cashMove, [-slack, "z"]])} >= ${f(book.cashFloor - start.cash - slack)}`);
  const x = await solve(lpText(terms(objective), rows, bounds, ints));
  const shares = forcedShares(book);
  book.lines.forEach((line, i) => {
    if (line.target) shares[i] = Math.round(x[`qb${i}`] ?? 0) - Math.round(x[`qs${i}`] ?? 0);
  });
  return shares;
}
