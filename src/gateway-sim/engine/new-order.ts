// A new order as the broker records it from PLACE_ORDER, and the checks it must pass to be accepted.
import { DEFAULT_MARGIN_RATE } from "../state/build-world.js";
import type { SimContract, SimWorld } from "../state/sim-state.js";
import type { PlaceOrderParse, WireContract } from "../wire/parse-place-order.js";
import type { SimOrder } from "./sim-order.js";
import { PAIR_ORDER_TYPES, roundQuantity, SUPPORTED_ORDER_TYPES } from "./sim-order.js";

export interface NewOrderInput {
  clientId: number;
  parse: PlaceOrderParse;
  permId: number;
  contract: SimContract;
  /** The order's account: the one it names, or the login's only account. */
  account: string;
  /** The currency its commission is charged in (order-commission.ts). */
  commissionCurrency: string;
  now: number;
}

export function newOrder(input: NewOrderInput): SimOrder {
  const { clientId, parse, permId, contract, account, commissionCurrency, now } = input;
  const p = parse.order;
  return {
    orderId: p.orderId,
    clientId,
    permId,
    account,
    contract,
    action: p.action.toUpperCase() === "SELL" ? "SELL" : "BUY",
    totalQuantity: p.totalQuantity ?? 0,
    orderType: p.orderType.toUpperCase(),
    lmtPrice: p.lmtPrice,
    auxPrice: p.auxPrice,
    tif: p.tif === "" ? "DAY" : p.tif,
    orderRef: p.orderRef,
    transmit: p.transmit,
    outsideRth: p.outsideRth,
    algoStrategy: p.algoStrategy,
    algoParams: p.algoParams,
    placed: p,
    wire: { fieldCount: parse.fieldCount, cursorEnd: parse.cursorEnd },
    status: "PendingSubmit",
    filled: 0,
    filledValue: 0,
    lastFillPrice: 0,
    commission: 0,
    commissionCurrency,
    whyHeld: "",
    done: false,
    completedStatus: "",
    createdAt: now,
    completedAt: undefined,
    remainderHeld: false,
  };
}

/** Why the order cannot be accepted, or undefined when it can. */
export function orderProblem(order: SimOrder, world: SimWorld): string | undefined {
  const p = order.placed;
  if (!world.accounts.has(order.account)) return notManaged(order.account);
  if (p.action.toUpperCase() !== "BUY" && p.action.toUpperCase() !== "SELL")
    return `unknown action "${p.action}"`;
  if (!(order.totalQuantity > 0)) return "the order quantity must be positive";
  if (roundQuantity(order.totalQuantity, order.contract) !== order.totalQuantity) {
    return `the quantity ${order.totalQuantity} is not a multiple of the size increment ${order.contract.sizeIncrement}`;
  }
  if (!(SUPPORTED_ORDER_TYPES as readonly string[]).includes(order.orderType)) {
    return `order type ${order.orderType} is not supported by the simulator (${SUPPORTED_ORDER_TYPES.join(", ")})`;
  }
  if (
    order.contract.secType === "CASH" &&
    !(PAIR_ORDER_TYPES as readonly string[]).includes(order.orderType)
  ) {
    return `order type ${order.orderType} is not valid for the currency pair ${order.contract.localSymbol} (${PAIR_ORDER_TYPES.join(", ")})`;
  }
  if (
    (order.orderType === "LMT" || order.orderType === "LOC") &&
    !(order.lmtPrice !== undefined && order.lmtPrice > 0)
  ) {
    return "a limit order needs a positive limit price";
  }
  if (p.cashQty !== undefined) return "cash quantity orders are not supported by the simulator";
  if (p.algoStrategy !== "" && p.algoStrategy !== "Adaptive") {
    return `algo ${p.algoStrategy} is not supported by the simulator (Adaptive is)`;
  }
  return undefined;
}

/**
 * An account the login does not manage, in the simulator's words: IB's text for an order naming one was
 * not found (IB answers a request naming an unknown account with 321 "Invalid account code").
 */
function notManaged(account: string): string {
  return `Invalid account code '${account}': the login does not manage this account`;
}

/**
 * IB's answer (error 321) to an order without an account from a login that manages several: the order is
 * not even created.
 */
export const ACCOUNT_REQUIRED_MESSAGE =
  "Error validating request.-'bn' : cause - You must specify an account.";

/** IB's error 110, word for word. */
export const TICK_MESSAGE = "The price does not conform to the minimum price variation for this contract.";

/** A limit price must be a whole number of the contract's minimum ticks. */
export function conformsToTick(order: SimOrder): boolean {
  if (order.lmtPrice === undefined || !(order.orderType === "LMT" || order.orderType === "LOC")) return true;
  const ticks = order.lmtPrice / order.contract.minTick;
  // Prices arrive as decimal text (80.01 / 0.01 is 8000.999...): allow for binary noise, not a tick.
  return Math.abs(ticks - Math.round(ticks)) < 1e-6;
}

/** Stands in for a contract the table does not have, so that the rejected order is still recorded. */
export function placeholderContract(wire: WireContract): SimContract {
  return {
    conId: wire.conId ?? 0,
    symbol: wire.symbol,
    secType: wire.secType.toUpperCase() === "CASH" ? "CASH" : "STK",
    exchange: wire.exchange,
    primaryExchange: wire.primaryExch === "" ? undefined : wire.primaryExch,
    currency: wire.currency,
    localSymbol: wire.localSymbol,
    tradingClass: wire.tradingClass,
    minTick: 0.01,
    sizeIncrement: 1,
    longName: "",
    initMarginRate: DEFAULT_MARGIN_RATE,
    maintMarginRate: DEFAULT_MARGIN_RATE,
    timeZoneId: undefined,
    liquidHoursText: undefined,
    tradingHoursText: undefined,
    liquidHours: undefined,
    extendedHours: undefined,
  };
}
