import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadPortfolioFile, MAX_DIAGNOSTICS, parsePortfolio } from "../../src/config/load-portfolio.js";
import { MAX_PORTFOLIO_BYTES } from "../../src/config/decode-yaml-text.js";
import { REPO_ROOT } from "../support/run-cli.js";

const FIXTURES = join(REPO_ROOT, "test/fixtures/portfolios");
const EXAMPLE = readFileSync(join(REPO_ROOT, "portfolio.yaml"));
const MINIMAL = readFileSync(join(FIXTURES, "valid/minimal.yaml"), "utf8");

const temp = mkdtempSync(join(tmpdir(), "folioctl-load-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function errorsOf(text: string | Buffer): { line: number; column: number; path: string; message: string }[] {
  const result = parsePortfolio(Buffer.from(text), "p.yaml");
  return result.ok
    ? []
    : result.errors.map(({ line, column, path, message }) => ({ line, column, path, message }));
}

describe("loading the example portfolio.yaml", () => {
  it("is valid, with the SHA-256 of its bytes and the file name it was given", async () => {
    const file = join(REPO_ROOT, "portfolio.yaml");
    const result = await loadPortfolioFile(file);
    expect(result).toMatchObject({ ok: true, file });
    if (!result.ok) return;
    expect(result.sha256).toBe(createHash("sha256").update(EXAMPLE).digest("hex"));
    expect(result.portfolio.targets.map((t) => [t.symbol, t.weight, t.currency])).toEqual([
      ["VTI", 40, "USD"],
      ["BND", 35, "USD"],
      ["VNQ", 20, "USD"],
    ]);
  });
});

describe("symbols with characters a reviewer cannot see", () => {
  it("suggests the symbol as it looks: a wide space stays a space, a zero-width one goes", () => {
    const hintFor = (symbol: string): string | undefined => {
      const text = MINIMAL.replace(/symbol: [A-Z]+/, `symbol: "${symbol}"`);
      const result = parsePortfolio(Buffer.from(text), "p.yaml");
      return result.ok ? undefined : result.errors.find((e) => e.path.endsWith(".symbol"))?.hint;
    };
    expect(hintFor("BRK\u2003B")).toBe("write `symbol: BRK B` instead");
    expect(hintFor("BRK\u200bB")).toBe("write `symbol: BRKB` instead");
  });
});

describe("defaults", () => {
  it("fills every optional key with the documented default", () => {
    const result = parsePortfolio(Buffer.from(MINIMAL), "minimal.yaml");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.portfolio).toEqual({
      version: 1,
      account: "DU1234567",
      baseCurrency: "USD",
      targets: [{ symbol: "VTI", weight: 100, secType: "STK", exchange: "SMART", currency: "USD" }],
      cash: { weight: 0, minimum: 0 },
      bands: { absolute: 1, relative: 25 },
      trading: {
        mode: "full",
        rebalanceTo: "target",
        minTradeValue: 100,
        orderType: "LMT",
        limitOffsetBps: 10,
        unmanaged: "warn",
        commission: { perShare: 0.005, minimum: 1, maximumPercent: 1 },
      },
      limits: { maxOrderValue: 50000, maxTurnover: 30 },
      tolerances: { priceMoveBps: 50, planTtl: "4h" },
      fx: { mode: "forbid", minOrder: 100, limitOffsetBps: 5, sweep: false },
      suspend: false,
    });
  });

  it("gives a target without a currency the base currency, and keeps one that has its own", () => {
    const text = MINIMAL.replace("baseCurrency: USD", "baseCurrency: CHF").replace(
      "  - { symbol: VTI, weight: 100 }",
      "  - { symbol: VTI, weight: 50, currency: USD }\n  - { symbol: CHSPI, weight: 50 }",
    );
    const result = parsePortfolio(Buffer.from(text), "p.yaml");
    expect(result.ok && result.portfolio.targets.map((t) => t.currency)).toEqual(["USD", "CHF"]);
  });

  it("changes nothing in a file that sets every key", () => {
    const text = readFileSync(join(FIXTURES, "valid/every-key.yaml"), "utf8");
    const result = parsePortfolio(Buffer.from(text), "every-key.yaml");
    expect(result.ok && result.portfolio).toEqual(parse(text));
  });
});

