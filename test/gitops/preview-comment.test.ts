// The words of the preview comment on an intent pull request, built from plans made here: what the
// reviewer reads for an invalid file, a suspension, a plan that cannot be made, trades, and a change
// that reaches several accounts.
import { describe, expect, it } from "vitest";
import type { AccountIntent } from "../../src/config/ops-intent.js";
import { planSummary } from "../../src/core/plan-summary.js";
import { GITHUB_BODY_LIMIT, renderMarkdown } from "../../src/core/render-markdown.js";
import type { Plan } from "../../src/core/plan.js";
import {
  invalidPreviewComment,
  manyAccountsPreviewComment,
  PREVIEW_PURPOSE,
  previewPurpose,
  suspendedPreviewComment,
  tradesPreviewComment,
  unchangedPreviewComment,
  unplannablePreviewComment,
  type AccountPreview,
} from "../../src/gitops/preview-comment.js";
import { checkScenario } from "../apply/support/check-scenario.js";

const pull = { number: 7, headSha: "0123456789abcdef0123456789abcdef01234567" };
const SHA12 = "0123456789ab";
const { plan: trading } = checkScenario();
// At its targets (60/40) with no cash: nothing to trade.
const { plan: idle } = checkScenario(
  {},
  [
    { symbol: "AAA", quantity: 60, price: 100 },
    { symbol: "BBB", quantity: 80, price: 50 },
  ],
  { cash: { USD: 0 } },
);
const problem = {
  code: "no-price" as const,
  message: "no price for AAA",
  hint: "subscribe to its market data",
};

describe("the preview comment's marker", () => {
  it("keeps the word by which the next preview finds the comment and edits it", () => {
    expect(PREVIEW_PURPOSE).toBe("preview");
  });

  it("gives each group's preview a comment of its own, and names the group in its heading", () => {
    expect(previewPurpose(undefined)).toBe("preview");
    expect(previewPurpose("eu")).toBe("preview-group-eu");
    const grouped = { ...pull, group: "eu" };
    expect(suspendedPreviewComment(grouped).split("\n")[0]).toBe(
      "### folioctl preview of #7 for group `eu`: trading would be suspended",
    );
  });
});

describe("the preview of a file that does not load", () => {
  const diagnostic = {
    file: "portfolio.yaml",
    line: 3,
    column: 5,
    path: "targets[0].weight",
    message: "must be a number",
  };

  it("names the one file and its one problem", () => {
    expect(invalidPreviewComment(pull, [diagnostic])).toBe(
      [
        "### folioctl preview of #7: portfolio.yaml is not valid",
        "",
        `Nothing was planned: \`portfolio.yaml\` at ${SHA12} has 1 problem. Fix it in this pull request.`,
        "",
        "```text",
        "portfolio.yaml:3:5: error: targets[0].weight: must be a number",
        "```",
        "",
      ].join("\n"),
    );
  });

  it("counts the problems of several files, with their hints, in a fence their backticks cannot close", () => {
    const other = {
      file: "models/core.yaml",
      line: 0,
      column: 0,
      path: "",
      message: "cannot be read",
      hint: "use ``` nowhere",
    };
    const text = invalidPreviewComment(pull, [diagnostic, other]);
    expect(text.split("\n").slice(0, 5)).toEqual([
      "### folioctl preview of #7: the intent is not valid",
      "",
      `Nothing was planned: the files at ${SHA12} have 2 problems. Fix them in this pull request.`,
      "",
      "````text",
    ]);
    expect(text.split("\n").slice(4)).toEqual([
      "````text",
      "portfolio.yaml:3:5: error: targets[0].weight: must be a number",
      "models/core.yaml: error: cannot be read",
      "  hint: use ``` nowhere",
      "````",
      "",
    ]);
  });
});

