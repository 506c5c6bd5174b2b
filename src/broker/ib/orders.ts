import { EventName, OrderAction, OrderType as IbOrderType, TimeInForce } from "@stoqey/ib";
import type {
  CommissionReport,
  Contract,
  Execution,
  Order,
  OrderState,
  OrderStatus,
  SecType,
} from "@stoqey/ib";
import type { BrokerExecution, BrokerOrder, OrderRequest, Side } from "../broker.js";
import type { IbConnection } from "./ib-connection.js";

/** The IB order for a plan leg: DAY, regular hours only, transmitted, whole shares. */
export function toIbOrder(request: OrderRequest): { contract: Contract; order: Order } {
  const contract: Contract = {
    conId: request.contract.conId,
    symbol: request.contract.symbol,
    secType: request.contract.secType as SecType,
    exchange: request.contract.exchange,
    primaryExch: request.contract.primaryExchange,
    currency: request.contract.currency,
  };
  const order: Order = {
    action: request.side === "BUY" ? OrderAction.BUY : OrderAction.SELL,
    totalQuantity: request.quantity,
    orderType: IbOrderType.MKT,
    tif: TimeInForce.DAY,
    account: request.account,
    orderRef: request.orderRef,
    // @stoqey/ib leaves `transmit` unset, which IB reads as "create but do not send".
    transmit: true,
    outsideRth: false,
  };
  switch (request.orderType) {
    case "LMT":
      order.orderType = IbOrderType.LMT;
      order.lmtPrice = request.limitPrice;
      break;
    case "MOC":
      order.orderType = IbOrderType.MOC;
      break;
    case "ADAPTIVE":
      order.algoStrategy = "Adaptive";
      order.algoParams = [{ tag: "adaptivePriority", value: "Normal" }];
      break;
    case "MKT":
      break;
  }
  return { contract, order };
}

export function toBrokerOrder(
  orderId: number,
  contract: Contract,
  order: Order,
  state: OrderState,
): BrokerOrder {
  const quantity = Number(order.totalQuantity ?? 0);
  const filled = Number(order.filledQuantity ?? 0);
  const result: BrokerOrder = {
    orderId,
    permId: order.permId ?? 0,
    clientId: order.clientId ?? 0,
    account: order.account ?? "",
    conId: contract.conId ?? 0,
    symbol: contract.symbol ?? "",
    side: toSide(order.action),
    quantity,
    filled,
    remaining: Math.max(0, quantity - filled),
    avgFillPrice: 0,
    orderType: order.algoStrategy === "Adaptive" ? "ADAPTIVE" : String(order.orderType),
    orderRef: order.orderRef ?? "",
    status: String(state.status),
  };
  if (order.lmtPrice !== undefined && order.orderType === IbOrderType.LMT) result.limitPrice = order.lmtPrice;
  return result;
}

export function toSide(action: string | undefined): Side {
  return action === "SELL" || action === "SLD" ? "SELL" : "BUY";
}

export function toBrokerExecution(contract: Contract, execution: Execution): BrokerExecution {
  return {
    execId: execution.execId ?? "",
    orderId: execution.orderId ?? 0,
    permId: execution.permId ?? 0,
    orderRef: execution.orderRef ?? "",
    account: execution.acctNumber ?? "",
    conId: contract.conId ?? 0,
    symbol: contract.symbol ?? "",
    side: toSide(execution.side),
    shares: Number(execution.shares ?? 0),
    price: execution.price ?? 0,
    time: execution.time ?? "",
  };
}

