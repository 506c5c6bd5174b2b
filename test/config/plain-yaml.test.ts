// The plain reader (js-yaml's events) must never read a file differently from the full reader (the
// `yaml` library): whatever it reads, the full reader reads too, to the same data, and every message
// points at the same place. Checked on every portfolio in the fixtures and examples, and on thousands
// of seeded mutations of them that break the YAML in the ways people and attackers do.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeYamlText } from "../../src/config/decode-yaml-text.js";
import { parsePortfolio } from "../../src/config/load-portfolio.js";
import { parseYamlDocument } from "../../src/config/parse-yaml-document.js";
import type { PathSegment } from "../../src/config/field-path.js";
import { MAX_PLAIN_LINES, readPlainYaml } from "../../src/config/plain-yaml.js";
import { documentLocator } from "../../src/config/yaml-locations.js";
import { seededRandom } from "../../bench/generate-portfolios.js";
import { MAX_YAML_TOKENS } from "../../src/config/scan-yaml-tokens.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/portfolios/", import.meta.url));
const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));

function yamlFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => readFileSync(folder + name, "utf8"));
}

const portfolios = [
  ...yamlFiles(`${FIXTURES}valid/`),
  ...yamlFiles(`${FIXTURES}invalid/`),
  ...yamlFiles(EXAMPLES).filter((text) => text.includes("targets")),
];

/** Every path into the data, collections and scalars alike. */
function pathsOf(value: unknown, path: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...path, index], out));
  else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value))
      pathsOf((value as Record<string, unknown>)[key], [...path, key], out);
  }
  return out;
}

/**
 * Reads `raw` with both readers, after the decoding both get in the loader; fails the test if they
 * disagree. Returns whether the plain reader read it.
 */
function compareReaders(raw: string): boolean {
  const decoded = decodeYamlText(Buffer.from(raw), "p.yaml");
  if (!decoded.ok) return false;
  const text = decoded.text;
  const plain = readPlainYaml(text);
  if (plain === undefined) return false;
  const full = parseYamlDocument(text, "p.yaml");
  expect(
    full.ok ? "read" : full.errors,
    `the full reader refuses what the plain reader read: ${JSON.stringify(text)}`,
  ).toBe("read");
  if (!full.ok) return true;
  expect(plain.data).toEqual(full.data);
  const located = documentLocator(full.source);
  for (const path of pathsOf(full.data)) {
    for (const at of ["key", "value"] as const) {
      expect([path, at, plain.locator.offsetOf(path, at)], text).toEqual([
        path,
        at,
        located.offsetOf(path, at),
      ]);
    }
    expect([path, plain.locator.scalarSourceAt(path)], text).toEqual([path, located.scalarSourceAt(path)]);
    expect(plain.locator.offsetOf([...path, "missing"], "key")).toEqual(
      located.offsetOf([...path, "missing"], "key"),
    );
  }
  for (const offset of [0, text.length >> 1, Math.max(0, text.length - 1)]) {
    expect(plain.locator.positionOfOffset(offset)).toEqual(located.positionOfOffset(offset));
  }
  return true;
}

const SIGNIFICANT = [
  ":",
  "-",
  " ",
  "  ",
  "\n",
  "#",
  "'",
  '"',
  "[",
  "]",
  "{",
  "}",
  ",",
  "?",
  "&a ",
  "*a",
  "!!str ",
  "|",
  ">",
  "%",
  "\t",
  "~",
  "null",
  "1e400",
  "0x1F",
  ".5",
  "\\",
  "é",
  "true",
];

