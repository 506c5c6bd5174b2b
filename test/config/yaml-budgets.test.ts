// The resource budgets of the first pass over a portfolio's text: each limit is refused at the token that
// crosses it, with its line and column, and the file one step short of it is read as usual. Any
// portfolio.yaml under 1 MiB (`preview` reads any pull request's) then costs about what the largest
// legitimate one does; `bench/hostile-portfolios.ts` measures that.
import { describe, expect, it } from "vitest";
import { parsePortfolio } from "../../src/config/load-portfolio.js";
import { MAX_PORTFOLIO_BYTES } from "../../src/config/decode-yaml-text.js";
import { MAX_DIAGNOSTICS } from "../../src/config/load-portfolio.js";
import {
  largestLegitimatePortfolio,
  largestPortfolioForTheFullReader,
} from "../../bench/hostile-portfolios.js";

// 45 YAML tokens: `version`, `:`, ` `, `1`, line break (5), the same for `account` and `baseCurrency`
// (10), `cash`, `:`, line break (3), indentation, `weight`, `:`, ` `, `5`, line break (6), `targets`,
// `:`, line break (3) and the 18 of the flow mapping's line. Four mappings and lists: the document's
// mapping, `cash`, `targets` and its one target.
const HEAD =
  "version: 1\naccount: DU1234567\nbaseCurrency: USD\ncash:\n  weight: 5\ntargets:\n  - { symbol: VTI, weight: 95 }\n";
const HEAD_LINES = 7;

function errorsOf(text: string): { line: number; column: number; path: string; message: string }[] {
  const result = parsePortfolio(Buffer.from(text), "p.yaml");
  return result.ok
    ? []
    : result.errors.map(({ line, column, path, message }) => ({ line, column, path, message }));
}

const unknownKey = (line: number, path: string) => ({ line, column: 1, path, message: "unknown key" });

describe("the token budget", () => {
  // HEAD, then 124,977 comment lines of two tokens each (`#` and the line break): 249,999 tokens. More
  // lines than the plain reader takes (MAX_PLAIN_LINES), so that the full reader, which has the budget,
  // reads them.
  const comments = HEAD + "#\n".repeat(124_977);

  it("reads a file of 250,000 tokens and stops at the 250,001st, where it is, saying what to do", () => {
    expect(errorsOf(`${comments}#`)).toEqual([]);
    const refused = parsePortfolio(Buffer.from(`${comments}#\n`), "p.yaml");
    expect(refused.ok ? [] : refused.errors).toEqual([
      {
        file: "p.yaml",
        line: HEAD_LINES + 124_978,
        column: 2,
        path: "",
        message:
          "the file has more than 250,000 YAML tokens (keys, values, punctuation, spaces, line breaks, comments); reading stopped here",
        hint: "plain YAML (no anchors, aliases, tags, `|` or `>` values, directives) has no such limit, and a 10,000-target portfolio written plainly has about 320,000: check that this is the right file, remove what a portfolio does not use, or write it as plain YAML",
      },
    ]);
  });

  it("accepts the largest legitimate portfolio: 10,000 targets with five keys each, one per line", () => {
    const text = largestLegitimatePortfolio();
    expect(text.length).toBeGreaterThan(0.9 * MAX_PORTFOLIO_BYTES);
    const result = parsePortfolio(Buffer.from(text), "p.yaml");
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.portfolio.targets).toHaveLength(10_000);
    expect(result.ok && result.portfolio.targets[9_999]).toEqual({
      symbol: "T9999",
      weight: 0.0095,
      conId: 10_009_999,
      secType: "STK",
      exchange: "SMART",
      currency: "USD",
    });
  });
});

describe("the token budget of files that are not plain YAML", () => {
  it("refuses the largest portfolio with one anchor, and says to write it plainly", () => {
    const plain = largestLegitimatePortfolio();
    expect(parsePortfolio(Buffer.from(plain), "p.yaml").ok).toBe(true);
    const anchored = largestPortfolioForTheFullReader();
    expect(anchored).toBe(plain.replace("  weight: 5\n", "  weight: &w 5\n"));
    const refused = parsePortfolio(Buffer.from(anchored), "p.yaml");
    expect(refused.ok ? [] : refused.errors.map((error) => [error.message, error.hint])).toEqual([
      [
        expect.stringMatching(/^the file has more than 250,000 YAML tokens/),
        expect.stringMatching(/write it as plain YAML$/),
      ],
    ]);
  });
});

