import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OPERATION_IDS } from "../../scripts/extract-github-openapi.js";
import { FakeGitHub } from "./fake-github/index.js";
import type { FakeGitHubUser, FakeRepo } from "./fake-github/index.js";
import { OpenApiContract } from "./fake-github/openapi-contract.js";
import { REPO_ROOT } from "./run-cli.js";

let github: FakeGitHub;
let repo: FakeRepo;
let alice: FakeGitHubUser;
let bob: FakeGitHubUser;

beforeEach(async () => {
  github = await FakeGitHub.start();
  repo = await github.createRepo("acme", "ops", { files: { "portfolio.yaml": "a: 1\n" } });
  alice = github.addUser("alice");
  bob = github.addUser("bob");
});

afterEach(async () => {
  await github.stop();
  github.assertNoViolations();
});

async function raw(
  method: string,
  path: string,
  body?: unknown,
  token = alice.token,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${github.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : JSON.parse(text) };
}

const aliceEmail = () =>
  `${github.world.users.find((u) => u.login === "alice")?.id}+alice@users.noreply.github.com`;
const bobEmail = () =>
  `${github.world.users.find((u) => u.login === "bob")?.id}+bob@users.noreply.github.com`;

async function openEdit(content = "a: 2\n", branch = "edit"): Promise<number> {
  await alice.push(repo, { branch, files: { "portfolio.yaml": content } });
  return (await alice.openPullRequest(repo, { head: branch, title: `Edit ${branch}` })).number;
}

describe("the OpenAPI contract", () => {
  it("answers an unknown route 404 and records it, so the test fails", async () => {
    const answer = await raw("GET", "/repos/acme/ops/branches");

    expect(answer.status).toBe(404);
    expect(() => github.assertNoViolations()).toThrow(
      "fake GitHub saw 1 contract violation(s):\n  - GET /repos/acme/ops/branches: no such route in the subset",
    );
    github.takeViolations();
  });

  it("fails the test of a fault no request used, which would fail a later test's request instead", async () => {
    const pull = await openEdit();
    github.failNext({ operationId: "pulls/get", status: 502, message: "Server Error" });

    expect(() => github.assertNoViolations()).toThrow(
      "fake GitHub saw 1 contract violation(s):\n  - a failNext fault for pulls/get was left unused 1 time(s)",
    );
    // Used up, it is no longer reported.
    expect((await raw("GET", `/repos/acme/ops/pulls/${pull}`)).status).toBe(502);
    expect(() => github.assertNoViolations()).not.toThrow();
  });

  it("flags a known path with a method GitHub does not have there", async () => {
    const pull = await openEdit();

    expect((await raw("DELETE", `/repos/acme/ops/pulls/${pull}`)).status).toBe(404);
    expect(github.takeViolations()).toEqual([
      `DELETE /repos/acme/ops/pulls/${pull}: no such route in the subset`,
    ]);
  });

  it("flags a request body off the description", async () => {
    await raw("POST", "/repos/acme/ops/pulls", { head: 1, base: "main", title: "t" });

    expect(github.takeViolations()).toEqual([
      "POST /repos/acme/ops/pulls (pulls/create): request body: /head must be string",
    ]);
  });

  it("flags a query parameter GitHub does not take, and a wrong value", async () => {
    await raw("GET", "/repos/acme/ops/pulls?state=merged&colour=red");

    expect(github.takeViolations()).toEqual([
      "GET /repos/acme/ops/pulls (pulls/list): query parameter state: / must be equal to one of the allowed values",
      "GET /repos/acme/ops/pulls (pulls/list): query parameter colour is not in the description",
    ]);
  });

  it("would flag a response that GitHub would not send", () => {
    const contract = new OpenApiContract();

    expect(contract.checkResponse("pulls/get", 200, { number: 1 })).toMatch(
      /^pulls\/get 200 response: \/ must have required property/,
    );
    expect(
      contract.checkResponse("issues/get-label", 200, {
        id: 1,
        node_id: "x",
        url: "http://h/l",
        name: "n",
        description: null,
        color: "fff",
        default: "no",
      }),
    ).toBe("issues/get-label 200 response: /default must be boolean");
    expect(contract.checkResponse("pulls/get", 201, {})).toBe(
      "pulls/get: status 201 is not a documented response",
    );
    // GitHub documents few 401s; an undocumented error status must still be its basic error shape.
    expect(contract.checkResponse("pulls/list-reviews", 401, { message: "Bad credentials" })).toBeUndefined();
    expect(contract.checkResponse("pulls/list-reviews", 401, { message: 1 })).toBeDefined();
  });

  it("covers exactly the operations the extraction script lists", () => {
    expect(new OpenApiContract().operationIds().sort()).toEqual([...OPERATION_IDS].sort());
  });

  it("answers 401 to a request without a valid token", async () => {
    const answer = await raw("GET", "/repos/acme/ops/pulls", undefined, "nope");

    expect(answer).toEqual({ status: 401, json: expect.objectContaining({ message: "Bad credentials" }) });
  });

  it("logs every request with who sent it", async () => {
    await openEdit();

    expect(
      github
        .requests()
        .map((request) => [request.method, request.operationId, request.login, request.status]),
    ).toEqual([["POST", "pulls/create", "alice", 201]]);
  });
});

