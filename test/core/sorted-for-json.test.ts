// sortedForJson, the walk under canonicalJson and the plan file's layout: the value with its keys
// sorted, copying only what must change (a 10,000-holding plan comes out of computePlan sorted, and the
// copy would cost more than the hash), and whether any key looks like a number, which decides whether
// JSON.stringify may write the result (objects list such keys first, whatever their insertion order).
import { describe, expect, it } from "vitest";
import { sortedForJson } from "../../src/core/canonical-json.js";

describe("sortedForJson", () => {
  it("returns a document already sorted as it is, at every depth, without copying it", () => {
    const inner = { c: [1, { d: 2, e: "x" }], f: null };
    const list = [inner, { g: true }];
    const document = { a: 1, b: inner, h: list };
    const { sorted, integerKeys } = sortedForJson(document);
    expect(sorted).toBe(document);
    expect(integerKeys).toBe(false);
    expect(sortedForJson(list).sorted).toBe(list);
    expect(sortedForJson([]).sorted).toEqual([]);
  });

  it("copies an unsorted object in sorted order, and keeps its sorted parts as they are", () => {
    const inner = { c: 1, d: [2] };
    const list = [{ x: 1 }, inner];
    const document = { b: inner, a: list };
    const sorted = sortedForJson(document).sorted as typeof document;
    expect(sorted).not.toBe(document);
    expect(Object.keys(sorted)).toEqual(["a", "b"]);
    expect(sorted.b).toBe(inner);
    expect(sorted.a).toBe(list);
    // An unsorted object inside a list: the list is copied from there on, its items before kept.
    const first = { p: 1 };
    const withUnsorted = [first, { z: 1, y: 2 }, 3];
    const copied = sortedForJson(withUnsorted).sorted as unknown[];
    expect(copied).not.toBe(withUnsorted);
    expect(copied[0]).toBe(first);
    expect(copied).toEqual([first, { y: 2, z: 1 }, 3]);
    expect(Object.keys(copied[1] as object)).toEqual(["y", "z"]);
  });

  it("leaves out undefined values, copying an object that has one even when its keys are sorted", () => {
    const document = { a: undefined, b: 1, c: { d: undefined } };
    const sorted = sortedForJson(document).sorted as Record<string, unknown>;
    expect(Object.keys(sorted)).toEqual(["b", "c"]);
    expect(Object.keys(sorted["c"] as object)).toEqual([]);
    expect(Object.keys(document)).toEqual(["a", "b", "c"]);
  });

  it("says whether any key at any depth looks like a number (digits, no leading zero), the keys objects list first", () => {
    const detects = (document: unknown): boolean => sortedForJson(document).integerKeys;
    for (const key of ["0", "9", "10", "123"]) {
      expect(detects({ a: 1, [key]: 2 }), key).toBe(true);
      expect(detects({ a: [{ b: { [key]: 1 } }] }), `${key} deep`).toBe(true);
    }
    for (const key of ["01", "1a1", "1a", "a1", "-1", "1.5", "", " 1", "1 ", ":", "/"]) {
      expect(detects({ [key]: 1, b: 2 }), JSON.stringify(key)).toBe(false);
    }
    // Only keys count, not values or list positions.
    expect(detects({ a: "1", b: [1, 2, 3] })).toBe(false);
  });
});
