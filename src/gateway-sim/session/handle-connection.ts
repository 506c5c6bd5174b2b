// START_API and the small connection-level requests.
import { currentTime, managedAccounts, nextValidId } from "../messages/system-messages.js";
import type { ClientSession } from "./client-session.js";
import type { GatewayContext } from "./gateway-context.js";

/** Farm notices IB Gateway sends after every START_API (id -1: the client emits them as `info`). */
const BULLETINS: [number, string][] = [
  [2104, "Market data farm connection is OK:usfarm"],
  [2106, "HMDS data farm connection is OK:ushmds"],
  [2158, "Sec-def data farm connection is OK:secdefnj"],
];

export function handleStartApi(ctx: GatewayContext, session: ClientSession, clientId: number): void {
  const taken = ctx.sessions().some((s) => s !== session && s.started && s.clientId === clientId);
  session.clientId = clientId;
  if (taken) {
    session.sendError(
      -1,
      326,
      "Unable to connect as the client id is already in use. Retry with a unique client id.",
      { bypassOutage: true },
    );
    return session.close("graceful", `client id ${clientId} is already in use`);
  }
  session.started = true;
  ctx.log(`[sim] ${session.label} started (connection ${session.connectionId})`);
  // @stoqey/ib queues every request until NEXT_VALID_ID; accounts come first so they are known by then.
  session.send(managedAccounts([...ctx.world.accounts.keys()]));
  session.send(nextValidId(ctx.broker.nextValidId()));
  for (const [code, text] of BULLETINS) session.sendError(-1, code, text);
  const triggered = ctx.faults.onEvent("connect");
  if (triggered.connectivity !== undefined) ctx.startOutage(triggered.connectivity);
  if (triggered.disconnect) session.close("abrupt", "fault script: disconnect on connect");
}

export function handleReqIds(ctx: GatewayContext, session: ClientSession): void {
  session.send(nextValidId(ctx.broker.nextValidId()));
}

export function handleCurrentTime(ctx: GatewayContext, session: ClientSession): void {
  session.send(currentTime(ctx.now() / 1000));
}

export function handleManagedAccounts(ctx: GatewayContext, session: ClientSession): void {
  session.send(managedAccounts([...ctx.world.accounts.keys()]));
}
