// Every order folioctl sends carries `folioctl:<first 12 hex of the plan hash>:<leg>` as IB's orderRef.
// IB echoes it in open orders, executions and completed orders: it is how a re-run recognises a leg it
// already sent, and how folioctl tells its own orders from a stop-loss a person placed by hand.

export const ORDER_REF_PREFIX = "folioctl:";

export function orderRefFor(planHash: string, leg: string): string {
  return `${ORDER_REF_PREFIX}${planHash.slice(0, 12)}:${leg}`;
}

/** True for orders of this plan only; other plans' orders and people's orders are never touched. */
export function belongsToPlan(orderRef: string, planHash: string): boolean {
  return orderRef.startsWith(`${ORDER_REF_PREFIX}${planHash.slice(0, 12)}:`);
}