describe("pull requests over the bare repository", () => {
  it("follows the head branch while open and freezes it when closed", async () => {
    const pull = await openEdit();
    const moved = await alice.push(repo, { branch: "edit", files: { "b.txt": "b\n" } });
    expect(
      ((await raw("GET", `/repos/acme/ops/pulls/${pull}`)).json as { head: { sha: string } }).head.sha,
    ).toBe(moved);

    await alice.closeWithoutMerge(repo, pull);
    await alice.push(repo, { branch: "edit", files: { "c.txt": "c\n" } });

    expect(
      ((await raw("GET", `/repos/acme/ops/pulls/${pull}`)).json as { head: { sha: string } }).head.sha,
    ).toBe(moved);
  });

  it("merges into a real merge commit on the base branch", async () => {
    const pull = await openEdit();
    const before = await repo.git.branchSha("main");
    const head = await repo.git.branchSha("edit");

    const sha = await bob.merge(repo, pull);

    expect(await repo.git.branchSha("main")).toBe(sha);
    expect(await repo.git.log(sha, "%P|%an|%cn|%s")).toContain(
      `${before} ${head}|bob|GitHub|Merge pull request #${pull} from acme/edit`,
    );
    expect(await repo.git.readBlob((await repo.git.entryAt(sha, "portfolio.yaml"))?.sha ?? "")).toEqual(
      Buffer.from("a: 2\n"),
    );
  });

  it("refuses to merge a conflicting pull request with GitHub's 405", async () => {
    const pull = await openEdit("a: 2\n");
    await alice.push(repo, { branch: "main", files: { "portfolio.yaml": "a: 3\n" } });

    const answer = await raw("PUT", `/repos/acme/ops/pulls/${pull}/merge`, {});

    expect(answer).toEqual({
      status: 405,
      json: expect.objectContaining({ message: "Pull Request is not mergeable" }),
    });
    expect(
      ((await raw("GET", `/repos/acme/ops/pulls/${pull}`)).json as { mergeable: boolean }).mergeable,
    ).toBe(false);
  });

  it("refuses a merge at a head that moved with GitHub's 409", async () => {
    const pull = await openEdit();
    const old = (await repo.git.branchSha("edit")) as string;
    await alice.push(repo, { branch: "edit", files: { "late.txt": "late\n" } });

    const answer = await raw("PUT", `/repos/acme/ops/pulls/${pull}/merge`, { sha: old });

    expect(answer.status).toBe(409);
  });

  it("refuses a second open pull request from the same branch, as GitHub does", async () => {
    await openEdit();

    await expect(alice.openPullRequest(repo, { head: "edit", title: "again" })).rejects.toThrow(
      "A pull request already exists for acme:edit.",
    );
  });

  it("lists open pull requests for a commit not yet on main, merged ones once it is", async () => {
    const pull = await openEdit();
    const head = (await repo.git.branchSha("edit")) as string;
    const numbers = async (sha: string): Promise<number[]> =>
      ((await raw("GET", `/repos/acme/ops/commits/${sha}/pulls`)).json as Array<{ number: number }>).map(
        (p) => p.number,
      );

    expect(await numbers(head)).toEqual([pull]);
    const merge = await bob.merge(repo, pull);
    expect(await numbers(head)).toEqual([pull]);
    expect(await numbers(merge)).toEqual([pull]);
  });

  it("lists a directory through the contents API", async () => {
    await alice.push(repo, {
      branch: "main",
      files: { "plans/U1.plan.json": "{}\n", "plans/U2.plan.json": "{}\n" },
    });

    const answer = await raw("GET", "/repos/acme/ops/contents/plans");

    expect(
      (answer.json as Array<{ path: string; type: string }>).map((entry) => [entry.path, entry.type]),
    ).toEqual([
      ["plans/U1.plan.json", "file"],
      ["plans/U2.plan.json", "file"],
    ]);
  });

  it("paginates with a Link header", async () => {
    for (let i = 0; i < 3; i += 1) await openEdit(`a: ${i + 10}\n`, `b${i}`);

    const response = await fetch(`${github.url}/repos/acme/ops/pulls?per_page=2`, {
      headers: { authorization: `token ${alice.token}` },
    });

    expect(response.headers.get("link")).toContain('page=2>; rel="next"');
    expect(((await response.json()) as unknown[]).length).toBe(2);
  });
});