describe("the preview of a suspension, and of a change that plans nothing", () => {
  it("says what suspend: true does once merged, naming the files read", () => {
    expect(suspendedPreviewComment(pull)).toBe(
      "### folioctl preview of #7: trading would be suspended\n\n" +
        `\`portfolio.yaml\` at ${SHA12} has \`suspend: true\`. Once this is merged, \`propose\` plans nothing and \`apply\` ` +
        "refuses every plan (reason `suspended`) until `suspend: false` is merged again.\n",
    );
    expect(suspendedPreviewComment(pull, ["accounts/DU1.yaml", "models/core.yaml"])).toMatch(
      new RegExp(`^.*\\n\\n\`accounts/DU1\\.yaml\` with \`models/core\\.yaml\` at ${SHA12} has`),
    );
  });

  it("says why no plan can be made, and that loosened guardrails are not used before the merge", () => {
    expect(unplannablePreviewComment(pull, [problem], [])).toBe(
      [
        "### folioctl preview of #7: no plan can be made",
        "",
        `\`portfolio.yaml\` at ${SHA12} is valid, but planning it against the live account failed:`,
        "",
        "```text",
        "no price for AAA (subscribe to its market data)",
        "```",
        "",
      ].join("\n"),
    );
    expect(
      unplannablePreviewComment(pull, [problem, { code: "weights-total", message: "weights sum to 90" }], []),
    ).toContain("```text\nno price for AAA (subscribe to its market data)\nweights sum to 90\n```\n");
    expect(unplannablePreviewComment(pull, [problem], ["limits"]).split("\n").slice(-2)).toEqual([
      "",
      "> This pull request changes `limits:`. The preview does not use it: guardrails take effect only once merged to main.",
    ]);
    expect(unplannablePreviewComment(pull, [problem], ["limits", "tolerances"])).toContain(
      "> This pull request changes `limits:` and `tolerances:`. The preview does not use them: guardrails",
    );
  });

  it("says when main's file for the account is not valid, so the plan that failed used its own guardrails", () => {
    const broken = { file: "accounts/DU1.yaml", line: 3, column: 1, path: "colour", message: "unknown key" };
    const text = unplannablePreviewComment(pull, [problem], [], ["accounts/DU1.yaml"], {
      branch: "trunk",
      problems: [broken],
    });
    expect(text.split("\n").slice(-8)).toEqual([
      "```",
      "",
      "`trunk`'s file for this account is not valid: it was planned with its own `limits:` and `tolerances:`. " +
        "Fix it on `trunk` (`folioctl validate` names each problem):",
      "",
      "```text",
      "accounts/DU1.yaml:3:1: error: colour: unknown key",
      "```",
      "",
    ]);
  });

  it("says when no account's portfolio changes, and what removing accounts does", () => {
    expect(unchangedPreviewComment(pull)).toBe(
      "### folioctl preview of #7: no account's portfolio changes\n\n" +
        `No account's portfolio at ${SHA12} differs from main: merging this pull request trades nothing.\n`,
    );
    const one = unchangedPreviewComment(pull, ["DU2"]).split("\n");
    expect(one[0]).toBe("### folioctl preview of #7: accounts removed");
    expect(one.slice(4)).toEqual([
      "It removes the account DU2: once it is merged, nothing is proposed for them, the next propose closes " +
        "their open rebalance pull requests, and a plan of theirs merged anyway is refused (`intent-changed`).",
      "",
    ]);
    expect(unchangedPreviewComment(pull, ["DU2", "DU3"])).toContain("It removes the accounts DU2, DU3: once");
  });
});

