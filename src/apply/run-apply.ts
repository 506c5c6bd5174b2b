// `folioctl apply`: execute exactly the reviewed plan or refuse, then write what happened. Every step
// before the first order is a check that sends nothing; the order of the checks is the product's promise.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Broker, BrokerExecution } from "../broker/broker.js";
import { checkAccountManaged } from "../broker/take-snapshot.js";
import { formatDiagnostic } from "../config/diagnostic.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import { loadPlanFile, type LoadPlanResult } from "../config/load-plan.js";
import { computePlan } from "../core/compute-plan.js";
import { estimateCommission } from "../core/estimate-commission.js";
import { verifyPlanHash } from "../core/hash-plan.js";
import type { Plan } from "../core/plan.js";
import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot } from "../core/snapshot.js";
import { valuationPrices } from "../core/valuation-price.js";
import { BrokerError, InputError } from "../errors.js";
import { buildLedgerRecord } from "./build-ledger-record.js";
import { checkLiveLimits } from "./check-live-limits.js";
import { checkPlan } from "./check-plan.js";
import { checkStaleness } from "./check-staleness.js";
import { checkWindow } from "./check-window.js";
import { allLegsEnded, executeLegs, type WaveDeadline } from "./execute-legs.js";
import type { ExecutableLeg, ExecutionResult, ProgressEvent } from "./execution-types.js";
import type { LedgerOrder, LedgerRecord } from "./ledger.js";
import { LedgerWriteError } from "./ledger-write-error.js";
import { readEarlierRuns } from "./read-earlier-runs.js";
import { readAccountAfter, readLiveState } from "./read-live-state.js";
import { DEFAULT_RECONNECT, Reconnector, type ReconnectPolicy } from "./reconnector.js";
import { checkPlanFormat } from "./rederive-plan.js";
import { refusalError, type Refusal } from "./refusal.js";
import { localContext, type ApplyContext } from "./refusal-hints.js";

export interface RunApplyOptions {
  planFile: string;
  /**
   * The plan file as the caller already read it (`folioctl apply` reads it once: its account picks the
   * lock and the client id): the hash verified and the orders sent come from these bytes, and planFile
   * is not read again, so that a file replaced in between changes nothing.
   */
  plan?: LoadPlanResult;
  /** The portfolio file to read, or, with `intent`, only its name for messages. */
  portfolioFile: string;
  /**
   * The account's portfolio already read and validated, with its intent hash (apply on merge reads it
   * from the merge commit, whichever layout the ops repository uses): portfolioFile is then not read.
   */
  intent?: { portfolio: Portfolio; hash: string };
  broker: Broker;
  now: () => Date;
  toolVersion: string;
  /** Per wave (sells, then buys): unfilled remainders are cancelled after this. */
  waveTimeoutMs: number;
  /** When each wave's deadline is reached; default the real clock, `waveTimeoutMs` after the wave starts. */
  waveDeadline?: WaveDeadline;
  /** When the wait for IB to confirm the cancels at a deadline ends; default the real clock, 5 s. */
  cancelGrace?: WaveDeadline;
  /** Where ledger/<account>/<time>-<hash>.json is written; nothing is written without it. */
  ledgerDir?: string;
  /**
   * Where earlier records of this plan are read from (`<dir>/<account>/*-<hash 12>.json`); default
   * ledgerDir. Every leg they record as sent is never sent again, even when IB no longer reports it.
   */
  earlierLedgerDir?: string;
  onProgress?: (event: ProgressEvent) => void;
  reconnect?: ReconnectPolicy;
  /** Where apply runs, for the refusals' hints; default a local `apply --plan` of these two files. */
  context?: ApplyContext;
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
  const loaded =
    options.intent === undefined
      ? await loadPortfolioFile(options.portfolioFile)
      : { ok: true as const, portfolio: options.intent.portfolio, sha256: options.intent.hash };
  if (!loaded.ok) throw inputError("portfolio.yaml", loaded.errors.map(formatDiagnostic));
  const context = contextOf(options);
  const plan = checkedPlan(options.plan ?? (await loadPlanFile(options.planFile)), context);
  const finish = (parts: Outcome) => complete(options, plan, startedAt, parts);
  const refusal = checkPlan(plan, loaded.portfolio, loaded.sha256, startedAt, options.toolVersion, context);
  // An expired plan may still be one whose legs all ended: such a re-run sends nothing and reports like
  // any other, so the expiry is held back until IB and the ledger have said whether anything is left.
  if (refusal && refusal.reason !== "expired") return finish({ refusal });
  // Before the broker: a record that cannot be read stops the run here, with nothing sent.
  const earlierDir = options.earlierLedgerDir ?? options.ledgerDir;
  const earlierRuns = earlierDir ? await readEarlierRuns(earlierDir, plan.account, plan.hash) : [];
  return applyChecked(options, loaded.portfolio, plan, earlierRuns, finish, refusal);
}

