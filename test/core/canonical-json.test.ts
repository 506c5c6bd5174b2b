import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it("gives the same text whatever order the keys were written in", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reversed = JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
          v !== null && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse())
            : v,
        ) as unknown;
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a __proto__ key as a property, so documents that differ by it never write the same text", () => {
    const parsed = JSON.parse('{"__proto__":{},"":0}') as unknown;
    expect(canonicalJson(parsed)).toBe('{"":0,"__proto__":{}}');
    expect(canonicalJson(JSON.parse('{"b":{"__proto__":{"x":1},"a":2}}'))).toBe(
      '{"b":{"__proto__":{"x":1},"a":2}}',
    );
    expect(canonicalJson(parsed)).not.toBe(canonicalJson({ "": 0 }));
  });

  it("orders keys that look like numbers as text, as RFC 8785 does", () => {
    expect(canonicalJson({ "9": "nine", "10": "ten", a: 1 })).toBe('{"10":"ten","9":"nine","a":1}');
  });

  it("leaves out keys whose value is undefined", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it.each([
    [{ orders: [{ quantity: Number.NaN }] }, "canonical JSON: orders[0].quantity is NaN"],
    [{ a: { b: Infinity } }, "canonical JSON: a.b is Infinity"],
    [{ list: [1, undefined] }, "canonical JSON: list[1] is undefined"],
    [{ f: () => 1 }, "canonical JSON: f is function"],
  ])("refuses %j, saying where", (value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });
});
