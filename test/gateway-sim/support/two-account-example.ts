// The example simulator state (examples/sim-state.yaml: its clock, contracts, hours and account) with the
// second account of examples/sim-state-two-accounts.yaml on the same login: two accounts that one model
// drives in the many-account tests and demo.
import { loadSimStateFile, type SimStateFile } from "../../../src/gateway-sim/index.js";
import { REPO_ROOT } from "../../support/run-cli.js";

export const SECOND_ACCOUNT = "DU7654321";

export async function twoAccountExampleState(): Promise<SimStateFile> {
  const example = await loadSimStateFile(`${REPO_ROOT}/examples/sim-state.yaml`);
  const two = await loadSimStateFile(`${REPO_ROOT}/examples/sim-state-two-accounts.yaml`);
  if (!example.ok || !two.ok) throw new Error("an example simulator state is invalid");
  const second = two.state.accounts.find((a) => a.id === SECOND_ACCOUNT);
  if (second === undefined) throw new Error(`no ${SECOND_ACCOUNT} in the two-account example`);
  example.state.accounts.push(second);
  return example.state;
}