async function applyChecked(
  options: RunApplyOptions,
  portfolio: Portfolio,
  plan: Plan,
  earlierRuns: LedgerOrder[],
  finish: (parts: {
    refusal?: Refusal;
    execution?: ExecutionResult;
    driftAfter?: number;
    error?: string;
  }) => Promise<RunApplyResult>,
  /** The plan's `expired` refusal, which stands unless every leg has ended. */
  expired: Refusal | undefined,
): Promise<RunApplyResult> {
  const { broker } = options;
  const context = contextOf(options);
  // One link for the whole run: a drop during the reads before the checks, any order, the cash read or
  // the snapshot after is reconnected and that step read again.
  const link = new Reconnector(broker, options.reconnect ?? DEFAULT_RECONNECT, options.onProgress);
  try {
    const session = await broker.connect();
    checkAccountManaged(session, plan.account);
    const { ibExecutions, ownOrders, fresh, marketNow } = await link.read(() =>
      readLiveState(broker, portfolio, plan, options.now),
    );
    const ownExecutions = withLedgerFills(ibExecutions, earlierRuns);
    const resuming =
      ownExecutions.length > 0 || ownOrders.length > 0 || earlierRuns.some((o) => o.status !== "not-sent");
    const live = valuationPrices(fresh);
    const legs = plan.orders.map((order) => toLeg(order, live.get(order.conId)));
    // A re-run whose legs have all ended only reports: a price that moved since must not turn it into
    // a refusal, since nothing will be sent.
    const ended = allLegsEnded(legs, plan, { orders: ownOrders, executions: ibExecutions }, earlierRuns);
    const refusal = ended
      ? undefined
      : (expired ??
        checkStaleness(plan, fresh, ownExecutions, portfolio.tolerances.priceMoveBps, context) ??
        checkWindow(plan, fresh, marketNow, context) ??
        checkLiveLimits(portfolio, plan, fresh, resuming, context));
    if (refusal) return await finish({ refusal });

    const execution = await executeLegs(broker, legs, {
      account: plan.account,
      planHash: plan.hash,
      waveTimeoutMs: options.waveTimeoutMs,
      cashFloor: { [portfolio.baseCurrency]: portfolio.cash.minimum },
      buyPriceBufferBps: portfolio.tolerances.priceMoveBps,
      commission: (shares, price) => estimateCommission(portfolio.trading.commission, shares, price),
      link,
      earlierRuns,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.waveDeadline ? { waveDeadline: options.waveDeadline } : {}),
      ...(options.cancelGrace ? { cancelGrace: options.cancelGrace } : {}),
    });
    // The drift is measured, not hoped: a drop here is reconnected too; if IB cannot be reached it is
    // recorded as not measured rather than failing a run whose orders are done.
    const driftAfter = execution.interrupted
      ? undefined
      : await link.read(() => measureDrift(options, portfolio, fresh)).catch(() => undefined);
    return await finish({ execution, ...(driftAfter === undefined ? {} : { driftAfter }) });
  } catch (error) {
    if (!(error instanceof BrokerError)) throw error;
    // Without the broker an expired plan is still expired: nothing could have been sent.
    if (expired) return await finish({ refusal: expired });
    return await finish({ error: `${error.message}${error.hint ? ` (${error.hint})` : ""}` });
  } finally {
    link.dispose();
    await broker.close().catch(() => undefined);
  }
}

/**
 * IB's executions of this plan, with the fills earlier runs recorded that IB no longer reports (after
 * the day): the staleness check moves the plan's snapshot forward by all of them.
 */
function withLedgerFills(fromIb: BrokerExecution[], earlierRuns: LedgerOrder[]): BrokerExecution[] {
  const seen = new Set(fromIb.map((e) => e.execId));
  const fromLedger = earlierRuns.flatMap((o) =>
    o.executions
      .filter((e) => !seen.has(e.execId))
      .map((e): BrokerExecution => ({
        execId: e.execId,
        orderId: e.orderId,
        permId: o.permIds[0] ?? 0,
        orderRef: o.orderRef,
        account: "",
        conId: o.conId,
        symbol: o.symbol,
        side: o.side,
        shares: e.quantity,
        price: e.price,
        time: e.time,
        ...(e.commission === null ? {} : { commission: e.commission }),
        ...(e.commissionCurrency === null ? {} : { commissionCurrency: e.commissionCurrency }),
      })),
  );
  // The same fill in two records (a run that resumed another) counts once.
  const unique = new Map([...fromIb, ...fromLedger].map((e) => [e.execId, e]));
  return [...unique.values()];
}

/**
 * Residual drift on the account as IB reports it now (cash and positions read again, valued at this
 * run's quotes): what the account looks like after the orders, not what the plan hoped.
 */
async function measureDrift(
  options: RunApplyOptions,
  portfolio: Portfolio,
  before: Snapshot,
): Promise<number | undefined> {
  const after = await readAccountAfter(options.broker, portfolio, before, options.now);
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

function contextOf(options: RunApplyOptions): ApplyContext {
  return options.context ?? localContext(options.portfolioFile, options.planFile);
}

/** The schema-checked plan file; whether it is the reviewed one is checkPlan's hash check. */
function checkedPlan(loaded: LoadPlanResult, context: ApplyContext): Plan {
  if (loaded.ok) return loaded.plan;
  const { document } = loaded;
  const format = document === undefined ? undefined : checkPlanFormat(document, context);
  if (format) throw refusalError(format);
  const edited =
    document !== undefined && !verifyPlanHash(document).ok
      ? " (and it does not match its hash: it was edited)"
      : "";
  throw inputError(`the plan file${edited}`, loaded.errors.map(formatDiagnostic));
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
  const folder = join(options.ledgerDir, record.account);
  const ledgerFile = await writeLedger(folder, record).catch((error: unknown) => {
    throw new LedgerWriteError(record, folder, error);
  });
  return { exitCode, record, ledgerFile };
}

/** <the account's folder>/<UTC time>-<hash 12>.json, never overwriting an earlier record. */
async function writeLedger(folder: string, record: LedgerRecord): Promise<string> {
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
