import { describe, expect, it } from "vitest";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import { verifyPlanHash } from "../../src/core/hash-plan.js";
import type { Plan } from "../../src/core/plan.js";
import { twoFundPlan } from "./plan-builders.js";

const asPlan = (value: unknown): Plan => value as Plan;

describe("the plan file's layout", () => {
  it("sorts keys, indents two spaces at every depth, and puts each entry of the snapshot's lists on one line", () => {
    const document = {
      weights: [{ target: 1, symbol: "VTI", nested: { z: [], y: {}, x: [true, null] } }],
      orders: [],
      account: "DU1",
      snapshot: {
        quotes: [
          { time: "t", conId: 2, last: 1.5 },
          { conId: 1, delayed: false },
        ],
        cash: { USD: 10 },
        positions: [],
      },
    };
    expect(formatPlanFile(asPlan(document))).toBe(
      [
        "{",
        '  "account": "DU1",',
        '  "orders": [],',
        '  "snapshot": {',
        '    "cash": {',
        '      "USD": 10',
        "    },",
        '    "positions": [],',
        '    "quotes": [',
        '      {"conId":2,"last":1.5,"time":"t"},',
        '      {"conId":1,"delayed":false}',
        "    ]",
        "  },",
        '  "weights": [',
        "    {",
        '      "nested": {',
        '        "x": [',
        "          true,",
        "          null",
        "        ],",
        '        "y": {},',
        '        "z": []',
        "      },",
        '      "symbol": "VTI",',
        '      "target": 1',
        "    }",
        "  ]",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("writes the same text whatever order the keys were built in", () => {
    const sorted = {
      a: 1,
      b: { c: [1, { d: "x", e: 2 }] },
      snapshot: { positions: [{ conId: 1, symbol: "A" }] },
    };
    const reversed = {
      snapshot: { positions: [{ symbol: "A", conId: 1 }] },
      b: { c: [1, { e: 2, d: "x" }] },
      a: 1,
    };
    expect(formatPlanFile(asPlan(reversed))).toBe(formatPlanFile(asPlan(sorted)));
  });

  it("keeps every key in canonical order, integer-like and __proto__ keys included, and leaves out undefined", () => {
    const parsed = JSON.parse('{"cashAfter":{"9":1,"10":2,"__proto__":{"x":1}},"z":{"b":[{"2":0,"10":1}]}}');
    const text = formatPlanFile(asPlan({ ...parsed, gone: undefined }));
    expect(text).toBe(
      [
        "{",
        '  "cashAfter": {',
        '    "10": 2,',
        '    "9": 1,',
        '    "__proto__": {',
        '      "x": 1',
        "    }",
        "  },",
        '  "z": {',
        '    "b": [',
        "      {",
        '        "10": 1,',
        '        "2": 0',
        "      }",
        "    ]",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("refuses what canonical JSON refuses, naming the field", () => {
    expect(() => formatPlanFile(asPlan({ orders: [{ quantity: Number.NaN }] }))).toThrow(
      "canonical JSON: orders[0].quantity is NaN",
    );
  });

  it("reads back as the plan it was written from, with a hash that verifies", () => {
    const plan = twoFundPlan();
    const text = formatPlanFile(plan);
    expect(JSON.parse(text)).toEqual(plan);
    expect(verifyPlanHash(JSON.parse(text))).toEqual({ ok: true, hash: plan.hash });
    for (const position of plan.snapshot.positions) {
      expect(text).toContain(`\n      ${JSON.stringify(position)}`);
    }
  });
});
