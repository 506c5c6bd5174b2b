// Account groups (`group:` in accounts/<ID>.yaml): which accounts a run of one group covers, and the
// refusals of a group name or an account the repository does not have.
import { describe, expect, it } from "vitest";
import { groupsOf, selectAccounts, type AccountSelection } from "../../src/config/account-groups.js";
import { readOpsIntent } from "../../src/config/ops-intent.js";
import { UsageError } from "../../src/errors.js";
import { MODEL, opsTree } from "./support/ops-tree.js";

const BASE = {
  "models/core.yaml": MODEL,
  "accounts/DU1111111.yaml": "account: DU1111111\nmodel: core\n",
  "accounts/DU2222222.yaml": "account: DU2222222\nmodel: core\ngroup: household\n",
  "accounts/DU3333333.yaml": "account: DU3333333\nmodel: core\ngroup: advisor-2\n",
};

const select = async (files: Record<string, string>, selection: Partial<AccountSelection>) =>
  selectAccounts(
    await readOpsIntent(opsTree(files)),
    { groups: [], accounts: [], ...selection },
    "on main",
  ).map((entry) => entry.account);

describe("account groups", () => {
  it("puts an account without `group:` in `default`, and a group changes nothing of the portfolio", async () => {
    const intent = await readOpsIntent(opsTree(BASE));
    expect(groupsOf(intent)).toEqual(["advisor-2", "default", "household"]);
    const [first, second] = intent.accounts;
    expect(first?.ok && first.intent.group).toBe("default");
    expect(second?.ok && second.intent.group).toBe("household");
    expect(second?.ok && second.intent.portfolio).toEqual({
      ...(first?.ok ? first.intent.portfolio : {}),
      account: "DU2222222",
    });
    // A repository of one portfolio.yaml is one account in `default`.
    const single = await readOpsIntent(
      opsTree({ "portfolio.yaml": MODEL.replace("version: 1\n", "version: 1\naccount: DU1111111\n") }),
    );
    expect(groupsOf(single)).toEqual(["default"]);
  });

  it("refuses a group that is not a short slug, at its line and column", async () => {
    const intent = await readOpsIntent(
      opsTree({ ...BASE, "accounts/DU2222222.yaml": "account: DU2222222\nmodel: core\ngroup: House Hold\n" }),
    );
    const entry = intent.accounts.find((e) => e.account === "DU2222222");
    expect(entry?.ok).toBe(false);
    const errors = entry?.ok === false ? entry.errors : [];
    expect(errors.map((d) => `${d.file}:${d.line}:${d.column}: ${d.path}: ${d.message}`)).toEqual([
      "accounts/DU2222222.yaml:3:8: group: must be a group name: lower-case letters, digits and -, starting with a letter, at most 32 characters",
    ]);
    expect(errors[0]?.hint).toContain("folioctl-household");
  });

  it("selects a group's accounts, named accounts within it, and an unreadable account in every group", async () => {
    expect(await select(BASE, { groups: ["household"] })).toEqual(["DU2222222"]);
    expect(await select(BASE, { groups: ["default", "advisor-2"] })).toEqual(["DU1111111", "DU3333333"]);
    expect(await select(BASE, { accounts: ["DU3333333"] })).toEqual(["DU3333333"]);
    expect(await select(BASE, {})).toEqual(["DU1111111", "DU2222222", "DU3333333"]);
    // A file that cannot be read has no group: each group's run reports it rather than none.
    const broken = { ...BASE, "accounts/DU4444444.yaml": "account: [\n" };
    expect(await select(broken, { groups: ["household"] })).toEqual(["DU2222222", "DU4444444"]);
  });

  it("refuses a group or an account the repository does not have, naming those it has", async () => {
    const error = await select(BASE, { groups: ["housebold"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe("there is no account in group `housebold` on main");
    expect((error as UsageError).hint).toContain("the groups are `advisor-2`, `default`, `household`");
    expect((error as UsageError).exitCode).toBe(64);
    await expect(select(BASE, { accounts: ["DU9999999"] })).rejects.toThrow(
      "there is no account DU9999999 on main",
    );
    await expect(select(BASE, { groups: ["household"], accounts: ["DU1111111"] })).rejects.toThrow(
      "account DU1111111 is in group `default`, not in `household`",
    );
  });
});
