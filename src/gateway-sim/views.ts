// Read-only copies of the simulator's state for tests and embedding programs.
import type { SimExecution, SimOrder } from "./engine/sim-order.js";
import { avgFillPrice, remaining } from "./engine/sim-order.js";
import type { SimAccount, SimWorld } from "./state/sim-state.js";
import { accountValues } from "./engine/valuation.js";

export interface SimOrderView {
  orderId: number;
  clientId: number;
  permId: number;
  account: string;
  conId: number;
  symbol: string;
  action: "BUY" | "SELL";
  quantity: number;
  orderType: string;
  lmtPrice: number | undefined;
  tif: string;
  orderRef: string;
  transmit: boolean;
  outsideRth: boolean;
  algoStrategy: string;
  algoParams: { tag: string; value: string }[];
  status: string;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  commission: number;
  /** Filled, cancelled or rejected. */
  done: boolean;
  completedStatus: string;
  /** How the PLACE_ORDER message parsed: the cursor ends at fieldCount for a consistent message. */
  wire: { fieldCount: number; cursorEnd: number };
}

export interface SimExecutionView {
  execId: string;
  orderId: number;
  clientId: number;
  permId: number;
  account: string;
  conId: number;
  symbol: string;
  side: "BOT" | "SLD";
  shares: number;
  price: number;
  /** ISO 8601. */
  time: string;
  cumQty: number;
  avgPrice: number;
  orderRef: string;
  /** Where it executed: the listing exchange, or IDEALPRO for a currency pair. */
  exchange: string;
  commission: number;
  commissionCurrency: string;
  realizedPnl: number | undefined;
}

export interface SimPositionView {
  conId: number;
  symbol: string;
  /** CASH for a currency pair's virtual FX position, whose money is in `cash`. */
  secType: string;
  currency: string;
  quantity: number;
  avgCost: number;
}

export interface SimAccountView {
  id: string;
  baseCurrency: string;
  cash: Record<string, number>;
  positions: SimPositionView[];
  /** In the base currency, valued as the account summary reports it. */
  netLiquidation: number;
}

export function orderView(o: SimOrder): SimOrderView {
  return {
    orderId: o.orderId,
    clientId: o.clientId,
    permId: o.permId,
    account: o.account,
    conId: o.contract.conId,
    symbol: o.contract.symbol,
    action: o.action,
    quantity: o.totalQuantity,
    orderType: o.orderType,
    lmtPrice: o.lmtPrice,
    tif: o.tif,
    orderRef: o.orderRef,
    transmit: o.transmit,
    outsideRth: o.outsideRth,
    algoStrategy: o.algoStrategy,
    algoParams: o.algoParams.map((p) => ({ ...p })),
    status: o.status,
    filled: o.filled,
    remaining: remaining(o),
    avgFillPrice: avgFillPrice(o),
    commission: o.commission,
    done: o.done,
    completedStatus: o.completedStatus,
    wire: { ...o.wire },
  };
}

export function executionView(e: SimExecution): SimExecutionView {
  return {
    execId: e.execId,
    orderId: e.orderId,
    clientId: e.clientId,
    permId: e.permId,
    account: e.account,
    conId: e.contract.conId,
    symbol: e.contract.symbol,
    side: e.side,
    shares: e.shares,
    price: e.price,
    time: new Date(e.time).toISOString(),
    cumQty: e.cumQty,
    avgPrice: e.avgPrice,
    orderRef: e.orderRef,
    exchange: e.exchange,
    commission: e.commission,
    commissionCurrency: e.commissionCurrency,
    realizedPnl: e.realizedPnl,
  };
}

export function accountView(world: SimWorld, account: SimAccount): SimAccountView {
  return {
    id: account.id,
    baseCurrency: account.baseCurrency,
    cash: Object.fromEntries(account.cash),
    positions: [...account.positions].map(([conId, p]) => {
      const contract = world.contracts.get(conId);
      return {
        conId,
        symbol: contract?.symbol ?? "",
        secType: contract?.secType ?? "",
        currency: contract?.currency ?? "",
        quantity: p.quantity,
        avgCost: p.avgCost,
      };
    }),
    netLiquidation: accountValues(world, account).base.netLiquidation,
  };
}
