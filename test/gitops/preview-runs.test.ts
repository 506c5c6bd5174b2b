// runPreview (preview.ts) on a portfolio.yaml repository: what merging each of several open intent pull
// requests would trade, commented on that pull request and no other, with main's guardrails. One world
// for the file: main in band, and one person's pull request per case, opened once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGatewaySnapshot } from "../../src/broker/read-gateway-snapshot.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Forge } from "../../src/forge/forge.js";
import { runPreview, type PreviewOptions } from "../../src/gitops/preview.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { BOT, EXAMPLE, IN_BAND, LoopWorld, portfolioYaml, stopLoopWorlds } from "./support/loop-world.js";
import { previewDeps } from "./support/preview-deps.js";

const NOW = "2026-12-03T15:00:00.000Z";
let w: LoopWorld;
const snapshots = new Map<string, Promise<Snapshot>>();
let forge: Forge;
/** Each case's open pull request: its number and head. */
const pulls: Record<string, { number: number; headSha: string }> = {};

const loose = (yaml: string) =>
  yaml
    .replace("maxOrderValue: 50000", "maxOrderValue: 900000")
    .replace(/priceMoveBps: \d+/, "priceMoveBps: 999");
const CASES: Record<string, Record<string, string | null>> = {
  trades: { "portfolio.yaml": portfolioYaml(EXAMPLE) },
  loosened: { "portfolio.yaml": portfolioYaml(EXAMPLE, loose) },
  // A new allocation that turns over about half the account, with maxTurnover raised to allow it.
  turnover: {
    "portfolio.yaml": portfolioYaml({ VTI: 10, BND: 10, VNQ: 75, cash: 5 }, (y) =>
      y.replace("maxTurnover: 30", "maxTurnover: 100"),
    ),
  },
  limitsOnly: {
    "portfolio.yaml": portfolioYaml(EXAMPLE, (y) =>
      y.replace("maxOrderValue: 50000", "maxOrderValue: 60000"),
    ),
  },
  inBand: { "portfolio.yaml": portfolioYaml(IN_BAND, (y) => `${y}# reviewed\n`) },
  suspend: { "portfolio.yaml": portfolioYaml(IN_BAND, (y) => y.replace("suspend: false", "suspend: true")) },
  invalid: { "portfolio.yaml": portfolioYaml(EXAMPLE, (y) => y.replace("weight: 40 #", "weigth: 40 #")) },
  deleted: { "portfolio.yaml": null },
  closed: { "portfolio.yaml": portfolioYaml(EXAMPLE) },
  merged: { "README.md": "# acme/ops\n\nReviewed.\n" },
  // Changes no intent file: the one account is planned all the same.
  readme: { "README.md": "# acme/ops\n\nTo read.\n" },
};

beforeAll(async () => {
  w = await LoopWorld.start({ portfolio: portfolioYaml(IN_BAND) });
  for (const [name, files] of Object.entries(CASES)) {
    await w.alice.push(w.repo, { branch: name, files });
    const pull = await w.alice.openPullRequest(w.repo, { head: name, title: name });
    pulls[name] = { number: pull.number, headSha: pull.headSha };
  }
  await w.alice.closeWithoutMerge(w.repo, pulls["closed"]!.number);
  await w.bob.approve(w.repo, pulls["merged"]!.number);
  await w.bob.merge(w.repo, pulls["merged"]!.number);
  forge = createGitHubForge(w.env);
});
afterAll(stopLoopWorlds);

/** One read per portfolio: the simulator's quotes carry their time, which a second read moves. */
function deps() {
  return previewDeps(forge, NOW, (portfolio) => {
    const key = JSON.stringify(portfolio);
    const read =
      snapshots.get(key) ??
      readGatewaySnapshot(
        { host: "127.0.0.1", port: w.sim.port, clientId: 41 },
        portfolio,
        () => new Date(NOW),
      );
    snapshots.set(key, read);
    return read;
  });
}

const preview = (name: string, over: Partial<PreviewOptions> = {}) => {
  const { deps: d, lines } = deps();
  return runPreview(d, { pr: pulls[name]!.number, mainBranch: "main", ...over }).then((result) => ({
    result,
    lines,
  }));
};

/** The bot's comments, by pull request number. */
function commentsByPull(): Map<number, string[]> {
  const byPull = new Map<number, string[]>();
  for (const c of w.repo.comments.filter((c) => c.author === BOT)) {
    byPull.set(c.issueNumber, [...(byPull.get(c.issueNumber) ?? []), c.body]);
  }
  return byPull;
}