describe("the budget of entries in one mapping or list", () => {
  const entriesMessage = "a mapping or list has more than 10,200 entries; reading stopped here";

  it("reads a mapping of 10,200 keys and stops at the 10,201st key, with no message about the keys", () => {
    // HEAD's mapping has five keys: `version`, `account`, `baseCurrency`, `cash`, `targets`.
    const keys = (count: number): string =>
      HEAD + Array.from({ length: count }, (_, i) => `k${i}: 1\n`).join("");
    const read = errorsOf(keys(10_195));
    expect(read).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(read[0]).toEqual(unknownKey(HEAD_LINES + 1, "k0"));
    expect(read.at(-1)?.message).toBe(`${10_195 - MAX_DIAGNOSTICS} more problems not shown`);
    expect(errorsOf(keys(100_000))).toEqual([
      { line: HEAD_LINES + 10_196, column: 1, path: "", message: entriesMessage },
    ]);
  });

  it("reads a list of 10,200 entries and stops at the one after, in flow or block style", () => {
    const flow = (count: number): string => `${HEAD}x: [${"1, ".repeat(count - 1)}1]\n`;
    expect(errorsOf(flow(10_200))).toEqual([unknownKey(HEAD_LINES + 1, "x")]);
    // `x: [` and 10,200 times `1, `: the comma after the last one read opens the 10,201st.
    expect(errorsOf(flow(10_201))).toEqual([
      { line: HEAD_LINES + 1, column: 4 + 3 * 10_200 - 1, path: "", message: entriesMessage },
    ]);
    const block = (count: number): string => `${HEAD}x:\n${"  - 1\n".repeat(count)}`;
    expect(errorsOf(block(10_200))).toEqual([unknownKey(HEAD_LINES + 1, "x")]);
    expect(errorsOf(block(100_000))).toEqual([
      { line: HEAD_LINES + 2 + 10_200, column: 1, path: "", message: entriesMessage },
    ]);
  });
});

describe("the budget of mappings and lists", () => {
  // HEAD has four; `x: [` opens the fifth; each `[]` after it is one more.
  const lists = (count: number): string => `${HEAD}x: [${"[], ".repeat(count - 1)}[]]\n`;

  it("reads 10,100 and stops at the 10,101st, where it opens", () => {
    expect(errorsOf(lists(10_095))).toEqual([unknownKey(HEAD_LINES + 1, "x")]);
    expect(errorsOf(lists(10_096))).toEqual([
      {
        line: HEAD_LINES + 1,
        column: 5 + 4 * 10_095,
        path: "",
        message: "the file has more than 10,100 mappings and lists; reading stopped at this one",
      },
    ]);
  });

  it("stops a file of 30,000 targets at the 10,098th target, before any message about the targets", () => {
    const targets = Array.from({ length: 30_000 }, (_, i) => `  - { symbol: S${i}, weight: 1 }\n`).join("");
    // Three before the targets: the document's mapping, `cash`, `targets`.
    expect(
      errorsOf(`version: 1\naccount: DU1234567\nbaseCurrency: USD\ncash:\n  weight: 0\ntargets:\n${targets}`),
    ).toEqual([
      {
        line: 6 + 10_098,
        column: 5,
        path: "",
        message: "the file has more than 10,100 mappings and lists; reading stopped at this one",
      },
    ]);
  });

  it("counts mappings written as indented blocks too", () => {
    // Each key's value is a mapping on the line below it: HEAD's four and 10,096 keys make 10,100.
    const keys = (count: number): string =>
      HEAD + Array.from({ length: count }, (_, i) => `k${i}:\n  a: 1\n`).join("");
    expect(errorsOf(keys(10_096))[0]).toEqual(unknownKey(HEAD_LINES + 1, "k0"));
    expect(errorsOf(keys(10_097))).toEqual([
      {
        line: HEAD_LINES + 2 * 10_096 + 2,
        column: 3,
        path: "",
        message: "the file has more than 10,100 mappings and lists; reading stopped at this one",
      },
    ]);
  });
});