describe("the preview of trades", () => {
  const options = { mainBranch: "main", loosened: [], cashMinimum: 0 };

  it("shows the plan the merge would lead to, without the header that marks a plan under review", () => {
    const text = tradesPreviewComment(pull, trading, options);
    const lines = text.split("\n");
    expect(lines[0]).toBe("### folioctl preview of #7: the trades merging it would cause");
    expect(lines[1]).toBe("");
    expect(lines[2]).toBe(
      `Planned at ${trading.createdAt} from \`portfolio.yaml\` at ${SHA12} against the live account DU1234567, with ` +
        "`limits:` and `tolerances:` from `main`. This is a preview: merging this pull request makes `propose` " +
        "open a rebalance pull request, and only merging that one places orders.",
    );
    expect(lines[3]).toBe("");
    // The plan follows at once, from its title: its hidden header is gone, not replaced.
    expect(lines[4]).toBe("### folioctl plan for DU1234567");
    expect(text).not.toContain("<!-- folioctl:plan");
    expect(text).toContain("AAA");
    expect(text).toContain("BBB");
    expect(text.length).toBeLessThan(65_536);
  });

  it("names the branch and files it read, and the guardrails it did not use", () => {
    const text = tradesPreviewComment(pull, trading, {
      mainBranch: "trunk",
      loosened: ["limits"],
      cashMinimum: 0,
      files: ["accounts/DU1234567.yaml"],
    });
    expect(text).toContain(`from \`accounts/DU1234567.yaml\` at ${SHA12} against`);
    expect(text).toContain("from `trunk`.");
    expect(text).toContain("\n\n> This pull request changes `limits:`. The preview does not use it:");
  });

  it("says when an account new on this branch was planned with its own limits and tolerances", () => {
    const text = tradesPreviewComment(pull, trading, { ...options, added: true });
    expect(text.split("\n")[2]).toContain(
      "against the live account DU1234567, with its own `limits:` and `tolerances:` (`main` has no file for " +
        "this account yet). This is a preview:",
    );
  });

  it("says when main's file for the account is not valid: where, what, and how to fix it", () => {
    const broken = {
      file: "accounts/DU1234567.yaml",
      line: 4,
      column: 1,
      path: "colour",
      message: "unknown key",
      hint: "remove it",
    };
    const text = tradesPreviewComment(pull, trading, { ...options, mainProblems: [broken] });
    const lines = text.split("\n");
    expect(lines[2]).toContain(
      "with its own `limits:` and `tolerances:` (`main`'s file for this account is not valid). This is a preview:",
    );
    expect(lines.slice(3, 10)).toEqual([
      "",
      "`main`'s file for this account is not valid, so its `limits:` and `tolerances:` could not be used. Fix it " +
        "on `main` (`folioctl validate` names each problem):",
      "",
      "```text",
      "accounts/DU1234567.yaml:4:1: error: colour: unknown key",
      "  hint: remove it",
      "```",
    ]);
    expect(text).not.toContain("has no file for this account");
  });

  it("shows the largest orders of a long plan, naming where the rest will be", () => {
    const many = {
      ...trading,
      orders: Array.from({ length: 3000 }, (_, i) => ({
        ...trading.orders[0]!,
        leg: `L${i}`,
        symbol: `S${i}`,
      })),
    };
    const text = tradesPreviewComment(pull, many, options);
    expect(text).toMatch(
      /Showing the \d+ largest of 3000 orders; all of them are in the plan folioctl proposes after the merge\./,
    );
    expect(text.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT - 100);
  });

  it("cuts a plan that cannot fit, leaving room for the comment's marker", () => {
    const huge = { ...trading, toolVersion: "x".repeat(GITHUB_BODY_LIMIT) };
    const text = tradesPreviewComment(pull, huge, options);
    expect(text).toContain("the full plan is in the plan folioctl proposes after the merge.");
    expect(text.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT - 100);
    expect(text.length).toBeGreaterThan(GITHUB_BODY_LIMIT - 400);
  });

  it("shortens a plan that would leave less than the marker's room, even by a little", () => {
    // A plan whose full text is 150 characters over what the comment has room for: it must be cut.
    const intro = tradesPreviewComment(pull, trading, options).indexOf("### folioctl plan for DU1234567");
    const unversioned = { ...trading, toolVersion: "" };
    const base = renderMarkdown(unversioned, { planFile: "p", cashMinimum: 0 }).length;
    const over = GITHUB_BODY_LIMIT - intro - 100 + 150;
    const text = tradesPreviewComment(pull, { ...trading, toolVersion: "x".repeat(over - base) }, options);
    expect(text).toMatch(/Showing the 0 largest of 2 orders|…cut at/);
    expect(text.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT - 100);
  });

  it("says there is nothing to trade with the plan's one-line summary", () => {
    expect(idle.orders).toEqual([]);
    const text = tradesPreviewComment(pull, idle, options);
    expect(text.split("\n")[0]).toBe("### folioctl preview of #7: nothing to trade");
    expect(text.endsWith(`\n\n**${planSummary(idle)}**\n`)).toBe(true);
  });
});

