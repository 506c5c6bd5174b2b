// `folioctl apply`: execute exactly the reviewed plan or refuse, then write what happened. Every step
// before the first order is a check that sends nothing; the order of the checks is the product's promise.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Broker } from "../broker/broker.js";
import { checkAccountManaged, takeSnapshot } from "../broker/take-snapshot.js";
import { formatDiagnostic } from "../config/diagnostic.js";
import { parseJsonText } from "../config/json-document.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import { parsePlan } from "../config/load-plan.js";
import { readFile } from "node:fs/promises";
import { computePlan } from "../core/compute-plan.js";
import { estimateCommission } from "../core/estimate-commission.js";
import { verifyPlanHash } from "../core/hash-plan.js";
import type { Plan } from "../core/plan.js";
import type { Portfolio } from "../core/portfolio.js";
import { valuationPrices } from "../core/valuation-price.js";
import { BrokerError, InputError } from "../errors.js";
import { buildLedgerRecord } from "./build-ledger-record.js";
import { checkLiveLimits } from "./check-live-limits.js";
import { checkPlan } from "./check-plan.js";
import { checkStaleness } from "./check-staleness.js";
import { checkWindow } from "./check-window.js";
import { executeLegs } from "./execute-legs.js";
import type { ExecutableLeg, ExecutionResult, ProgressEvent } from "./execution-types.js";
import type { LedgerRecord } from "./ledger.js";
import { belongsToPlan } from "./order-ref.js";
import { checkPlanFormat } from "./rederive-plan.js";
import { refusalError, type Refusal } from "./refusal.js";

export interface RunApplyOptions {
  planFile: string;
  portfolioFile: string;
  broker: Broker;
  now: () => Date;
  toolVersion: string;
  /** Per wave (sells, then buys): unfilled remainders are cancelled after this. */
  waveTimeoutMs: number;
  /** Where ledger/<account>/<time>-<hash>.json is written; nothing is written without it. */
  ledgerDir?: string;
  onProgress?: (event: ProgressEvent) => void;
  reconnect?: { attempts: number; initialDelayMs: number; maxDelayMs: number };
}

export interface RunApplyResult {
  /** 0 applied (or already), 3 refused, 4 partial, 1 error. */
  exitCode: number;
  record: LedgerRecord;
  ledgerFile?: string;
}

/** How a run ended: refused, executed (maybe in part), or stopped by a broker failure. */
type Outcome = { refusal?: Refusal; execution?: ExecutionResult; driftAfter?: number; error?: string };

const EXIT_BY_OUTCOME: Record<LedgerRecord["outcome"], number> = {
  applied: 0,
  "already-applied": 0,
  refused: 3,
  partial: 4,
  error: 1,
};

/**
 * Loads and checks the plan and the portfolio (throwing InputError for unreadable files), then runs
 * the checks and the orders. Refusals and broker failures come back as a ledger record, never thrown,
 * so that every run that got as far as a valid plan leaves an audit record.
 */
export async function runApply(options: RunApplyOptions): Promise<RunApplyResult> {
  const startedAt = options.now();
  const loaded = await loadPortfolioFile(options.portfolioFile);
  if (!loaded.ok) throw inputError("portfolio.yaml", loaded.errors.map(formatDiagnostic));
  const plan = await readPlan(options.planFile);
  const finish = (parts: Outcome) => complete(options, plan, startedAt, parts);
  const refusal = checkPlan(plan, loaded.portfolio, loaded.sha256, startedAt, options.toolVersion);
  if (refusal) return finish({ refusal });
  return applyChecked(options, loaded.portfolio, plan, finish);
}

