// Values that are not plain JSON data, given to the canonical form: it writes them as JSON.stringify
// does, whichever way the rest of the document is written (JSON.stringify, or by hand when the document
// has keys that look like numbers), so that a document's text never depends on its other keys' names.
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical-json.js";

describe("canonicalJson of values with a toJSON method", () => {
  const when = new Date("2026-11-24T15:00:05Z");

  it("writes a Date as its ISO text, as JSON.stringify does, with or without number-like keys", () => {
    expect(canonicalJson({ at: when })).toBe('{"at":"2026-11-24T15:00:05.000Z"}');
    expect(canonicalJson({ "1": 0, at: when })).toBe('{"1":0,"at":"2026-11-24T15:00:05.000Z"}');
    expect(canonicalJson([{ "7": when }])).toBe('[{"7":"2026-11-24T15:00:05.000Z"}]');
    expect(canonicalJson(when)).toBe('"2026-11-24T15:00:05.000Z"');
  });

  it("sorts and checks what toJSON returns, and passes it the key it is written under", () => {
    const keys: string[] = [];
    const custom = (text: string) => ({
      toJSON(key: string) {
        keys.push(key);
        return { z: text, "10": 1, a: [2] };
      },
    });
    expect(canonicalJson({ b: custom("x"), "2": custom("y") })).toBe(
      '{"2":{"10":1,"a":[2],"z":"y"},"b":{"10":1,"a":[2],"z":"x"}}',
    );
    expect(keys.sort()).toEqual(["2", "b"]);
    expect(canonicalJson([custom("w")])).toBe('[{"10":1,"a":[2],"z":"w"}]');
    expect(keys).toContain("0");
    // At the top, as JSON.stringify does, the key is the empty string.
    keys.length = 0;
    expect(canonicalJson(custom("t"))).toBe('{"10":1,"a":[2],"z":"t"}');
    expect(keys).toEqual([""]);
    // What toJSON returns is walked as it is, its own toJSON not called again (as JSON.stringify does):
    // an object that returns itself ends, refused for its function-valued key like any other.
    const self = { b: 1, toJSON: (): unknown => self };
    expect(() => canonicalJson({ "3": self })).toThrow("canonical JSON: 3.toJSON is function");
    expect(() => canonicalJson({ bad: { toJSON: () => Number.NaN } })).toThrow("canonical JSON: bad is NaN");
  });

  it("writes a boxed number, string or boolean as its value, with or without number-like keys", () => {
    const boxed = { n: new Number(2), s: new String("x"), b: new Boolean(false) };
    expect(canonicalJson(boxed)).toBe('{"b":false,"n":2,"s":"x"}');
    expect(canonicalJson({ "1": 0, ...boxed })).toBe('{"1":0,"b":false,"n":2,"s":"x"}');
    expect(canonicalJson({ "1": 0, ...boxed })).toBe(
      canonicalJson(JSON.parse(JSON.stringify({ "1": 0, ...boxed })) as unknown),
    );
  });
});
