// Every apply for an account connects to IB Gateway with the same client id, derived from the account
// id: the gateway refuses a second connection with an id in use (error 326), so a second apply for the
// account is refused by the gateway itself, from whichever machine it was started.
import { createHash } from "node:crypto";

/** Apply's ids: 7000-7999, clear of the 21-23 and 101 that preview, propose, plan and snapshot use. */
export const APPLY_CLIENT_IDS = { first: 7000, count: 1000 } as const;

export function applyClientId(account: string): number {
  const digest = createHash("sha256").update(account, "utf8").digest();
  return APPLY_CLIENT_IDS.first + (digest.readUInt32BE(0) % APPLY_CLIENT_IDS.count);
}
