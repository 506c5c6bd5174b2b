import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPortfolioFile } from "../../src/config/load-portfolio.js";

// Every file in invalid/ must have its exact diagnostics in expected.json, and every entry there a file:
// a new fixture cannot be added without saying what it must produce.
const ROOT = fileURLToPath(new URL("../fixtures/portfolios/", import.meta.url));
const INVALID = `${ROOT}invalid/`;
const VALID = `${ROOT}valid/`;

interface Expected {
  line: number;
  column: number;
  path: string;
  message: string;
  hint?: string;
}

const expected = JSON.parse(readFileSync(`${INVALID}expected.json`, "utf8")) as Record<string, Expected[]>;
const invalidFiles = readdirSync(INVALID)
  .filter((name) => name !== "expected.json")
  .sort();
const validFiles = readdirSync(VALID).sort();

describe("invalid portfolio corpus", () => {
  it("has at least 40 files, each listed in expected.json, and no stale entries", () => {
    expect(invalidFiles.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(expected).sort()).toEqual(invalidFiles);
  });

  it.each(invalidFiles)("%s is rejected with exactly the expected diagnostics", async (name) => {
    const result = await loadPortfolioFile(`${INVALID}${name}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const want = expected[name] ?? [];
    expect(want.length).toBeGreaterThan(0);
    const got = result.errors.map(({ line, column, path, message, hint }) => ({
      line,
      column,
      path,
      message,
      hint,
    }));
    expect(got).toEqual(want.map((e) => ({ hint: undefined, ...e })));
    for (const error of result.errors) expect(error.file).toBe(`${INVALID}${name}`);
  });
});

describe("valid portfolio corpus", () => {
  it("has the every-key file and a minimal one", () => {
    expect(validFiles).toEqual(expect.arrayContaining(["every-key.yaml", "minimal.yaml"]));
  });

  it.each(validFiles)("%s is accepted", async (name) => {
    const result = await loadPortfolioFile(`${VALID}${name}`);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