async function applyChecked(
  options: RunApplyOptions,
  portfolio: Portfolio,
  plan: Plan,
  finish: (parts: {
    refusal?: Refusal;
    execution?: ExecutionResult;
    driftAfter?: number;
    error?: string;
  }) => Promise<RunApplyResult>,
): Promise<RunApplyResult> {
  const { broker } = options;
  try {
    const session = await broker.connect();
    checkAccountManaged(session, plan.account);
    const ownExecutions = (await broker.executions(plan.account)).filter((e) =>
      belongsToPlan(e.orderRef, plan.hash),
    );
    const ownOrders = [...(await broker.openOrders()), ...(await broker.completedOrders())].filter((o) =>
      belongsToPlan(o.orderRef, plan.hash),
    );
    const resuming = ownExecutions.length > 0 || ownOrders.length > 0;
    const fresh = await takeSnapshot(broker, portfolio, options.now);
    const refusal =
      checkStaleness(plan, fresh, ownExecutions, portfolio.tolerances.priceMoveBps) ??
      checkWindow(plan, fresh, options.now()) ??
      checkLiveLimits(portfolio, plan, fresh, resuming);
    if (refusal) return await finish({ refusal });

    const live = valuationPrices(fresh);
    const legs = plan.orders.map((order) => toLeg(order, live.get(order.conId)));
    const execution = await executeLegs(broker, legs, {
      account: plan.account,
      planHash: plan.hash,
      waveTimeoutMs: options.waveTimeoutMs,
      cashFloor: { [portfolio.baseCurrency]: portfolio.cash.minimum },
      buyPriceBufferBps: portfolio.tolerances.priceMoveBps,
      commission: (shares, price) => estimateCommission(portfolio.trading.commission, shares, price),
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const driftAfter = await measureDrift(options, portfolio).catch(() => undefined);
    return await finish({ execution, ...(driftAfter === undefined ? {} : { driftAfter }) });
  } catch (error) {
    if (!(error instanceof BrokerError)) throw error;
    return await finish({ error: `${error.message}${error.hint ? ` (${error.hint})` : ""}` });
  } finally {
    await broker.close().catch(() => undefined);
  }
}

/** Residual drift on a fresh snapshot: what the account looks like now, not what the plan hoped. */
async function measureDrift(options: RunApplyOptions, portfolio: Portfolio): Promise<number | undefined> {
  const after = await takeSnapshot(options.broker, portfolio, options.now);
  const result = computePlan(portfolio, after, {
    now: options.now().toISOString(),
    toolVersion: options.toolVersion,
    portfolioHash: "0".repeat(64),
  });
  return result.ok ? result.plan.drift.before : undefined;
}

/** The executor sizes a buy with estimatedPrice: never below the live price, whatever the plan says. */
function toLeg(order: Plan["orders"][number], livePrice: number | undefined): ExecutableLeg {
  const sizingPrice =
    order.side === "BUY" ? Math.max(order.estimatedPrice, livePrice ?? 0) : order.estimatedPrice;
  return {
    leg: order.leg,
    side: order.side,
    quantity: order.quantity,
    orderType: order.orderType,
    ...(order.limitPrice === undefined ? {} : { limitPrice: order.limitPrice }),
    estimatedPrice: sizingPrice,
    contract: {
      conId: order.conId,
      symbol: order.symbol,
      secType: order.secType,
      exchange: order.exchange,
      ...(order.primaryExchange === undefined ? {} : { primaryExchange: order.primaryExchange }),
      currency: order.currency,
    },
  };
}

/** Reads and schema-checks the plan file; whether it is the reviewed one is checkPlan's hash check. */
async function readPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InputError(
      `cannot read the plan file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      {
        hint: "Pass the plan with --plan FILE: plans/<account>.plan.json in the ops repository.",
      },
    );
  }
  const parsed = parsePlan(text, file);
  if (parsed.ok) return parsed.plan;
  const json = parseJsonText(text, file);
  const format = json.ok ? checkPlanFormat(json.value) : undefined;
  if (format) throw refusalError(format);
  const edited =
    json.ok && !verifyPlanHash(json.value).ok ? " (and it does not match its hash: it was edited)" : "";
  throw inputError(`the plan file${edited}`, parsed.errors.map(formatDiagnostic));
}

function inputError(what: string, lines: string[]): InputError {
  return new InputError(`${what} is not valid:\n${lines.map((l) => `  ${l}`).join("\n")}`, {
    hint: "Fix the problems listed above; plans are written by `folioctl plan` or `folioctl propose`, never by hand.",
  });
}

async function complete(
  options: RunApplyOptions,
  plan: Plan,
  startedAt: Date,
  parts: Outcome,
): Promise<RunApplyResult> {
  const record = buildLedgerRecord({
    plan,
    toolVersion: options.toolVersion,
    startedAt,
    finishedAt: options.now(),
    ...parts,
  });
  const exitCode = EXIT_BY_OUTCOME[record.outcome];
  if (!options.ledgerDir) return { exitCode, record };
  const ledgerFile = await writeLedger(options.ledgerDir, record);
  return { exitCode, record, ledgerFile };
}

/** ledger/<account>/<UTC time>-<hash 12>.json, never overwriting an earlier record. */
async function writeLedger(dir: string, record: LedgerRecord): Promise<string> {
  const folder = join(dir, record.account);
  await mkdir(folder, { recursive: true });
  const stamp = record.finishedAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const text = `${JSON.stringify(record, null, 2)}\n`;
  // Records are append-only: a second run in the same second gets a suffix, never the first's name.
  for (let n = 1; ; n++) {
    const file = join(folder, `${stamp}-${record.planHash.slice(0, 12)}${n === 1 ? "" : `-${n}`}.json`);
    try {
      await writeFile(file, text, { flag: "wx" });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}