describe("positions", () => {
  const broken = MINIMAL.replace("weight: 100 }", "weight: 100, conId: -3 }") + "bands:\n  relative: 0\n";

  it("are the same with LF, CRLF, a lone CR and a byte order mark", () => {
    const lf = errorsOf(broken);
    expect(lf.map((e) => [e.line, e.column])).toEqual([
      [5, 40],
      [9, 13],
    ]);
    expect(errorsOf(broken.replace(/\n/g, "\r\n"))).toEqual(lf);
    expect(errorsOf(broken.replace(/\n/g, "\r"))).toEqual(lf);
    expect(errorsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(broken)]))).toEqual(lf);
  });

  it("count columns in characters, after non-ASCII text on the same line", () => {
    const text = MINIMAL.replace("account: DU1234567", 'account: "DÜ1234567"');
    expect(errorsOf(text)).toMatchObject([{ line: 2, column: 10, path: "account" }]);
  });

  it("follow an alias to the anchored value", () => {
    const text = MINIMAL + "bands: &b { absolute: 1, relative: 0 }\n";
    expect(errorsOf(text)).toMatchObject([{ line: 8, column: 36, path: "bands.relative" }]);
  });
});

describe("every problem at once", () => {
  it("reports problems from the YAML tree, the schema and the semantic rules in one result, in file order", () => {
    const text = [
      "version: 1",
      "version: 1",
      "account: DU1234567",
      "baseCurrency: USX",
      "targets:",
      "  - { symbol: VTI, weight: 90, conId: 1 }",
      "  - { symbol: VXUS, weight: 9, conId: 1 }",
      "cash: { weight: -1 }",
      "",
    ].join("\n");
    expect(errorsOf(text)).toEqual([
      { line: 2, column: 1, path: "version", message: "duplicate key `version` (first at line 1, column 1)" },
      { line: 4, column: 15, path: "baseCurrency", message: "`USX` is not an ISO 4217 currency code" },
      {
        line: 7,
        column: 39,
        path: "targets[1].conId",
        message: "conId 1 is already used by targets[0] (VTI)",
      },
      { line: 8, column: 17, path: "cash.weight", message: "must be at least 0 (got -1)" },
    ]);
  });

  it("stops at a limit and says how many more there are", () => {
    const targets = Array.from({ length: 300 }, (_, i) => `  - { symbol: T${i}, weight: 0 }`).join("\n");
    const result = parsePortfolio(
      Buffer.from(MINIMAL.replace("  - { symbol: VTI, weight: 100 }", targets)),
      "p.yaml",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(result.errors.at(-1)).toMatchObject({
      line: 0,
      message: `${300 - MAX_DIAGNOSTICS} more problems not shown`,
    });
  });
});

describe("the count of problems not shown", () => {
  it("is in the singular for one, and the problems shown are the first hundred in file order", () => {
    const keys = Array.from({ length: MAX_DIAGNOSTICS + 1 }, (_, i) => `k${i}: 1\n`).join("");
    const errors = errorsOf(MINIMAL + keys);
    expect(errors.map((e) => e.path)).toEqual([
      ...Array.from({ length: MAX_DIAGNOSTICS }, (_, i) => `k${i}`),
      "",
    ]);
    expect(errors.at(-1)?.message).toBe("1 more problem not shown");
  });
});

describe("YAML syntax errors", () => {
  it("are reported with their line, ten at most, then how many more there are", () => {
    const lines = Array.from({ length: 15 }, (_, i) => `k${i}: a: b`).join("\n");
    const errors = errorsOf(`${lines}\n`);
    expect(errors.slice(0, 10).map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(errors[0]?.message).toBe("YAML syntax: nested mappings are not allowed in compact mappings");
    expect(errors.slice(10)).toEqual([
      { line: 0, column: 0, path: "", message: "5 more YAML syntax errors not shown" },
    ]);
  });
});

describe("weights", () => {
  it("accept a total of 100 within 1e-9 and refuse one further off", () => {
    const withWeights = (a: number, cash: number): string =>
      MINIMAL.replace("weight: 100", `weight: ${a}`).replace("weight: 0", `weight: ${cash}`);
    expect(errorsOf(withWeights(99.9999999995, 0.0000000005))).toEqual([]);
    expect(errorsOf(withWeights(99.999999, 0))).toMatchObject([{ path: "targets", line: 4 }]);
  });
});

describe("duplicate targets", () => {
  const withTargets = (...lines: string[]): string =>
    MINIMAL.replace("  - { symbol: VTI, weight: 100 }", lines.map((l) => `  - ${l}`).join("\n"));

  it("refuses a ticker listed twice in one currency unless both entries pin different contracts", () => {
    expect(
      errorsOf(withTargets("{ symbol: A, weight: 50, conId: 1 }", "{ symbol: A, weight: 50, conId: 2 }")),
    ).toEqual([]);
    expect(
      errorsOf(withTargets("{ symbol: A, weight: 50, conId: 1 }", "{ symbol: A, weight: 50 }")),
    ).toMatchObject([{ path: "targets[1].symbol", message: "`A` in USD is already listed as targets[0]" }]);
    expect(
      errorsOf(withTargets("{ symbol: A, weight: 50 }", "{ symbol: A, weight: 50, conId: 2 }")),
    ).toMatchObject([{ path: "targets[1].symbol" }]);
    expect(
      errorsOf(withTargets("{ symbol: A, weight: 50 }", "{ symbol: A, weight: 50, currency: CAD }")),
    ).toEqual([]);
  });

  it("handles the largest portfolio the schema allows", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `{ symbol: T${i}, weight: 0.01 }`);
    const result = parsePortfolio(Buffer.from(withTargets(...many)), "p.yaml");
    expect(result.ok && result.portfolio.targets).toHaveLength(10_000);
    const tooMany = withTargets(...many, "{ symbol: EXTRA, weight: 0.01 }");
    expect(errorsOf(tooMany)).toEqual([
      {
        line: 5,
        column: 3,
        path: "targets",
        message: "must list at most 10000 entries (got 10001)",
      },
    ]);
  });
});