function mutate(text: string, next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const at = Math.floor(next() * (text.length + 1));
  const lines = text.split("\n");
  const line = Math.floor(next() * lines.length);
  switch (Math.floor(next() * 6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
    case 1:
      return text.slice(0, at) + pick(SIGNIFICANT) + text.slice(at);
    case 2:
      lines.splice(line, 0, lines[line] ?? "");
      return lines.join("\n");
    case 3:
      lines[line] = (next() < 0.5 ? "  " : "") + (lines[line] ?? "").replace(/^ {1,2}/, "");
      return lines.join("\n");
    case 4:
      return text.slice(0, at) + text.slice(at, at + 12).toUpperCase() + text.slice(at + 12);
    default:
      lines.splice(line, 1);
      return lines.join("\n");
  }
}

describe("the plain reader", () => {
  it("reads every fixture and example like the full reader, or leaves it to it", () => {
    let read = 0;
    for (const text of portfolios) if (compareReaders(text)) read++;
    // Most portfolios are plain YAML: if this drops, the fast reader has stopped doing its job.
    expect(read).toBeGreaterThan(portfolios.length * 0.6);
  });

  it("never reads a mutated portfolio differently from the full reader (2,000 seeded mutations)", () => {
    // Seeded, so that a failure names a case that can be run again.
    const next = seededRandom(20261202);
    let read = 0;
    for (let i = 0; i < 2_000; i++) {
      let text = portfolios[Math.floor(next() * portfolios.length)] as string;
      const times = 1 + Math.floor(next() * 3);
      for (let j = 0; j < times; j++) text = mutate(text, next);
      if (compareReaders(text)) read++;
    }
    // Both outcomes are exercised: mutations the plain reader reads and ones it leaves alone.
    expect(read).toBeGreaterThan(200);
    expect(read).toBeLessThan(2_000);
  });

  it("reads `__proto__` as an own key, as the full reader does, and pollutes no prototype", () => {
    for (const text of ["__proto__: 1\nb: 2\n", "a:\n  __proto__: { polluted: 1 }\n", '"__proto__": [1]\n']) {
      const plain = readPlainYaml(text);
      expect(plain, text).toBeDefined();
      compareReaders(text);
      expect(Object.getOwnPropertyNames(plain?.data)).toEqual(Object.keys(plain?.data as object));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const result = parsePortfolio(Buffer.from("__proto__: { version: 1 }\n"), "p.yaml");
    expect(result.ok ? [] : result.errors.map((error) => [error.path, error.message])).toContainEqual([
      "__proto__",
      "unknown key",
    ]);
  });

  it("leaves anchors, aliases, tags, directives, block values and odd keys to the full reader", () => {
    const head = "version: 1\naccount: DU1234567\nbaseCurrency: USD\n";
    const targets = "targets:\n  - { symbol: VTI, weight: 95 }\n";
    for (const text of [
      `${head}cash: &c\n  weight: 5\n${targets}`,
      `${head}cash:\n  weight: !!int 5\n${targets}`,
      `%YAML 1.2\n---\n${head}cash:\n  weight: 5\n${targets}`,
      `${head}cash:\n  weight: 5\nnote: |\n  text\n${targets}`,
      `${head}cash:\n  weight: 5\n  currencies: { [USD]: 5 }\n${targets}`,
      `${head}cash:\n  weight: 5\n  null: 1\n${targets}`,
      `${head}cash:\n  weight: 1e400\n${targets}`,
      `${head}cash:\n  weight: 5\n  weight: 6\n${targets}`,
      `${head}cash:\n  weight: 5\n${targets}---\nversion: 1\n`,
    ]) {
      expect(readPlainYaml(text), text).toBeUndefined();
      compareReaders(text);
    }
  });

  it("leaves a file of more lines than the token budget can hold to the full reader, which stops it", () => {
    const text = `version: 1\naccount: DU1234567\nbaseCurrency: USD\ncash:\n  weight: 5\ntargets:\n  - { symbol: VTI, weight: 95 }\n${"\n".repeat(MAX_PLAIN_LINES)}`;
    expect(readPlainYaml(text)).toBeUndefined();
    expect(parsePortfolio(Buffer.from(text), "p.yaml").ok).toBe(true);
    const tooLong = text + "\n".repeat(MAX_YAML_TOKENS - MAX_PLAIN_LINES);
    const refused = parsePortfolio(Buffer.from(tooLong), "p.yaml");
    expect(refused.ok ? "" : refused.errors[0]?.message).toMatch(/more than 250,000 YAML tokens/);
  });

  it("places the messages of a plain file where the full reader would", () => {
    const text =
      "version: 1\naccount: DU1234567\nbaseCurrency: USD\ncash:\n  weight: 5\ntargets:\n  - { symbol: VTI, weigth: 95 }\n  - symbol: 'BND'\n    weight: \"x\"\n";
    expect(readPlainYaml(text)).toBeDefined();
    const result = parsePortfolio(Buffer.from(text), "p.yaml");
    expect(result.ok ? [] : result.errors.map((e) => [e.line, e.column, e.path])).toEqual([
      [7, 20, "targets[0].weigth"],
      [9, 13, "targets[1].weight"],
    ]);
  });
});
