// Orders: place, cancel, the open-order lists and completed orders.
import { completedOrder, completedOrdersEnd } from "../messages/completed-order-messages.js";
import { openOrder, openOrderEnd, orderStatus } from "../messages/order-messages.js";
import type { PlaceOrderParse } from "../wire/parse-place-order.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

export function handlePlaceOrder(ctx: GatewayContext, session: ClientSession, parse: PlaceOrderParse): void {
  const triggered = ctx.faults.onEvent("first-order");
  // The order reaches the broker either way; only the client stops hearing about it.
  if (triggered.disconnect) session.close("abrupt", "fault script: disconnect on first order");
  if (triggered.connectivity !== undefined) ctx.startOutage(triggered.connectivity);
  ctx.broker.placeOrder(session.clientId, parse);
}

export function handleCancelOrder(ctx: GatewayContext, session: ClientSession, orderId: number): void {
  ctx.broker.cancelOrder(session.clientId, orderId);
}

/** REQ_OPEN_ORDERS (this client's) or REQ_ALL_OPEN_ORDERS (every client's), then OPEN_ORDER_END. */
export function handleOpenOrders(ctx: GatewayContext, session: ClientSession, all: boolean): void {
  for (const order of ctx.broker.openOrders(all ? undefined : session.clientId)) {
    session.send(openOrder(session.serverVersion, order));
    session.send(orderStatus(session.serverVersion, order));
  }
  session.send(openOrderEnd());
}

export function handleCompletedOrders(ctx: GatewayContext, session: ClientSession): void {
  const done = ctx.broker
    .orders()
    .filter((o) => o.done)
    .sort((a, b) => (a.completedAt ?? 0) - (b.completedAt ?? 0));
  for (const order of done) session.send(completedOrder(session.serverVersion, order));
  session.send(completedOrdersEnd());
}

export function handleGlobalCancel(ctx: GatewayContext): void {
  ctx.broker.cancelAll();
}
