// The apply broker a gitops test gives runApplyOnMerge: each account's own client id and the world's lock
// directory, on the world's simulator, its messages going to the test's log.
import { ApplyBroker } from "../../../src/apply/apply-broker.js";
import { applyClientId } from "../../../src/apply/apply-client-id.js";
import type { ApplyOnMergeDeps } from "../../../src/gitops/apply-on-merge.js";
import type { LoopWorld } from "./loop-world.js";

export function applyBrokerOnSim(w: LoopWorld, log: (line: string) => void): ApplyOnMergeDeps["broker"] {
  return (account) =>
    new ApplyBroker({
      host: "127.0.0.1",
      port: w.sim.port,
      clientId: applyClientId(account),
      now: () => new Date(),
      account,
      lockDir: w.env["FOLIOCTL_LOCK_DIR"]!,
      log,
    });
}
