// What a tampered refusal names: the first fields where the plan and its re-derivation differ.
import { describe, expect, it } from "vitest";
import { firstDifferences } from "../../src/apply/first-differences.js";

describe("firstDifferences", () => {
  it("names each differing leaf by its path, in key order, with both values", () => {
    const left = { orders: [{ quantity: 5, side: "BUY" }], b: 1, a: { z: true } };
    const right = { orders: [{ quantity: 6, side: "BUY" }], b: 2, a: { z: false } };
    expect(firstDifferences(left, right, 5)).toEqual([
      { path: "a.z", left: "true", right: "false" },
      { path: "b", left: "1", right: "2" },
      { path: "orders[0].quantity", left: "5", right: "6" },
    ]);
  });

  it("says nothing for a field one side lacks, and compares arrays index by index", () => {
    expect(firstDifferences({ a: [1, 2] }, { a: [1], b: "x" }, 5)).toEqual([
      { path: "a[1]", left: "2", right: "nothing" },
      { path: "b", left: "nothing", right: '"x"' },
    ]);
  });

  it("stops at the limit, and finds nothing in equal documents", () => {
    expect(firstDifferences({ a: 1, b: 2, c: 3 }, { a: 0, b: 0, c: 0 }, 2).map((d) => d.path)).toEqual([
      "a",
      "b",
    ]);
    expect(firstDifferences({ a: [{ b: null }] }, { a: [{ b: null }] }, 5)).toEqual([]);
  });

  it("compares an array and an object at the same place as values, and names the whole document", () => {
    expect(firstDifferences({ a: [] }, { a: {} }, 5)).toEqual([{ path: "a", left: "[]", right: "{}" }]);
    expect(firstDifferences(1, 2, 5)).toEqual([{ path: "(the whole document)", left: "1", right: "2" }]);
    expect(firstDifferences({ a: null }, { a: {} }, 5)).toEqual([{ path: "a", left: "null", right: "{}" }]);
  });

  it("shortens a long value to 80 characters", () => {
    const long = "x".repeat(100);
    const [difference] = firstDifferences({ a: long }, { a: "y" }, 5);
    expect(difference?.left).toBe(`"${"x".repeat(78)}…`);
    expect(difference?.left).toHaveLength(80);
    const exact = "x".repeat(78);
    expect(firstDifferences({ a: exact }, { a: "y" }, 5)[0]?.left).toBe(`"${exact}"`);
  });

  it("reads only a document's own fields, never inherited ones", () => {
    const left = JSON.parse('{"constructor": 1}') as unknown;
    expect(firstDifferences(left, {}, 5)).toEqual([{ path: "constructor", left: "1", right: "nothing" }]);
  });
});
