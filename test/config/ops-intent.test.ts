// The intent of a many-account repository read from a tree of files: which change moves which account's
// intent hash (what a plan records and apply compares), and the layout's own refusals.
import { describe, expect, it } from "vitest";
import { readOpsIntent, type OpsIntent } from "../../src/config/ops-intent.js";
import { MODEL, opsTree } from "./support/ops-tree.js";

const BASE = {
  "models/core.yaml": MODEL,
  "models/income.yaml": MODEL.replace("weight: 60", "weight: 30").replace("weight: 35", "weight: 65"),
  "accounts/DU1111111.yaml": "account: DU1111111\nmodel: core\n",
  "accounts/DU2222222.yaml": "account: DU2222222\nmodel: core\ntargets: { VTI: 50, BND: 45 }\n",
  "accounts/DU3333333.yaml": "account: DU3333333\nmodel: income\n",
};

function hashes(intent: OpsIntent): Record<string, string> {
  return Object.fromEntries(
    intent.accounts.map((entry) => [entry.account, entry.ok ? entry.intent.hash : "invalid"]),
  );
}

describe("readOpsIntent", () => {
  it("resolves each account from its model and overrides", async () => {
    const intent = await readOpsIntent(opsTree(BASE));
    expect(intent.layout).toBe("accounts");
    const second = intent.accounts.find((entry) => entry.account === "DU2222222");
    expect(second?.ok && second.intent.portfolio.targets.map((t) => [t.symbol, t.weight])).toEqual([
      ["VTI", 50],
      ["BND", 45],
    ]);
    expect(second?.ok && second.intent.files).toEqual(["accounts/DU2222222.yaml", "models/core.yaml"]);
    expect(intent.models.get("core")?.accounts).toEqual(["DU1111111", "DU2222222"]);
  });

  it("moves an account's intent hash when its file or its model changes, and only then", async () => {
    const before = hashes(await readOpsIntent(opsTree(BASE)));
    const accountEdited = hashes(
      await readOpsIntent(
        opsTree({ ...BASE, "accounts/DU2222222.yaml": `${BASE["accounts/DU2222222.yaml"]}# note\n` }),
      ),
    );
    expect(accountEdited).toEqual({
      ...before,
      DU2222222: expect.not.stringMatching(before["DU2222222"] ?? ""),
    });
    const modelEdited = hashes(
      await readOpsIntent(
        opsTree({ ...BASE, "models/core.yaml": MODEL.replace("weight: 5", "weight: 5 # cash") }),
      ),
    );
    expect(modelEdited["DU1111111"]).not.toBe(before["DU1111111"]);
    expect(modelEdited["DU2222222"]).not.toBe(before["DU2222222"]);
    expect(modelEdited["DU3333333"]).toBe(before["DU3333333"]);
    // Two accounts with the same files but another id are two intents.
    expect(new Set(Object.values(before)).size).toBe(3);
  });

  it("refuses a model that names an account and a .yml file, keeping the other accounts", async () => {
    const intent = await readOpsIntent(
      opsTree({
        ...BASE,
        "models/income.yaml": `account: DU3333333\n${MODEL}`,
        "accounts/DU4444444.yml": "x",
      }),
    );
    expect(
      intent.models.get("income")?.errors.map((d) => `${d.file}:${d.line}:${d.column} ${d.path}`),
    ).toEqual(["models/income.yaml:1:1 account"]);
    // A stray file is refused, but keeps no account from being planned.
    expect(intent.problems).toEqual([]);
    expect(intent.strayFiles.map((d) => `${d.file}: ${d.message}`)).toEqual([
      "accounts/DU4444444.yml: is not read: its name is not <name>.yaml",
    ]);
    expect(hashes(intent)["DU3333333"]).toBe("invalid");
    expect(hashes(intent)["DU1111111"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reads a portfolio.yaml repository as one account whose hash is the file's SHA-256", async () => {
    const text = MODEL.replace("version: 1\n", "version: 1\naccount: DU1111111\n");
    const intent = await readOpsIntent(opsTree({ "portfolio.yaml": text }));
    expect(intent.layout).toBe("portfolio");
    const { createHash } = await import("node:crypto");
    expect(hashes(intent)).toEqual({ DU1111111: createHash("sha256").update(text).digest("hex") });
  });
});