describe("nesting", () => {
  const nestingMessage = "mappings and lists nested more than 64 levels deep";

  it("reads 64 levels of brackets, counting the document's mapping, and stops at the 65th", () => {
    const brackets = (count: number): string => `${HEAD}x: ${"[".repeat(count)}${"]".repeat(count)}\n`;
    expect(errorsOf(brackets(63))).toEqual([unknownKey(HEAD_LINES + 1, "x")]);
    // `x: ` takes three columns: the 64th bracket is at column 3 + 64.
    expect(errorsOf(brackets(64))).toEqual([
      { line: HEAD_LINES + 1, column: 67, path: "", message: nestingMessage },
    ]);
    // A file that never closes them is stopped at the same place, without reading the rest.
    expect(errorsOf(`${HEAD}x: ${"[".repeat(200_000)}\n`)).toEqual([
      { line: HEAD_LINES + 1, column: 67, path: "", message: nestingMessage },
    ]);
  });

  it("stops indented mappings at the 65th level, before the document is put together", () => {
    const indented = (count: number): string =>
      HEAD + Array.from({ length: count }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " 1\n";
    expect(errorsOf(indented(64))).toEqual([unknownKey(HEAD_LINES + 1, "k0")]);
    // k64 is the first key of the mapping at level 65: line 65 of the keys, indented 64 spaces.
    const refused = [{ line: HEAD_LINES + 65, column: 65, path: "", message: nestingMessage }];
    expect(errorsOf(indented(65))).toEqual(refused);
    expect(errorsOf(indented(200))).toEqual(refused);
    expect(errorsOf(indented(200).replace(/\n/g, "\r\n"))).toEqual(refused);
  });

  it("counts lists written with dashes", () => {
    // `- - - 1`: each dash after the first opens a list inside the one before it, on the same line.
    const dashes = (count: number): string => `${HEAD}x:\n${"- ".repeat(count)}1\n`;
    expect(errorsOf(dashes(63))).toEqual([unknownKey(HEAD_LINES + 1, "x")]);
    expect(errorsOf(dashes(64))).toEqual([
      { line: HEAD_LINES + 2, column: 127, path: "", message: nestingMessage },
    ]);
  });
});

describe("aliases", () => {
  const aliases = (count: number): string => `${HEAD}x: &a 1\ny: [${"*a, ".repeat(count - 1)}*a]\n`;

  it("reads 100 aliases of one value and stops at the 101st, without looking for its anchor", () => {
    expect(errorsOf(aliases(100))).toEqual([
      unknownKey(HEAD_LINES + 1, "x"),
      unknownKey(HEAD_LINES + 2, "y"),
    ]);
    expect(errorsOf(aliases(101))).toEqual([
      {
        line: HEAD_LINES + 2,
        column: 5 + 4 * 100,
        path: "",
        message: "the file has more than 100 aliases (`*name`); reading stopped at this one",
      },
    ]);
  });

  it("reports the first alias without an anchor, after others that have one", () => {
    const text = `${HEAD}x: &a 1\ny: [*a, *b, *c]\n`;
    expect(errorsOf(text)).toEqual([
      { line: HEAD_LINES + 2, column: 9, path: "", message: "the alias `*b` has no anchor `&b` before it" },
    ]);
  });

  it("takes an asterisk that starts a line of a block value for text, not an alias", () => {
    const lines = Array.from({ length: 150 }, () => "  *a").join("\n");
    expect(errorsOf(`${HEAD}x: |\n${lines}\n`)).toEqual([unknownKey(HEAD_LINES + 1, "x")]);
  });

  it("points messages about aliased values at the anchored value, for every copy", () => {
    const text = `version: 1\naccount: DU1234567\nbaseCurrency: USD\ncash:\n  weight: 0\ntargets:\n  - &t { symbol: A, weight: 50, conId: -3 }\n  - *t\n`;
    expect(errorsOf(text)).toEqual([
      { line: 7, column: 40, path: "targets[0].conId", message: "must be at least 1 (got -3)" },
      { line: 7, column: 40, path: "targets[1].conId", message: "must be at least 1 (got -3)" },
    ]);
  });
});

describe("documents", () => {
  const message = "a second YAML document starts here; a portfolio is one";

  it("stops at the second document's `---`, however many follow", () => {
    expect(errorsOf(`${HEAD}${"---\n".repeat(100_000)}`)).toEqual([
      { line: HEAD_LINES + 1, column: 1, path: "", message },
    ]);
  });

  it("stops where a second document starts after an end marker (`...`)", () => {
    expect(errorsOf(`${HEAD}...\n# notes\nversion: 1\n`)).toEqual([
      { line: HEAD_LINES + 3, column: 1, path: "", message },
    ]);
  });
});

describe("the budget of syntax errors", () => {
  it("shows the first ten of a stray bracket on each of 50,000 lines and stops reading after 100", () => {
    const text = HEAD + Array.from({ length: 50_000 }, (_, i) => `k${i}: ]\n`).join("");
    const errors = errorsOf(text);
    expect(errors).toHaveLength(11);
    expect(errors.slice(0, 10).every((error) => error.message.startsWith("YAML syntax: "))).toBe(true);
    expect(errors[0]).toMatchObject({ line: HEAD_LINES + 1 });
    const last = errors[10];
    expect(last?.message).toMatch(
      /^more YAML syntax errors not shown: reading stopped at line (\d+), after 100$/,
    );
    // Well before the end of the file: what comes after the 100th error was never read.
    const stoppedAt = Number(/line (\d+)/.exec(last?.message ?? "")?.[1]);
    expect(stoppedAt).toBeGreaterThan(HEAD_LINES + 10);
    expect(stoppedAt).toBeLessThan(HEAD_LINES + 1_000);
  });

  it("counts the errors past the tenth when there are fewer than 100", () => {
    const text = HEAD + Array.from({ length: 30 }, (_, i) => `k${i}: ]\n`).join("");
    const errors = errorsOf(text);
    expect(errors[10]?.message).toMatch(/^\d+ more YAML syntax errors not shown$/);
  });
});
