import { describe, expect, it } from "vitest";
import { GITHUB_BODY_LIMIT } from "../../src/core/render-markdown.js";
import {
  planPullRequestBody,
  planPullRequestTitle,
  readPlanHeader,
} from "../../src/gitops/plan-pull-request.js";
import { checkScenario } from "../apply/support/check-scenario.js";

const HASH = "a".repeat(64);

describe("readPlanHeader", () => {
  it("reads account and hash from the first line of the body", () => {
    const body = `<!-- folioctl:plan {"account":"DU1234567","hash":"${HASH}"} -->\n### folioctl plan`;
    expect(readPlanHeader(body)).toEqual({ account: "DU1234567", hash: HASH });
  });

  it("ignores a header anywhere but the first line, a broken one, and one without both fields", () => {
    const header = `<!-- folioctl:plan {"account":"DU1234567","hash":"${HASH}"} -->`;
    expect(readPlanHeader(`Looks good\n${header}`)).toBeUndefined();
    expect(readPlanHeader(`<!-- folioctl:plan {"account": -->`)).toBeUndefined();
    expect(readPlanHeader(`<!-- folioctl:plan {"account":"DU1234567"} -->`)).toBeUndefined();
    expect(readPlanHeader(`<!-- folioctl:plan {"account":"DU1","hash":7} -->`)).toBeUndefined();
    expect(readPlanHeader(`<!-- folioctl:plan {"hash":"${HASH}"} -->`)).toBeUndefined();
    expect(readPlanHeader("<!-- folioctl:plan {not json} -->")).toBeUndefined();
    // The header is the whole first line, nothing before or after it.
    expect(readPlanHeader(`Quoted: ${header}`)).toBeUndefined();
    expect(readPlanHeader(`${header} and more`)).toBeUndefined();
    expect(readPlanHeader(`<!-- folioctl:plan {"account":7,"hash":"${HASH}"} -->`)).toBeUndefined();
    expect(readPlanHeader("")).toBeUndefined();
  });
});

describe("the rebalance pull request's title and body", () => {
  const { plan } = checkScenario();

  it("titles it with the account and what the orders do", () => {
    expect(planPullRequestTitle(plan)).toBe("Rebalance DU1234567: 1 sell, 1 buy");
    expect(planPullRequestTitle({ ...plan, account: "DU7", orders: [] })).toBe(
      "Rebalance DU7: 0 sells, 0 buys",
    );
  });

  it("opens the body with the plan's header and closes it with what merging does, within GitHub's limit", () => {
    const body = planPullRequestBody(plan, 250);
    expect(readPlanHeader(body)).toEqual({ account: "DU1234567", hash: plan.hash });
    expect(
      body.endsWith(
        "\n---\nMerging this pull request places exactly these orders (`folioctl apply --on-merge`), after an " +
          "approval at its latest commit. folioctl keeps it up to date; never edit `plans/DU1234567.plan.json` by " +
          "hand: an edited plan is refused as `tampered`.\n",
      ),
    ).toBe(true);
    expect(body).toContain("250.00");
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
  });

  it("cuts a plan that cannot fit, and keeps the footer whole within GitHub's limit", () => {
    const body = planPullRequestBody({ ...plan, toolVersion: "x".repeat(GITHUB_BODY_LIMIT) }, 0);
    expect(body).toContain("the full plan is in plans/DU1234567.plan.json.");
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body.endsWith("an edited plan is refused as `tampered`.\n")).toBe(true);
  });

  it("shortens a plan too long for GitHub, naming the plan file, and keeps the footer whole", () => {
    const many = {
      ...plan,
      orders: Array.from({ length: 3000 }, (_, i) => ({ ...plan.orders[0]!, leg: `L${i}`, symbol: `S${i}` })),
    };
    const body = planPullRequestBody(many, 0);
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toMatch(
      /Showing the \d+ largest of 3000 orders; all of them are in plans\/DU1234567\.plan\.json\./,
    );
    expect(body.endsWith("an edited plan is refused as `tampered`.\n")).toBe(true);
  });
});
