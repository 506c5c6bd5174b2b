// `folioctl preview --pr N`: the pull request's portfolio.yaml as data, main's guardrails, one comment.
import { afterEach, describe, expect, it } from "vitest";
import { BOT, EXAMPLE, IN_BAND, LoopWorld, stopLoopWorlds, portfolioYaml } from "./support/loop-world.js";

afterEach(stopLoopWorlds);

/** Given main in band and a person's open pull request that changes portfolio.yaml. */
async function givenAnIntentPullRequest(
  proposed: string,
  main = portfolioYaml(IN_BAND),
): Promise<{ w: LoopWorld; number: number; headSha: string }> {
  const w = await LoopWorld.start({ portfolio: main });
  await w.alice.push(w.repo, { branch: "intent", files: { "portfolio.yaml": proposed } });
  const pull = await w.alice.openPullRequest(w.repo, { head: "intent", title: "Change the allocation" });
  return { w, number: pull.number, headSha: pull.headSha };
}

function previewComments(w: LoopWorld, number: number): string[] {
  return w.repo.comments
    .filter((c) => c.issueNumber === number && c.author === BOT)
    .map((c) => c.body)
    .filter((body) => body.startsWith("<!-- folioctl:comment preview -->\n"));
}

describe("folioctl preview", () => {
  it("comments the trades the pull request would cause, reading its portfolio.yaml as data at its head", async () => {
    const { w, number, headSha } = await givenAnIntentPullRequest(portfolioYaml(EXAMPLE));

    // Run outside any clone: preview needs no checkout of anything.
    const run = await w.run(["preview", "--pr", String(number)], { FOLIOCTL_CLIENT_ID: "21" }, w.root);

    expect(run.stderr).toContain(`preview: created the comment on #${number}`);
    expect(run.code).toBe(0);
    const [comment] = previewComments(w, number);
    expect(comment).toContain(`### folioctl preview of #${number}: the trades merging it would cause`);
    expect(comment).toContain(`\`portfolio.yaml\` at ${headSha.slice(0, 12)}`);
    expect(comment).toContain("| S1 | SELL | 10 | VTI | LMT |");
    expect(comment).not.toContain("<!-- folioctl:plan");
    expect(run.stdout).toContain("| B1 | BUY | 72 | BND | LMT |");
    const reads = w.github
      .requests({ operationId: "repos/get-content" })
      .map((r) => [r.path, r.query["ref"]]);
    // The layout at both refs (portfolio.yaml, or accounts/ and models/ for several accounts), as data.
    expect(reads.sort()).toEqual(
      [
        ["/repos/acme/ops/contents/portfolio.yaml", "main"],
        ["/repos/acme/ops/contents/accounts", "main"],
        ["/repos/acme/ops/contents/models", "main"],
        ["/repos/acme/ops/contents/portfolio.yaml", headSha],
        ["/repos/acme/ops/contents/accounts", headSha],
        ["/repos/acme/ops/contents/models", headSha],
      ].sort(),
    );
    expect(w.sim.orders()).toEqual([]);
  });

  it("keeps one comment: a second preview edits it", async () => {
    const { w, number } = await givenAnIntentPullRequest(portfolioYaml(EXAMPLE));
    await w.run(["preview", "--pr", String(number)]);

    const run = await w.run(["preview", "--pr", String(number)]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`preview: updated the comment on #${number}`);
    expect(previewComments(w, number)).toHaveLength(1);
  });

  it("comments every validation error with its line, and exits 1", async () => {
    const broken = portfolioYaml(EXAMPLE, (y) =>
      y.replace("weight: 40 #", "weigth: 40 #").replace("planTtl: 4h", "planTtl: soon"),
    );
    const { w, number } = await givenAnIntentPullRequest(broken);

    const run = await w.run(["preview", "--pr", String(number)]);

    expect(run.code).toBe(1);
    const [comment] = previewComments(w, number);
    expect(comment).toContain(`### folioctl preview of #${number}: portfolio.yaml is not valid`);
    expect(comment).toMatch(
      /portfolio\.yaml:8:5: error: targets\[0\]\.weigth: unknown key; did you mean `weight`\?/,
    );
    expect(comment).toMatch(/portfolio\.yaml:\d+:\d+: error: tolerances\.planTtl: /);
    expect(w.github.requests({ operationId: "repos/get-content" })).toHaveLength(6);
  });

  it("plans with main's limits, not the ones the pull request loosens", async () => {
    const tight = (yaml: string) => yaml.replace("maxOrderValue: 50000", "maxOrderValue: 2000");
    const loose = (yaml: string) => yaml.replace("maxOrderValue: 50000", "maxOrderValue: 900000");
    const { w, number } = await givenAnIntentPullRequest(
      portfolioYaml(EXAMPLE, loose),
      portfolioYaml(IN_BAND, tight),
    );

    const run = await w.run(["preview", "--pr", String(number)]);

    expect(run.code).toBe(1);
    const [comment] = previewComments(w, number);
    expect(comment).toContain("no plan can be made");
    expect(comment).toMatch(
      /portfolio\.yaml: limits\.maxOrderValue: B1 BUY 72 BND is worth about 5,220\.00 USD, over limits\.maxOrderValue \(2,000\.00 USD\)/,
    );
    expect(comment).toContain("This pull request changes `limits:`. The preview does not use it");
  });

  it("says when the change would suspend trading", async () => {
    const { w, number } = await givenAnIntentPullRequest(
      portfolioYaml(IN_BAND, (y) => y.replace("suspend: false", "suspend: true")),
    );

    const run = await w.run(["preview", "--pr", String(number)]);

    expect(run.code).toBe(0);
    expect(previewComments(w, number)[0]).toContain("trading would be suspended");
  });

  it("leaves a closed pull request alone", async () => {
    const { w, number } = await givenAnIntentPullRequest(portfolioYaml(EXAMPLE));
    await w.alice.closeWithoutMerge(w.repo, number);

    const run = await w.run(["preview", "--pr", String(number)]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`preview: #${number} is closed; nothing to preview`);
    expect(previewComments(w, number)).toEqual([]);
  });

  it("refuses a --pr that is not a number", async () => {
    const { w } = await givenAnIntentPullRequest(portfolioYaml(EXAMPLE));

    const run = await w.run(["preview", "--pr", "12; rm -rf /"]);

    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--pr "12; rm -rf /" is not a pull request number');
  });
});
