import { UsageError } from "../errors.js";
import type { GatewayAddress } from "./ib/ib-connection.js";

/**
 * How every message names the gateway. Its address is a secret of the workflows: an error message can
 * reach a pull request comment, a commit status or the ledger on main, so no message carries it.
 */
export const GATEWAY_NAME = "the IB Gateway (FOLIOCTL_GATEWAY)";

/**
 * A socket error as a message may show it: Node's text names the address it tried ("connect
 * ECONNREFUSED 10.0.0.5:4002", resolved from whatever host was given), so only its error code is kept.
 */
export function describeSocketError(message: string): string {
  const code = /\bE[A-Z]{3,}\b/.exec(message)?.[0];
  if (code === undefined) return "the connection failed";
  const meaning: Record<string, string> = {
    ECONNREFUSED: "nothing accepts connections there",
    ETIMEDOUT: "the connection timed out",
    ENOTFOUND: "the host name does not resolve",
    EHOSTUNREACH: "the host is unreachable",
    ENETUNREACH: "the network is unreachable",
    ECONNRESET: "the connection was reset",
  };
  return `${meaning[code] ?? "the connection failed"} (${code})`;
}

/** A fixed default: @stoqey/ib would otherwise pick a random client id, and IB allows one socket per id. */
export const DEFAULT_CLIENT_ID = 101;

/**
 * Where the gateway is, from the flags or the environment (FOLIOCTL_GATEWAY, FOLIOCTL_CLIENT_ID);
 * undefined when neither names a gateway, which means the built-in simulator.
 */
export function resolveGatewayAddress(
  flags: { gateway?: string; clientId?: string },
  env: NodeJS.ProcessEnv,
): GatewayAddress | undefined {
  const spec = flags.gateway ?? env["FOLIOCTL_GATEWAY"];
  if (spec === undefined || spec === "") return undefined;
  const match = /^(?<host>\[[0-9a-fA-F:]+\]|[^:\s]+):(?<port>\d{1,5})$/.exec(spec);
  const port = Number(match?.groups?.["port"]);
  if (!match || port < 1 || port > 65535) {
    // The value itself is not repeated: it is a secret, and this message lands in a job's log.
    const from = flags.gateway === undefined ? "FOLIOCTL_GATEWAY" : "--gateway";
    throw new UsageError(`the gateway address in ${from} is not HOST:PORT`, {
      hint: "Write it like 127.0.0.1:4002 (paper) or 127.0.0.1:4001 (live).",
    });
  }
  const host = (match.groups?.["host"] ?? "").replace(/^\[|\]$/g, "");
  const idText = flags.clientId ?? env["FOLIOCTL_CLIENT_ID"] ?? String(DEFAULT_CLIENT_ID);
  const clientId = Number(idText);
  if (!/^\d+$/.test(idText) || clientId > 2147483647) {
    throw new UsageError(`client id "${idText}" is not a whole number`, {
      hint: "Pass --client-id N (or FOLIOCTL_CLIENT_ID) with a number no other API program uses.",
    });
  }
  return { host, port, clientId };
}
