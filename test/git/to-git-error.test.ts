import { describe, expect, it } from "vitest";
import { GitError } from "../../src/errors.js";
import { isRefMoved, pushRejection, redactCredentials, toGitError } from "../../src/git/to-git-error.js";

// git's own words, as it prints them, turned into our messages.
describe("toGitError", () => {
  it("names authentication as the problem and the token permission as the fix", () => {
    const error = toGitError(
      new Error(
        "remote: Invalid username or password.\nfatal: Authentication failed for 'https://github.com/o/ops.git/'\n",
      ),
      "fetching main from origin",
    );
    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toBe(
      "fetching main from origin failed: Authentication failed for 'https://github.com/o/ops.git/'",
    );
    expect(error.hint).toMatch(/contents: write/);
  });

  it("keeps GitHub's reason for a refused push and drops git's advice", () => {
    const output = [
      "To https://github.com/o/ops.git",
      "!\tabc:refs/heads/main\t[remote rejected] (protected branch hook declined)",
      "Done",
      "remote: error: GH006: Protected branch update failed for refs/heads/main.        ",
      "error: failed to push some refs to 'https://github.com/o/ops.git'",
      "hint: Updates were rejected",
    ].join("\n");
    const error = toGitError(new Error(output), "pushing the ledger");
    expect(error.message).toBe(
      "pushing the ledger failed: the remote refused refs/heads/main (protected branch hook declined); " +
        "error: GH006: Protected branch update failed for refs/heads/main.",
    );
    expect(error.hint).toMatch(/add the folioctl GitHub App to the bypass list/);
  });

  it("masks credentials in URLs wherever they appear", () => {
    expect(redactCredentials("unable to access 'https://x-access-token:ghs_abc@github.com/o/r.git/'")).toBe(
      "unable to access 'https://***@github.com/o/r.git/'",
    );
    const error = toGitError(new Error("fatal: could not read from https://me:pw@host/r.git"), "fetching");
    expect(error.message).not.toContain("pw");
  });

  it("passes our own errors through unchanged", () => {
    const ours = new GitError("already explained", { hint: "nothing to add" });
    expect(toGitError(ours, "anything")).toBe(ours);
  });
});

describe("pushRejection", () => {
  it("reads the refused ref and reason from porcelain output, deletions included", () => {
    expect(
      pushRejection(new Error("To o\n!\t(delete):refs/folioctl/locks/DU1\t[rejected] (stale info)\nDone\n")),
    ).toEqual({
      ref: "refs/folioctl/locks/DU1",
      kind: "rejected",
      reason: "stale info",
    });
    expect(pushRejection(new Error("fatal: unable to access"))).toBeNull();
  });
});

describe("isRefMoved", () => {
  const porcelain = (status: string, reason: string) =>
    new Error(`To o\n!\trefs/heads/x:refs/heads/main\t[${status}] (${reason})\nDone\n`);

  it.each([
    ["rejected", "stale info"],
    ["rejected", "fetch first"],
    ["rejected", "non-fast-forward"],
    ["remote rejected", "failed to update ref"],
    // GitHub's words when its compare-and-swap of the ref fails, and newer git's.
    ["remote rejected", "cannot lock ref 'refs/heads/main': is at 1111111 but expected 2222222"],
    ["remote rejected", "incorrect old value provided"],
    ["remote rejected", "reference already exists"],
  ])("knows [%s] (%s) as a ref that moved, to read again and retry", (status, reason) => {
    expect(isRefMoved(pushRejection(porcelain(status, reason)))).toBe(true);
  });

  it.each([
    ["remote rejected", "pre-receive hook declined"],
    ["remote rejected", "protected branch hook declined"],
    ["rejected", "permission denied"],
  ])("does not retry [%s] (%s): the push can never succeed", (status, reason) => {
    expect(isRefMoved(pushRejection(porcelain(status, reason)))).toBe(false);
  });

  it("does not retry what is no push rejection at all", () => {
    expect(isRefMoved(pushRejection(new Error("fatal: unable to access")))).toBe(false);
  });
});
