// Turns a validated state file into the mutable world the simulator trades in, and back.
import type { Document } from "yaml";
import { isMap, isSeq, parseDocument, stringify } from "yaml";
import type { TradingHours } from "../../core/trading-hours.js";
import { parseTradingHours } from "../../core/trading-hours.js";
import type { Fault } from "../engine/fault-script.js";
import { defaultPairTick, IDEALPRO } from "../engine/fx-pricing.js";
import type { SimAccount, SimContract, SimContractSpec, SimStateFile, SimWorld } from "./sim-state.js";

export function buildWorld(state: SimStateFile): SimWorld {
  const contracts = new Map<number, SimContract>();
  for (const spec of state.contracts) contracts.set(spec.conId, buildContract(spec));
  const accounts = new Map<string, SimAccount>();
  for (const spec of state.accounts) {
    accounts.set(spec.id, {
      id: spec.id,
      baseCurrency: spec.baseCurrency,
      accountType: spec.accountType ?? "cash",
      cash: new Map(Object.entries(spec.cash ?? {})),
      positions: new Map(
        (spec.positions ?? []).map((p) => [p.conId, { quantity: p.quantity, avgCost: p.avgCost ?? 0 }]),
      ),
      realizedPnl: new Map(),
      day: new Map(),
    });
  }
  const rates = new Map(Object.entries(state.exchangeRates ?? {}));
  // A one-currency state may leave exchangeRates out.
  if (rates.size === 0) for (const account of accounts.values()) rates.set(account.baseCurrency, 1);
  return {
    accounts,
    contracts,
    quotes: new Map(
      Object.entries(state.quotes ?? {}).map(([conId, quote]) => [Number(conId), { ...quote }]),
    ),
    exchangeRates: rates,
    marketData: state.marketData ?? "live",
    includeFxPositions: state.includeFxPositions ?? true,
    clock: state.clock,
  };
}

/** Reg T's 25% for long and short stock, the simple rule the simulator applies to every contract. */
export const DEFAULT_MARGIN_RATE = 0.25;

export function buildContract(spec: SimContractSpec): SimContract {
  const zone = spec.timeZoneId;
  const hours = (text: string | undefined): TradingHours | undefined => {
    if (text === undefined || zone === undefined) return undefined;
    const parsed = parseTradingHours(text, zone);
    return parsed.ok ? parsed.hours : undefined;
  };
  const liquidHours = hours(spec.liquidHours);
  const pair = spec.secType === "CASH";
  // IB names a pair EUR.USD and quotes it in half pips.
  const name = pair ? `${spec.symbol}.${spec.currency}` : spec.symbol;
  return {
    conId: spec.conId,
    symbol: spec.symbol,
    secType: spec.secType ?? "STK",
    exchange: spec.exchange ?? (pair ? IDEALPRO : "SMART"),
    primaryExchange: spec.primaryExchange,
    currency: spec.currency,
    localSymbol: spec.localSymbol ?? name,
    tradingClass: spec.tradingClass ?? name,
    minTick: spec.minTick ?? (pair ? defaultPairTick(spec.currency) : 0.01),
    sizeIncrement: spec.sizeIncrement ?? 1,
    longName: spec.longName ?? "",
    initMarginRate: spec.initMarginRate ?? DEFAULT_MARGIN_RATE,
    maintMarginRate: spec.maintMarginRate ?? DEFAULT_MARGIN_RATE,
    timeZoneId: zone,
    liquidHoursText: spec.liquidHours,
    tradingHoursText: spec.tradingHours,
    liquidHours,
    extendedHours: hours(spec.tradingHours) ?? liquidHours,
  };
}

/** The world in the state file format (positions that went to zero are left out). */
export function worldToStateFile(world: SimWorld, faults: Fault[]): SimStateFile {
  const state: SimStateFile = {
    accounts: [...world.accounts.values()].map((account) => ({
      id: account.id,
      baseCurrency: account.baseCurrency,
      accountType: account.accountType,
      cash: Object.fromEntries([...account.cash].map(([currency, amount]) => [currency, roundCost(amount)])),
      // Virtual FX positions are left out: their money is in the cash, and they last a session.
      positions: [...account.positions]
        .filter(([conId, p]) => p.quantity !== 0 && world.contracts.get(conId)?.secType !== "CASH")
        .map(([conId, p]) => ({ conId, quantity: p.quantity, avgCost: roundCost(p.avgCost) })),
    })),
    contracts: [...world.contracts.values()].map(contractToSpec),
    quotes: Object.fromEntries([...world.quotes].map(([conId, quote]) => [String(conId), { ...quote }])),
    exchangeRates: Object.fromEntries(world.exchangeRates),
    marketData: world.marketData,
    includeFxPositions: world.includeFxPositions,
    ...(world.clock === undefined ? {} : { clock: world.clock }),
    faults,
  };
  return state;
}

/**
 * The state file text after trading: the original document with each account's cash and positions
 * replaced (other fields and most comments survive), or a fresh document when there was none.
 */
export function renderStateFile(world: SimWorld, faults: Fault[], original: Document | undefined): string {
  const state = worldToStateFile(world, faults);
  if (original === undefined) return stringify(state, { flowCollectionPadding: true });
  const document = parseDocument(String(original));
  const accounts = document.get("accounts");
  const count = isSeq(accounts) ? accounts.items.length : 0;
  for (let i = 0; i < count; i += 1) {
    const id = document.getIn(["accounts", i, "id"]);
    const account = state.accounts.find((a) => a.id === id);
    if (account === undefined) continue;
    document.setIn(["accounts", i, "cash"], document.createNode(account.cash, { flow: true }));
    const positions = document.createNode(account.positions ?? []);
    if (isSeq(positions)) for (const item of positions.items) if (isMap(item)) item.flow = true;
    document.setIn(["accounts", i, "positions"], positions);
  }
  return document.toString({ lineWidth: 0 });
}

function contractToSpec(c: SimContract): SimContractSpec {
  const spec: SimContractSpec = {
    conId: c.conId,
    symbol: c.symbol,
    secType: c.secType,
    exchange: c.exchange,
    currency: c.currency,
    minTick: c.minTick,
    sizeIncrement: c.sizeIncrement,
  };
  if (c.primaryExchange !== undefined) spec.primaryExchange = c.primaryExchange;
  if (c.localSymbol !== c.symbol) spec.localSymbol = c.localSymbol;
  if (c.tradingClass !== c.symbol) spec.tradingClass = c.tradingClass;
  if (c.longName !== "") spec.longName = c.longName;
  if (c.initMarginRate !== DEFAULT_MARGIN_RATE) spec.initMarginRate = c.initMarginRate;
  if (c.maintMarginRate !== DEFAULT_MARGIN_RATE) spec.maintMarginRate = c.maintMarginRate;
  if (c.timeZoneId !== undefined) spec.timeZoneId = c.timeZoneId;
  if (c.liquidHoursText !== undefined) spec.liquidHours = c.liquidHoursText;
  if (c.tradingHoursText !== undefined) spec.tradingHours = c.tradingHoursText;
  return spec;
}

// Average costs carry commissions per share and cash sums of many fills: keep the file readable.
function roundCost(value: number): number {
  return Number.parseFloat(value.toFixed(6));
}
