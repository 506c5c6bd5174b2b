import { describe, expect, it } from "vitest";
import { readPlanHeader } from "../../src/gitops/plan-pull-request.js";

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
    expect(readPlanHeader("")).toBeUndefined();
  });
});
