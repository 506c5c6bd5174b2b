// Contract details: one CONTRACT_DATA per match, then the end; no match is error 200 alone.
import { findContracts } from "../engine/find-contracts.js";
import { contractData, contractDataEnd } from "../messages/contract-messages.js";
import type { WireContract } from "../wire/parse-place-order.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

export function handleContractDetails(
  ctx: GatewayContext,
  session: ClientSession,
  reqId: number,
  wanted: WireContract,
): void {
  const matches = findContracts(ctx.world, wanted);
  if (matches.length === 0) {
    return session.sendError(reqId, 200, "No security definition has been found for the request");
  }
  for (const contract of matches) session.send(contractData(session.serverVersion, reqId, contract));
  session.send(contractDataEnd(reqId));
}
