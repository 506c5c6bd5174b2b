import type { PlanProblem } from "../core/plan.js";
import { InputError } from "../errors.js";

/** One line per reason no plan could be made, naming the field of portfolio.yaml or the snapshot at fault. */
export function describePlanProblem(problem: PlanProblem): string {
  const where =
    problem.field === undefined
      ? ""
      : `${problem.document === "snapshot" ? "the account snapshot" : "portfolio.yaml"}: ${problem.field}: `;
  return `${where}${problem.message}${problem.hint ? ` (${problem.hint})` : ""}`;
}

export function planProblemsError(account: string, problems: PlanProblem[]): InputError {
  const lines = problems.map((problem) => `  ${describePlanProblem(problem)}`).join("\n");
  return new InputError(`no plan can be made for ${account}:\n${lines}`, {
    hint: "fix what is named above (in portfolio.yaml on main, or at the gateway), then run propose again",
  });
}