describe("the preview of a change that reaches several accounts", () => {
  const intent = (account: string, model?: string): AccountIntent => ({
    account,
    group: "default",
    portfolio: undefined as never,
    hash: "h",
    files: [`accounts/${account}.yaml`, ...(model === undefined ? [] : [`models/${model}.yaml`])],
    ...(model === undefined ? {} : { model }),
  });
  const planFor = (plan: Plan, account: string, baseCurrency = plan.baseCurrency): AccountPreview => ({
    intent: intent(account, "core"),
    loosened: [],
    cashMinimum: 0,
    kind: "plan",
    plan: { ...plan, account, baseCurrency },
  });
  const sell = trading.orders.find((o) => o.side === "SELL")!;
  const buy = trading.orders.find((o) => o.side === "BUY")!;

  it("sums each contract's trades over the accounts, sells first, then shows each account", () => {
    const text = manyAccountsPreviewComment(
      pull,
      [
        planFor(trading, "DU1"),
        planFor(trading, "DU2", "EUR"),
        planFor(idle, "DU3"),
        { intent: intent("DU4", "income"), loosened: [], cashMinimum: 0, kind: "suspended" },
        { intent: intent("DU5"), loosened: [], cashMinimum: 0, kind: "unplannable", problems: [problem] },
      ],
      { mainBranch: "main" },
    );
    const lines = text.split("\n");
    expect(lines[0]).toBe("### folioctl preview of #7: the trades merging it would cause in 2 of 5 accounts");
    expect(lines[1]).toBe("");
    expect(lines[3]).toBe("");
    expect(lines[10]).toBe("");
    expect(lines[11]).toBe("#### DU1 (`accounts/DU1.yaml` with `models/core.yaml`)");
    expect(lines.slice(12, 14)).toEqual(["", "### folioctl plan for DU1"]);
    expect(lines[2]).toBe(
      "This pull request changes the portfolio of 5 accounts (DU1, DU2, DU3, DU4, DU5), driven by " +
        `\`models/core.yaml\` and \`models/income.yaml\`. Each was planned from its files at ${SHA12} against its ` +
        "live account, with `limits:` and `tolerances:` from `main`. This is a preview: merging it makes " +
        "`propose` open one rebalance pull request per account, and only merging those places orders.",
    );
    const money = (n: number) =>
      n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(lines.slice(4, 10)).toEqual([
      "**All accounts together**",
      "",
      "| side | contract | quantity | est. value | accounts |",
      "| --- | --- | ---: | ---: | ---: |",
      `| SELL | AAA | ${sell.quantity * 2} | ${money(sell.estimatedValueBase)} USD + ${money(sell.estimatedValueBase)} EUR | 2 |`,
      `| BUY | BBB | ${buy.quantity * 2} | ${money(buy.estimatedValueBase)} USD + ${money(buy.estimatedValueBase)} EUR | 2 |`,
    ]);
    expect(text).toContain("#### DU1 (`accounts/DU1.yaml` with `models/core.yaml`)\n\n");
    // Each trading account's own plan follows its heading.
    const du2 = text.slice(text.indexOf("#### DU2"), text.indexOf("#### DU3"));
    expect(du2).toContain("AAA");
    expect(du2).toContain("BBB");
    expect(text).not.toContain("<!-- folioctl:plan");
    // An account with nothing to trade gets its summary only, no plan.
    expect(text.slice(text.indexOf("#### DU3"), text.indexOf("#### DU4"))).toBe(
      `#### DU3 (\`accounts/DU3.yaml\` with \`models/core.yaml\`)\n\n**${planSummary(idle)}**\n\n`,
    );
    expect(text).toContain(
      "#### DU4 (`accounts/DU4.yaml` with `models/income.yaml`)\n\n`suspend: true`: once merged, nothing is proposed or applied for this account.\n",
    );
    expect(text).toContain(
      "#### DU5 (`accounts/DU5.yaml`)\n\nNo plan can be made:\n\n```text\nno price for AAA (subscribe to its market data)\n```\n",
    );
    const two = manyAccountsPreviewComment(
      pull,
      [
        {
          intent: intent("DU5"),
          loosened: [],
          cashMinimum: 0,
          kind: "unplannable",
          problems: [problem, { code: "weights-total", message: "weights sum to 90" }],
        },
      ],
      { mainBranch: "main" },
    );
    expect(two).toContain(
      "```text\nno price for AAA (subscribe to its market data)\nweights sum to 90\n```\n",
    );
  });

  it("counts a contract once per account and orders the rows by contract within a side", () => {
    const two: Plan = {
      ...trading,
      orders: [
        { ...buy, symbol: "ZZZ", conId: 999 },
        { ...buy, symbol: "MMM", conId: 998 },
      ],
    };
    const text = manyAccountsPreviewComment(pull, [planFor(two, "DU1"), planFor(trading, "DU2")], {
      mainBranch: "main",
    });
    const rows = text.split("\n").filter((line) => /^\| (BUY|SELL) /.test(line));
    expect(rows.map((row) => row.split(" | ").slice(0, 2).join(" "))).toEqual([
      "| SELL AAA",
      "| BUY BBB",
      "| BUY MMM",
      "| BUY ZZZ",
    ]);
    expect(rows.every((row) => row.endsWith(" | 1 |"))).toBe(true);
  });

  it("shares GitHub's limit between the accounts, leaving room for the comment's marker", () => {
    const huge = { ...trading, toolVersion: "x".repeat(GITHUB_BODY_LIMIT) };
    const text = manyAccountsPreviewComment(pull, [planFor(huge, "DU1"), planFor(huge, "DU2")], {
      mainBranch: "main",
    });
    expect(text).toContain("the full plan is in the plan folioctl proposes for DU1 after the merge.");
    expect(text).toContain("the full plan is in the plan folioctl proposes for DU2 after the merge.");
    expect(text.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT - 100);
    // Each account gets about half.
    const du2 = text.length - text.indexOf("#### DU2");
    expect(du2).toBeGreaterThan(GITHUB_BODY_LIMIT / 2 - 1500);
    expect(du2).toBeLessThan(GITHUB_BODY_LIMIT / 2);
  });

  it("says when no account trades, without models when none drive them", () => {
    const text = manyAccountsPreviewComment(
      pull,
      [
        { ...planFor(idle, "DU1"), intent: intent("DU1") },
        { intent: intent("DU2"), loosened: [], cashMinimum: 0, kind: "suspended" },
      ],
      { mainBranch: "main" },
    );
    const lines = text.split("\n");
    expect(lines[0]).toBe("### folioctl preview of #7: nothing to trade in 2 accounts");
    expect(lines[2]).toMatch(
      /^This pull request changes the portfolio of 2 accounts \(DU1, DU2\)\. Each was/,
    );
    expect(lines[4]).toBe("**No account has anything to trade.**");
    expect(text).not.toContain("All accounts together");
  });

  it("says which accounts are new on this branch, planned with their own limits and tolerances", () => {
    const text = manyAccountsPreviewComment(
      pull,
      [
        { ...planFor(idle, "DU1"), intent: intent("DU1"), added: true },
        { intent: intent("DU2"), loosened: [], cashMinimum: 0, kind: "suspended" },
      ],
      { mainBranch: "main" },
    );
    expect(text).toContain(
      "#### DU1 (`accounts/DU1.yaml`)\n\nnew here: planned with its own `limits:` and `tolerances:`\n\n**",
    );
    expect(text).toContain("#### DU2 (`accounts/DU2.yaml`)\n\n`suspend: true`");
    // The intro does not claim main's guardrails for every account.
    expect(text).toContain(
      "with `limits:` and `tolerances:` from `main`, except where an account's section says it used its own.",
    );
  });

  it("says which accounts main has a file for that is not valid, with its problems", () => {
    const broken = { file: "accounts/DU1.yaml", line: 2, column: 1, path: "model", message: "no model `x`" };
    const text = manyAccountsPreviewComment(
      pull,
      [
        { ...planFor(idle, "DU1"), intent: intent("DU1"), mainProblems: [broken] },
        { intent: intent("DU2"), loosened: [], cashMinimum: 0, kind: "suspended" },
      ],
      { mainBranch: "trunk" },
    );
    expect(text).toContain(
      "#### DU1 (`accounts/DU1.yaml`)\n\n`trunk`'s file for this account is not valid: planned with its own " +
        "`limits:` and `tolerances:`. Fix it on `trunk` (`folioctl validate` names each problem):\n\n" +
        "```text\naccounts/DU1.yaml:2:1: error: model: no model `x`\n```\n\n**",
    );
    expect(text).not.toContain("new here");
    expect(text).toContain(
      "with `limits:` and `tolerances:` from `trunk`, except where an account's section says it used its own.",
    );
  });
});