describe("pushes as a user", () => {
  it("commit exactly the files given, odd names included, and show nothing but branches over git", async () => {
    const odd = 'plans/a "quoted"\\name\nwith a newline.json';
    const first = await alice.push(repo, {
      branch: "edit",
      files: { [odd]: "{}\n", "deep/er/x.txt": "x\n", "portfolio.yaml": "a: 2\n" },
      message: "Several files",
    });
    const second = await bob.push(repo, { branch: "edit", files: { "deep/er/x.txt": null } });

    const root = async (sha: string) =>
      (await repo.git.listDirectory(sha, "")).map((entry) => entry.path).sort();
    expect(await root(first)).toEqual(["deep", "plans", "portfolio.yaml"]);
    // git's own listing, NUL-separated: the name as given, not C-quoted.
    const { execFileSync } = await import("node:child_process");
    const tree = (sha: string) =>
      execFileSync("git", ["--git-dir", repo.git.gitDir, "ls-tree", "-r", "-z", "--name-only", sha], {
        encoding: "utf8",
      })
        .split("\0")
        .filter(Boolean);
    expect(tree(first)).toEqual(["deep/er/x.txt", odd, "portfolio.yaml"]);
    expect(tree(second)).toEqual([odd, "portfolio.yaml"]);
    expect(await root(second)).toEqual(["plans", "portfolio.yaml"]);
    expect(
      execFileSync("git", ["--git-dir", repo.git.gitDir, "cat-file", "blob", `${second}:${odd}`], {
        encoding: "utf8",
      }),
    ).toBe("{}\n");
    expect(await repo.git.log(second, "%P|%an|%ae|%cn|%s")).toEqual([
      `${first}|bob|${bobEmail()}|bob|Update deep/er/x.txt`,
      `${await repo.git.branchSha("main")}|alice|${aliceEmail()}|alice|Several files`,
      expect.stringMatching(/\|acme\|acme@users\.noreply\.github\.com\|acme\|Initial commit$/),
    ]);
    // What a clone sees: the two branches, no ref the fake used on the way.
    const remote = execFileSync("git", ["ls-remote", repo.git.gitDir], { encoding: "utf8" });
    expect(
      remote
        .trim()
        .split("\n")
        .map((line) => line.split("\t")[1]),
    ).toEqual(["HEAD", "refs/heads/edit", "refs/heads/main"]);
  });

  it("branches from the default branch, or from `from`, and refuses a `from` that does not exist", async () => {
    const main = await repo.git.branchSha("main");
    const side = await alice.push(repo, { branch: "side", files: { "s.txt": "s\n" } });
    const fromSide = await alice.push(repo, { branch: "next", files: { "n.txt": "n\n" }, from: "side" });

    expect((await repo.git.commitInfo(side)).parents).toEqual([main]);
    expect((await repo.git.commitInfo(fromSide)).parents).toEqual([side]);
    await expect(alice.push(repo, { branch: "other", files: {}, from: "nope" })).rejects.toThrow(
      "cannot branch other from nope: no such ref",
    );
    expect(await repo.git.branchSha("other")).toBeUndefined();
  });
});

describe("running on its own", () => {
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    child = undefined;
  });

  it("prints its URL and tokens and serves until stopped", async () => {
    child = spawn(
      process.execPath,
      ["--import", "./scripts/register-ts.mjs", "test/support/fake-github/serve.ts", "--user", "carol"],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const [line] = (await once(
      createInterface({ input: child.stdout as NodeJS.ReadableStream }),
      "line",
    )) as [string];
    const info = JSON.parse(line ?? "{}") as {
      url: string;
      users: Record<string, string>;
      repository: string;
    };

    const response = await fetch(`${info.url}/user`, {
      headers: { authorization: `token ${info.users["carol"]}` },
    });

    expect(info.repository).toBe("acme/ops");
    expect(((await response.json()) as { login: string }).login).toBe("carol");
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
