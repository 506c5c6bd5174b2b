import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parsePortfolio } from "../../src/config/load-portfolio.js";
import type { SchemaNode } from "../../src/config/portfolio-schema.js";
import { schemaObjects } from "../../src/config/portfolio-schema.js";
import { REPO_ROOT } from "../support/run-cli.js";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const MINIMAL = readFileSync(join(REPO_ROOT, "test/fixtures/portfolios/valid/minimal.yaml"), "utf8");

/** Every field of the schema: `trading.mode`, `targets[].weight`..., with its schema. */
function fields(): { name: string; path: (string | number)[]; node: SchemaNode }[] {
  return schemaObjects().flatMap((object) =>
    Object.entries(object.node.properties ?? {}).map(([key, node]) => {
      const path = [...object.path, key];
      return {
        name: path
          .map((s) => (typeof s === "number" ? "[]" : s))
          .join(".")
          .replace(/\.\[\]/g, "[]"),
        path,
        node,
      };
    }),
  );
}
const leaves = fields().filter((field) => field.node.properties === undefined);

describe("the portfolio schema", () => {
  it.each(fields().map((f) => [f.name, f.node] as const))("describes %s", (_name, node) => {
    const described = node.description ?? (node.$ref === undefined ? undefined : "via $ref");
    expect(described).toBeTruthy();
  });
});

describe("the README's portfolio.yaml reference", () => {
  const start = README.indexOf("## portfolio.yaml reference");
  // The section runs to the next second-level heading: other tables in the README are not its rows.
  const end = README.indexOf("\n## ", start + 1);
  const section = README.slice(start, end === -1 ? undefined : end);
  const rows = new Map(
    section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => {
        const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
        return [cells[1]?.replace(/`/g, "") ?? "", cells] as const;
      }),
  );

  it.each(leaves.map((f) => [f.name, f.node] as const))("has a row for %s with its default", (name, node) => {
    const row = rows.get(name);
    expect(row, `README row for ${name}`).toBeDefined();
    const documented = row?.[3]?.replace(/`/g, "");
    if (node.default !== undefined) expect(documented).toBe(String(node.default));
    else expect(["required", "none", "baseCurrency"]).toContain(documented);
  });

  it("has no row for a key the schema does not have", () => {
    expect([...rows.keys()].sort()).toEqual(leaves.map((f) => f.name).sort());
  });
});

describe("messages for text fields with a format", () => {
  const patterned = leaves.filter(
    (f) => typeof f.node["pattern"] === "string" || f.node.$ref === "#/$defs/currency",
  );

  it.each(patterned.map((f) => [f.name, f.path] as const))(
    "%s says what it expects instead of printing a regular expression",
    (_name, path) => {
      const document = parse(MINIMAL) as Record<string, unknown>;
      let parent: Record<string, unknown> = document;
      for (const segment of path.slice(0, -1)) {
        const next =
          typeof segment === "number" ? (parent as unknown as unknown[])[segment] : parent[segment];
        if (next === undefined) parent[segment] = {};
        parent = (
          typeof segment === "number" ? (parent as unknown as unknown[])[segment] : parent[segment]
        ) as Record<string, unknown>;
      }
      parent[String(path.at(-1))] = "not valid!";
      const result = parsePortfolio(Buffer.from(stringify(document)), "p.yaml");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.message).toMatch(/^must be .+, such as .+ \(got "not valid!"\)$/);
      expect(result.errors[0]?.message).not.toContain("^");
    },
  );
});