describe("runPreview", () => {
  it("comments the trades on the pull request it previews, and on no other; a second run edits the same comment", async () => {
    const { number, headSha } = pulls["trades"]!;
    const before = commentsByPull();

    const { result, lines } = await preview("trades");

    expect(result).toMatchObject({ outcome: "trades", exitCode: 0, commentOutcome: "created" });
    expect(result.comment).toContain(`### folioctl preview of #${number}: the trades merging it would cause`);
    expect(result.comment).toContain(`\`portfolio.yaml\` at ${headSha.slice(0, 12)}`);
    // main has the account's file: its guardrails are the ones used, and the account is not new.
    expect(result.comment).toContain("with `limits:` and `tolerances:` from `main`");
    expect(result.comment).not.toContain("has no file for this account yet");
    expect(result.comment).not.toContain("changes `limits:`");
    expect(lines).toEqual([`preview: created the comment on #${number}`]);
    const after = commentsByPull();
    expect(after.get(number)).toEqual([`<!-- folioctl:comment preview -->\n${result.comment}`]);
    for (const [other, bodies] of after) if (other !== number) expect(bodies).toEqual(before.get(other));

    const again = await preview("trades");
    expect(again.result.commentOutcome).toBe("unchanged");
    expect(again.lines).toEqual([`preview: kept the comment on #${number}`]);
    expect(commentsByPull().get(number)).toHaveLength(1);
    expect(w.sim.orders()).toEqual([]);
  });

  it("plans with main's limits and tolerances, and names each section the pull request changes", async () => {
    const both = await preview("loosened");
    expect(both.result).toMatchObject({ outcome: "trades", exitCode: 0 });
    expect(both.result.comment).toContain("This pull request changes `limits:` and `tolerances:`");

    // Main's 30% turnover limit refuses what the pull request's own 100% would let through.
    const turnover = await preview("turnover");
    expect(turnover.result).toMatchObject({ outcome: "unplannable", exitCode: 1 });
    expect(turnover.result.comment).toMatch(/limits\.maxTurnover: .* over limits\.maxTurnover \(30%\)/);

    const one = await preview("limitsOnly");
    expect(one.result.comment).toContain("This pull request changes `limits:`. The preview does not use it");
  });

  it("says there is nothing to trade for a portfolio.yaml the account already holds", async () => {
    const { result } = await preview("inBand");
    expect(result).toMatchObject({ outcome: "nothing-to-do", exitCode: 0 });
  });

  it("says when the change would suspend trading, reading no account", async () => {
    const { deps: d } = deps();
    const result = await runPreview(
      { ...d, snapshot: () => Promise.reject(new Error("no snapshot while suspended")) },
      { pr: pulls["suspend"]!.number, mainBranch: "main" },
    );
    expect(result).toMatchObject({ outcome: "suspended", exitCode: 0 });
    expect(result.comment).toContain("trading would be suspended");
  });

  it("comments each problem of an invalid file, or its deletion, and exits 1", async () => {
    const invalid = await preview("invalid");
    expect(invalid.result).toMatchObject({ outcome: "invalid", exitCode: 1, commentOutcome: "created" });
    expect(invalid.result.comment).toMatch(
      /portfolio\.yaml:8:5: error: targets\[0\]\.weigth: unknown key; did you mean `weight`\?/,
    );

    const deleted = await preview("deleted");
    expect(deleted.result).toMatchObject({ outcome: "invalid", exitCode: 1 });
    expect(deleted.result.comment).toContain("portfolio.yaml: error: this pull request deletes the file");
  });

  it("leaves a closed or merged pull request alone, saying which", async () => {
    const comments = w.repo.comments.length;
    const closed = await preview("closed");
    expect(closed.result).toEqual({ outcome: "closed", exitCode: 0 });
    expect(closed.lines).toEqual([`preview: #${pulls["closed"]!.number} is closed; nothing to preview`]);
    const merged = await preview("merged");
    expect(merged.lines).toEqual([`preview: #${pulls["merged"]!.number} is merged; nothing to preview`]);
    expect(w.repo.comments).toHaveLength(comments);
  });

  it("comments as its group, and refuses a group neither main nor the pull request has", async () => {
    const { number } = pulls["inBand"]!;
    const { result, lines } = await preview("inBand", { group: "default" });
    expect(result.outcome).toBe("nothing-to-do");
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^preview: (created|updated) the comment on #${number}$`)),
    ]);
    expect(commentsByPull().get(number)).toContainEqual(
      expect.stringMatching(/^<!-- folioctl:comment preview-group-default -->\n/),
    );

    const comments = w.repo.comments.length;
    await expect(preview("trades", { group: "nope" })).rejects.toThrow(
      `there is no account in group \`nope\` on main or in #${pulls["trades"]!.number}`,
    );
    expect(w.repo.comments).toHaveLength(comments);
  });

  it("plans the one account of a portfolio.yaml repository though the pull request changes no intent file", async () => {
    const { headSha } = pulls["readme"]!;
    const { result } = await preview("readme");
    expect(result).toMatchObject({ outcome: "nothing-to-do", exitCode: 0 });
    expect(result.comment).toContain(`\`portfolio.yaml\` at ${headSha.slice(0, 12)}`);
  });

  it("refuses to preview against a main without a valid portfolio.yaml, commenting nothing", async () => {
    const comments = w.repo.comments.length;
    await expect(preview("trades", { mainBranch: "deleted" })).rejects.toMatchObject({
      message: `there is no portfolio.yaml on deleted in ${forge.repository}`,
      hint: "preview takes limits and tolerances from portfolio.yaml (or the account files) on deleted: merge one first (`folioctl init` writes it)",
    });
    await expect(preview("trades", { mainBranch: "invalid" })).rejects.toMatchObject({
      message: "portfolio.yaml on invalid is not valid, so its limits cannot be used",
      hint: "fix portfolio.yaml on invalid first (`folioctl validate` names the problems)",
    });
    expect(w.repo.comments).toHaveLength(comments);
  });
});