describe("untrusted input", () => {
  it("accepts a file of exactly 1 MiB and refuses one byte more", () => {
    const pad = (size: number): Buffer => {
      const head = Buffer.from(MINIMAL + "#");
      return Buffer.concat([head, Buffer.alloc(size - head.length - 1, "x"), Buffer.from("\n")]);
    };
    expect(errorsOf(pad(MAX_PORTFOLIO_BYTES))).toEqual([]);
    expect(errorsOf(pad(MAX_PORTFOLIO_BYTES + 1))).toMatchObject([
      { line: 0, message: expect.stringContaining("1 MiB") },
    ]);
  });

  it.runIf(existsSync("/dev/zero"))("refuses an endless device without reading it all", async () => {
    const result = await loadPortfolioFile("/dev/zero");
    expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining("larger than 1 MiB"),
    ]);
  });

  it("says what is wrong with a missing file or a directory", async () => {
    const missing = await loadPortfolioFile(join(temp, "nope.yaml"));
    expect(missing.ok ? [] : missing.errors).toMatchObject([
      { line: 0, message: "cannot read the file: it does not exist" },
    ]);
    const directory = await loadPortfolioFile(temp);
    expect(directory.ok ? [] : directory.errors).toMatchObject([
      { message: "cannot read the file: it is a directory" },
    ]);
  });

  it("allows a few aliases but not an expansion bomb", () => {
    const few = MINIMAL + "bands: &b { absolute: 1 }\n";
    expect(errorsOf(few)).toEqual([]);
    const bomb = readFileSync(join(FIXTURES, "invalid/alias-bomb.yaml"));
    expect(errorsOf(bomb)[0]?.message).toContain("resource-exhaustion");
  });

  it("counts what aliases copy, not only how many there are", () => {
    // Ten aliases pass the parser's own count, but each copies 41 nodes: 410 values to validate.
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}: 1`).join(", ");
    const text = `${MINIMAL}extra: &wide { ${keys} }\n${Array.from({ length: 10 }, (_, i) => `copy${i}: *wide\n`).join("")}`;
    expect(errorsOf(text)).toEqual([
      {
        line: 9,
        column: 8,
        path: "",
        message: "aliases expand to more than 100 values: refused as a possible resource-exhaustion attack",
      },
    ]);
  });

  it("never throws and always points inside the file, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const result = parsePortfolio(bytes, "fuzz.yaml");
        if (result.ok) return;
        const lines = Buffer.from(bytes)
          .toString("utf8")
          .split(/\r\n|\r|\n/).length;
        for (const error of result.errors) {
          expect(error.line).toBeGreaterThanOrEqual(0);
          expect(error.line).toBeLessThanOrEqual(lines);
          expect(error.message).not.toBe("");
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on edits of the example: inserted, deleted or replaced characters", () => {
    const text = EXAMPLE.toString("utf8");
    const alphabet = fc.constantFrom(..."{}[]:-,#&*!|>'\"\n\t ?%@`~0123456789abcXYZ.");
    fc.assert(
      fc.property(
        fc.nat(text.length),
        fc.nat(3),
        fc.string({ unit: alphabet, maxLength: 4 }),
        (at, remove, insert) => {
          const edited = text.slice(0, at) + insert + text.slice(at + remove);
          const result = parsePortfolio(Buffer.from(edited), "edited.yaml");
          if (!result.ok) {
            const lines = edited.split(/\r\n|\r|\n/).length;
            for (const error of result.errors) expect(error.line).toBeLessThanOrEqual(lines);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("reports 10,000 unknown keys as the first hundred, in file order, and a count of the rest", () => {
    // About as many as one mapping may hold, in a file `preview` validates for any pull request. Locating
    // each key's line by scanning its mapping made this quadratic (minutes of CPU).
    const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}: 1\n`).join("");
    const errors = errorsOf(MINIMAL + keys);
    const firstLine = MINIMAL.split("\n").length;
    expect(errors).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(errors.slice(0, MAX_DIAGNOSTICS)).toEqual(
      Array.from({ length: MAX_DIAGNOSTICS }, (_, i) => ({
        line: firstLine + i,
        column: 1,
        path: `k${i}`,
        message: "unknown key",
      })),
    );
    expect(errors.at(-1)).toEqual({
      line: 0,
      column: 0,
      path: "",
      message: `${10_000 - MAX_DIAGNOSTICS} more problems not shown`,
    });
  });

  it("reports a typo in each of 10,000 targets as the first hundred problems and a count of the rest", () => {
    // ajv appended each target's errors to all the earlier ones with concat: quadratic (30,000 took about
    // a minute; more than 10,000 targets are now stopped before the schema by the budget of mappings).
    const targets = Array.from({ length: 10_000 }, (_, i) => `  - { symbol: S${i}, weigth: 1 }\n`).join("");
    const errors = errorsOf(
      `version: 1\naccount: DU1234567\nbaseCurrency: USD\ncash:\n  weight: 0\ntargets:\n${targets}`,
    );
    expect(errors).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(errors.slice(0, 2)).toEqual([
      { line: 7, column: 19, path: "targets[0].weigth", message: "unknown key; did you mean `weight`?" },
      { line: 8, column: 19, path: "targets[1].weigth", message: "unknown key; did you mean `weight`?" },
    ]);
    expect(errors.at(-1)?.message).toBe(`${10_000 - MAX_DIAGNOSTICS} more problems not shown`);
  });

  it("never throws on deep nesting, in flow or block style", () => {
    const message = "mappings and lists nested more than 64 levels deep";
    const flow = MINIMAL + "x: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n";
    expect(errorsOf(flow)).toEqual([{ line: 8, column: 67, path: "", message }]);
    const block =
      MINIMAL + Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " 1\n";
    expect(errorsOf(block)).toEqual([{ line: 72, column: 65, path: "", message }]);
  });
});
