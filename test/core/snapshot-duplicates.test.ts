import { describe, expect, it } from "vitest";
import { conIdOf, makePortfolio, makeSnapshot, planErrors } from "./plan-builders.js";

describe("a snapshot that lists a contract more than once", () => {
  it("is refused with each repeat named against the first entry", () => {
    const snapshot = makeSnapshot([
      { symbol: "VTI", price: 100, quantity: 10 },
      { symbol: "BND", price: 50, quantity: 20 },
    ]);
    const vti = snapshot.positions[0]!;
    snapshot.positions.push({ ...vti }, { ...snapshot.positions[1]! }, { ...vti });
    snapshot.contracts.push({ ...snapshot.contracts[1]! });
    const duplicates = planErrors(
      makePortfolio([
        { symbol: "VTI", weight: 50 },
        { symbol: "BND", weight: 45 },
      ]),
      snapshot,
    ).filter((e) => e.code === "duplicate-entry");
    expect(duplicates.map((e) => [e.field, e.message])).toEqual([
      ["positions[2]", `conId ${conIdOf("VTI")} appears twice in positions (entries 0 and 2)`],
      ["positions[3]", `conId ${conIdOf("BND")} appears twice in positions (entries 1 and 3)`],
      ["positions[4]", `conId ${conIdOf("VTI")} appears twice in positions (entries 0 and 4)`],
      ["contracts[2]", `conId ${conIdOf("BND")} appears twice in contracts (entries 1 and 2)`],
    ]);
  });
});
