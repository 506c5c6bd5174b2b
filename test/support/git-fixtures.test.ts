import { afterEach, describe, expect, it } from "vitest";
import { createGitSandbox, INITIAL_FILES, PERSON } from "./git-fixtures.js";
import type { GitSandbox } from "./git-fixtures.js";

const sandboxes: GitSandbox[] = [];
const sandbox = async (files?: Record<string, string>) => {
  const made = await createGitSandbox(files);
  sandboxes.push(made);
  return made;
};

afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((made) => made.cleanup()));
});

describe("git sandboxes", () => {
  it("clone origin as git does, committing as PERSON, before and after a push", async () => {
    const box = await sandbox();
    const first = await box.clone("first");
    const main = await box.originRef("refs/heads/main");

    const config = (dir: string, key: string) => box.git(dir, ["config", "--get", key]);
    expect(await config(first, "remote.origin.url")).toBe(box.origin);
    expect(await config(first, "user.name")).toBe(PERSON.name);
    expect(await config(first, "user.email")).toBe(PERSON.email);
    expect(await box.git(first, ["rev-parse", "HEAD", "origin/main"])).toBe(`${main}\n${main}`);
    expect(await box.git(first, ["status", "--porcelain"])).toBe("");
    expect(await box.git(first, ["reflog", "-1", "--format=%gs"])).toBe(`clone: from ${box.origin}`);
    expect(await box.git(first, ["show", "HEAD:portfolio.yaml"])).toBe(
      INITIAL_FILES["portfolio.yaml"]?.trimEnd(),
    );

    const pushed = await box.commitAndPush(first, { "notes/a.txt": "a\n" }, "Notes");
    const second = await box.clone("nested/second");
    expect(await box.git(second, ["rev-parse", "HEAD"])).toBe(pushed);
    expect(await config(second, "remote.origin.url")).toBe(box.origin);
    expect(await config(second, "user.name")).toBe(PERSON.name);
    expect(await box.git(second, ["status", "--porcelain"])).toBe("");
  });

  it("keeps sandboxes apart, each with the initial files it was given", async () => {
    const one = await sandbox();
    const two = await sandbox({ "other.txt": "other\n" });
    const three = await sandbox();

    await one.commitAndPush(await one.clone("c"), { "x.txt": "x\n" }, "Only in one");

    expect(await three.originFile("main", "x.txt")).toBeNull();
    expect(await three.originFile("main", "portfolio.yaml")).toBe(INITIAL_FILES["portfolio.yaml"]?.trimEnd());
    expect(await two.originFile("main", "other.txt")).toBe("other");
    expect(await two.originFile("main", "portfolio.yaml")).toBeNull();
    expect(await one.git(await three.clone("c"), ["log", "--format=%an %s"])).toBe(
      `${PERSON.name} Initial commit`,
    );
  });
});
