// REQ_EXECUTIONS: today's executions that pass the filter, each with its commission report, then the end.
import type { SimExecution } from "../engine/sim-order.js";
import { commissionReport, executionData, executionDataEnd } from "../messages/execution-messages.js";
import type { ExecutionFilter } from "../wire/parse-request.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

export function handleExecutions(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  filter: ExecutionFilter,
): void {
  const since = parseFilterTime(filter.time);
  for (const execution of ctx.broker.executions()) {
    if (!matches(execution, filter, since)) continue;
    session.send(executionData(session.serverVersion, reqId, execution));
    session.send(commissionReport(execution));
  }
  session.send(executionDataEnd(reqId));
}

function matches(e: SimExecution, f: ExecutionFilter, since: number | undefined): boolean {
  // clientId 0 or empty means every client's executions.
  if (f.clientId !== undefined && f.clientId !== 0 && e.clientId !== f.clientId) return false;
  if (f.acctCode !== "" && e.account !== f.acctCode) return false;
  if (since !== undefined && e.time < since) return false;
  if (f.symbol !== "" && e.contract.symbol !== f.symbol.toUpperCase()) return false;
  if (f.secType !== "" && e.contract.secType !== f.secType.toUpperCase()) return false;
  if (f.exchange !== "" && e.exchange !== f.exchange && e.contract.exchange !== f.exchange) return false;
  if (f.side !== "") {
    const side = f.side.toUpperCase();
    if ((side === "BUY" || side === "BOT") !== (e.side === "BOT")) return false;
  }
  return true;
}

/** `yyyymmdd-hh:mm:ss` or `yyyymmdd hh:mm:ss`, read as UTC; minutes-only forms are accepted too. */
function parseFilterTime(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})[- ](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
}
