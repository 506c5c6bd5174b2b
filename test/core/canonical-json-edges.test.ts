// The canonical form's edges: where an unwritable value is named, errors that are not about JSON, keys
// that look like numbers (which objects reorder), and undefined values among them.
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical-json.js";

describe("canonicalJson at its edges", () => {
  it("names where an unwritable value is: the value itself, or a path from the top", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow("canonical JSON: the value is NaN");
    expect(() => canonicalJson([{ b: Number.NaN }])).toThrow("canonical JSON: [0].b is NaN");
    expect(() => canonicalJson({ a: [0, { b: [undefined] }] })).toThrow(
      "canonical JSON: a[1].b[0] is undefined",
    );
    try {
      canonicalJson({ a: Infinity });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });

  it("lets an error that is not about JSON through as it is", () => {
    const exploding = {
      get a(): number {
        throw new RangeError("boom");
      },
    };
    expect(() => canonicalJson({ list: [exploding] })).toThrow(new RangeError("boom"));
  });

  it("orders keys that look like numbers as text, whatever digit they start with", () => {
    expect(canonicalJson({ "2": "b", "10": "a", "0": "z" })).toBe('{"0":"z","10":"a","2":"b"}');
    expect(canonicalJson({ "99": 1, "900": 2 })).toBe('{"900":2,"99":1}');
    expect(canonicalJson({ "200": 1, "1000": 2 })).toBe('{"1000":2,"200":1}');
    // Objects put "0" first; as text, "-" comes before it.
    expect(canonicalJson({ "0": 1, "-": 2 })).toBe('{"-":2,"0":1}');
    expect(canonicalJson({ "20": 1, "100": 2, x: [{ "3": 0, "12": 1 }] })).toBe(
      '{"100":2,"20":1,"x":[{"12":1,"3":0}]}',
    );
  });

  it("leaves out undefined values in documents with number-like keys too", () => {
    expect(canonicalJson({ "1": "x", b: undefined, a: 2 })).toBe('{"1":"x","a":2}');
    expect(canonicalJson({ a: 2, b: undefined, "1": "x" })).toBe('{"1":"x","a":2}');
    // An undefined value first in an object whose keys are already in order.
    expect(canonicalJson({ "1": undefined, "2": 3 })).toBe('{"2":3}');
    expect(canonicalJson({ "1": undefined })).toBe("{}");
    expect(canonicalJson([{ "7": undefined, a: [1] }])).toBe('[{"a":[1]}]');
  });

  it("writes equal documents with keys already sorted the same as unsorted ones", () => {
    const sorted = { a: 1, b: { c: [1, { d: 2, e: 3 }] } };
    const unsorted = { b: { c: [1, { e: 3, d: 2 }] }, a: 1 };
    expect(canonicalJson(sorted)).toBe('{"a":1,"b":{"c":[1,{"d":2,"e":3}]}}');
    expect(canonicalJson(unsorted)).toBe(canonicalJson(sorted));
  });
});
