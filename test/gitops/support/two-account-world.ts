// The loop's world for two accounts of one login driven by one shared model: models/core.yaml (the
// example portfolio.yaml without its account, in band for the first account) and one account file each.
import {
  SECOND_ACCOUNT as SECOND,
  twoAccountExampleState,
} from "../../gateway-sim/support/two-account-example.js";
import { ACCOUNT, IN_BAND, LoopWorld, portfolioYaml, type Weights } from "./loop-world.js";

/** The example portfolio.yaml as a model: the same document without `account:`. */
export const model = (weights: Weights): string => portfolioYaml(weights).replace(/^account: .*\n/m, "");

export const FIRST_FILE = `account: ${ACCOUNT}\nmodel: core\n`;
/** The second account is smaller and further from the model: it may turn over more per run. */
export const SECOND_FILE = `account: ${SECOND}\nmodel: core\nlimits:\n  maxTurnover: 100\n`;

export async function twoAccountWorld(options: { say?: (line: string) => void } = {}): Promise<LoopWorld> {
  return LoopWorld.start({
    files: {
      "models/core.yaml": model(IN_BAND),
      [`accounts/${ACCOUNT}.yaml`]: FIRST_FILE,
      [`accounts/${SECOND}.yaml`]: SECOND_FILE,
    },
    sim: { state: await twoAccountExampleState() },
    ...options,
  });
}
