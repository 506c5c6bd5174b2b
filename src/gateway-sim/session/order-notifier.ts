// Turns what the broker reports into the messages IB Gateway sends: to the client that owns the order
// (by client id, so a client that reconnects with the same id hears about its orders), and position
// updates to every client subscribed to positions.
import type { BrokerObserver } from "../engine/sim-broker.js";
import { reportsPosition } from "../engine/reported-positions.js";
import type { SimExecution, SimOrder } from "../engine/sim-order.js";
import { position } from "../messages/account-messages.js";
import { commissionReport, executionData } from "../messages/execution-messages.js";
import { openOrder, orderStatus } from "../messages/order-messages.js";
import { publishFill } from "./account-streams.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

export class OrderNotifier implements BrokerObserver {
  constructor(
    private readonly ctx: () => GatewayContext,
    private readonly onStateChanged: () => void,
  ) {}

  orderUpdated(order: SimOrder): void {
    const owner = this.owner(order.clientId);
    if (owner === undefined) return;
    owner.send(openOrder(owner.serverVersion, order));
    owner.send(orderStatus(owner.serverVersion, order));
  }

  orderHeld(order: SimOrder, warning: string): void {
    this.owner(order.clientId)?.sendError(order.orderId, 399, warning);
    this.orderUpdated(order);
  }

  orderFilled(order: SimOrder, execution: SimExecution): void {
    const ctx = this.ctx();
    const triggered = ctx.faults.onEvent("first-fill");
    // The fill happened at the broker; the client just does not hear about it on this connection.
    if (triggered.disconnect)
      this.owner(order.clientId)?.close("abrupt", "fault script: disconnect on first fill");
    if (triggered.connectivity !== undefined) ctx.startOutage(triggered.connectivity);
    const owner = this.owner(order.clientId);
    if (owner !== undefined) {
      owner.send(executionData(owner.serverVersion, -1, execution));
      owner.send(orderStatus(owner.serverVersion, order));
      owner.send(openOrder(owner.serverVersion, order));
      owner.send(commissionReport(execution));
    }
    const account = ctx.world.accounts.get(execution.account);
    const held = account?.positions.get(execution.contract.conId);
    if (account === undefined || held === undefined) return;
    for (const session of ctx.sessions()) {
      if (session.positionsSubscribed && reportsPosition(ctx.world, execution.contract.conId)) {
        session.send(position(execution.account, execution.contract, held.quantity, held.avgCost));
      }
    }
    publishFill(ctx, account, execution.contract.conId);
  }

  orderCancelled(order: SimOrder): void {
    const owner = this.owner(order.clientId);
    if (owner === undefined) return;
    owner.send(orderStatus(owner.serverVersion, order, "PendingCancel"));
    owner.sendError(order.orderId, 202, "Order Canceled - reason:");
    owner.send(orderStatus(owner.serverVersion, order));
  }

  orderPreviewed(order: SimOrder): void {
    const owner = this.owner(order.clientId);
    owner?.send(openOrder(owner.serverVersion, order));
  }

  orderError(clientId: number, orderId: number, code: number, message: string, order?: SimOrder): void {
    const owner = this.owner(clientId);
    if (owner === undefined) return;
    owner.sendError(orderId, code, message);
    if (order !== undefined) owner.send(orderStatus(owner.serverVersion, order));
  }

  stateChanged(): void {
    this.onStateChanged();
  }

  private owner(clientId: number): ClientSession | undefined {
    return this.ctx()
      .sessions()
      .find((s) => s.clientId === clientId && !s.closed);
  }
}
