// Which client id an apply connects with, and the broker it trades through. Every apply for an account
// uses the account's own id unless --client-id says otherwise, so that the gateway admits one at a time.
import { ApplyBroker } from "../apply/apply-broker.js";
import { lockDirFromEnv } from "../apply/account-lock.js";
import { applyClientId } from "../apply/apply-client-id.js";
import { resolveGatewayAddress } from "../broker/gateway-address.js";
import type { GatewayAddress } from "../broker/ib/ib-connection.js";
import type { CliContext } from "./context.js";
import { systemClock } from "./system-clock.js";

/**
 * The gateway from --gateway or FOLIOCTL_GATEWAY, or undefined. FOLIOCTL_CLIENT_ID is left out: it is
 * the id of the read-only commands, and an apply connected with it would not keep a second one out.
 */
export function applyGatewayAddress(
  flags: { gateway?: string; clientId?: string },
  env: NodeJS.ProcessEnv,
): GatewayAddress | undefined {
  return resolveGatewayAddress(flags, { ...env, FOLIOCTL_CLIENT_ID: undefined });
}

/** A factory of brokers for an account's apply; each says on stderr when its id is not the account's own. */
export function applyBrokerFactory(
  address: Omit<GatewayAddress, "clientId">,
  flags: { clientId?: string },
  ctx: CliContext,
): (account: string) => ApplyBroker {
  const log = (line: string): void => void ctx.stderr.write(`${line}\n`);
  return (account) => {
    const own = applyClientId(account);
    const clientId = flags.clientId === undefined ? own : Number(flags.clientId);
    const notice =
      flags.clientId !== undefined && clientId !== own
        ? `folioctl: warning: --client-id ${clientId} replaces ${account}'s own apply client id ${own}: ` +
          `the gateway keeps a second apply for ${account} out only while every apply uses the same id`
        : flags.clientId === undefined && ctx.env["FOLIOCTL_CLIENT_ID"]
          ? `apply: connecting as client id ${own}, ${account}'s own (FOLIOCTL_CLIENT_ID is for the ` +
            `commands that only read; apply ignores it)`
          : undefined;
    return new ApplyBroker({
      host: address.host,
      port: address.port,
      clientId,
      now: systemClock.now,
      account,
      lockDir: lockDirFromEnv(ctx.env),
      log,
      ...(notice === undefined ? {} : { notice }),
    });
  };
}
