// When no plan can be made, propose says why in one line per problem, naming the file and field at fault.
import { describe, expect, it } from "vitest";
import { describePlanProblem, planProblemsError } from "../../src/gitops/describe-plan-problems.js";
import { InputError } from "../../src/errors.js";

describe("the reasons no plan can be made", () => {
  it("names portfolio.yaml or the snapshot and the field, then the message and the hint", () => {
    expect(
      describePlanProblem({
        code: "no-price",
        message: "no price for AAA",
        document: "snapshot",
        field: "quotes[0].last",
        hint: "subscribe to market data",
      }),
    ).toBe("the account snapshot: quotes[0].last: no price for AAA (subscribe to market data)");
    expect(
      describePlanProblem({
        code: "weights-total",
        message: "weights sum to 90",
        document: "portfolio",
        field: "targets",
      }),
    ).toBe("portfolio.yaml: targets: weights sum to 90");
    expect(
      describePlanProblem({ code: "weights-total", message: "weights sum to 90", field: "targets" }),
    ).toBe("portfolio.yaml: targets: weights sum to 90");
    expect(describePlanProblem({ code: "no-price", message: "nothing to do", hint: "" })).toBe(
      "nothing to do",
    );
  });

  it("lists every problem under the account, with what to do", () => {
    const error = planProblemsError("DU1234567", [
      { code: "no-price", message: "first" },
      { code: "no-price", message: "second", field: "cash.minimum" },
    ]);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "no plan can be made for DU1234567:\n  first\n  portfolio.yaml: cash.minimum: second",
    );
    expect(error.hint).toBe(
      "fix what is named above (in portfolio.yaml on main, or at the gateway), then run propose again",
    );
  });
});