/** Open orders of every client of this login (REQ_ALL_OPEN_ORDERS), with their latest status. */
export function readOpenOrders(conn: IbConnection): Promise<BrokerOrder[]> {
  return conn.request<BrokerOrder[]>({
    what: "the list of open orders",
    send: (api) => api.reqAllOpenOrders(),
    listen: (done) => {
      const found = new Map<number, BrokerOrder>();
      const onOpen = (orderId: number, contract: Contract, order: Order, state: OrderState) => {
        const previous = found.get(order.permId ?? orderId);
        const next = toBrokerOrder(orderId, contract, order, state);
        if (previous) next.avgFillPrice = previous.avgFillPrice;
        found.set(order.permId ?? orderId, next);
      };
      const onStatus = (
        orderId: number,
        status: OrderStatus,
        filled: number,
        remaining: number,
        avgFillPrice: number,
        permId?: number,
      ) => {
        const order = found.get(permId ?? -1) ?? [...found.values()].find((o) => o.orderId === orderId);
        if (!order) return;
        Object.assign(order, { status, filled: Number(filled), remaining: Number(remaining), avgFillPrice });
      };
      const onEnd = () => done([...found.values()]);
      conn.api.on(EventName.openOrder, onOpen);
      conn.api.on(EventName.orderStatus, onStatus);
      conn.api.on(EventName.openOrderEnd, onEnd);
      return () => {
        conn.api.off(EventName.openOrder, onOpen);
        conn.api.off(EventName.orderStatus, onStatus);
        conn.api.off(EventName.openOrderEnd, onEnd);
      };
    },
  });
}

/**
 * Orders that ended today, from every client (REQ_COMPLETED_ORDERS with apiOnly false): filled, cancelled
 * (by us, at the deadline, or by a person) and rejected. IB's message carries no order id (orderId is 0
 * here): match them by orderRef and permId.
 */
export function readCompletedOrders(conn: IbConnection): Promise<BrokerOrder[]> {
  return conn.request<BrokerOrder[]>({
    what: "the list of completed orders",
    send: (api) => api.reqCompletedOrders(false),
    listen: (done) => {
      const found: BrokerOrder[] = [];
      const onCompleted = (contract: Contract, order: Order, state: OrderState) => {
        const completed = toBrokerOrder(order.orderId ?? 0, contract, order, state);
        if (state.completedStatus) completed.completedStatus = state.completedStatus;
        found.push(completed);
      };
      const onEnd = () => done(found);
      conn.api.on(EventName.completedOrder, onCompleted);
      conn.api.on(EventName.completedOrdersEnd, onEnd);
      return () => {
        conn.api.off(EventName.completedOrder, onCompleted);
        conn.api.off(EventName.completedOrdersEnd, onEnd);
      };
    },
  });
}

/** Today's executions of one account, each with its commission report. */
export function readExecutions(conn: IbConnection, account: string): Promise<BrokerExecution[]> {
  const reqId = conn.allocateRequestId();
  return conn.request<BrokerExecution[]>({
    what: `today's executions of ${account}`,
    reqId,
    send: (api) => api.reqExecutions(reqId, { acctCode: account }),
    listen: (done) => {
      const found = new Map<string, BrokerExecution>();
      const commissions = new Map<string, CommissionReport>();
      const onExec = (id: number, contract: Contract, execution: Execution) => {
        if (id !== reqId) return;
        const exec = toBrokerExecution(contract, execution);
        found.set(exec.execId, exec);
      };
      const onCommission = (report: CommissionReport) => {
        if (report.execId) commissions.set(report.execId, report);
      };
      const onEnd = (id: number) => {
        if (id !== reqId) return;
        for (const exec of found.values()) {
          const report = commissions.get(exec.execId);
          if (report?.commission !== undefined) {
            exec.commission = report.commission;
            exec.commissionCurrency = report.currency ?? "";
          }
        }
        done([...found.values()].filter((e) => e.account === "" || e.account === account));
      };
      conn.api.on(EventName.execDetails, onExec);
      conn.api.on(EventName.commissionReport, onCommission);
      conn.api.on(EventName.execDetailsEnd, onEnd);
      return () => {
        conn.api.off(EventName.execDetails, onExec);
        conn.api.off(EventName.commissionReport, onCommission);
        conn.api.off(EventName.execDetailsEnd, onEnd);
      };
    },
  });
}
