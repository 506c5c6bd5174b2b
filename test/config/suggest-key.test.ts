import { describe, expect, it } from "vitest";
import { editDistance, suggestKey } from "../../src/config/suggest-key.js";

const TARGET_KEYS = ["symbol", "weight", "conId", "secType", "exchange", "primaryExchange", "currency"];

describe("suggestKey", () => {
  it.each([
    ["weigth", "weight"],
    ["wieght", "weight"],
    ["weight_", "weight"],
    ["Symbol", "symbol"],
    ["con_id", "conId"],
    ["sec-type", "secType"],
    ["primary_exchange", "primaryExchange"],
    ["currrency", "currency"],
    ["exchnage", "exchange"],
  ])("suggests %s -> %s", (typo, key) => {
    expect(suggestKey(typo, TARGET_KEYS)).toBe(key);
  });

  it.each(["notes", "ticker", "w", "quantity", ""])(
    "suggests nothing for %j, which is not a typo",
    (word) => {
      expect(suggestKey(word, TARGET_KEYS)).toBeUndefined();
    },
  );

  it("allows fewer edits in short words", () => {
    expect(suggestKey("mod", ["mode"])).toBe("mode");
    expect(suggestKey("mx", ["mode"])).toBeUndefined();
    expect(suggestKey("LMTX", ["LMT", "MKT"])).toBe("LMT");
  });
});

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["kitten", "sitting", 3],
    ["weigth", "weight", 1],
    ["ab", "ba", 1],
    ["abc", "abc", 0],
  ])("%j -> %j is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
