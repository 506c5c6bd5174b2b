// Who holds the apply lock: on GitHub Actions the runner, the actor and the run's page (so a person can
// check whether it still runs); elsewhere this machine, this user and this process.
import { hostname, userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { runIdentityFromEnv } from "../../src/gitops/run-identity.js";

const ACTIONS = {
  RUNNER_NAME: "runner-1",
  GITHUB_ACTOR: "octocat",
  GITHUB_RUN_ID: "4242",
  GITHUB_SERVER_URL: "https://github.example.com",
  GITHUB_REPOSITORY: "acme/ops",
  GITHUB_RUN_ATTEMPT: "2",
};

describe("runIdentityFromEnv", () => {
  it("names the runner and actor, and links the run's attempt on GitHub Actions", () => {
    expect(runIdentityFromEnv(ACTIONS, "folioctl apply --on-merge")).toEqual({
      holder: "folioctl apply --on-merge on runner-1 as octocat",
      runId: "https://github.example.com/acme/ops/actions/runs/4242/attempts/2",
      url: "https://github.example.com/acme/ops/actions/runs/4242/attempts/2",
    });
  });

  it("links the run itself without an attempt, on github.com when no server is named", () => {
    const { GITHUB_RUN_ATTEMPT: _, GITHUB_SERVER_URL: __, ...env } = ACTIONS;
    expect(runIdentityFromEnv({ ...env, GITHUB_SERVER_URL: "" }, "apply")).toEqual({
      holder: "apply on runner-1 as octocat",
      runId: "https://github.com/acme/ops/actions/runs/4242",
      url: "https://github.com/acme/ops/actions/runs/4242",
    });
  });

  it("keeps the bare run id, and no link, when the repository is not named", () => {
    const { GITHUB_REPOSITORY: _, ...env } = ACTIONS;
    const identity = runIdentityFromEnv(env, "apply");
    expect(identity).toEqual({ holder: "apply on runner-1 as octocat", runId: "4242" });
    expect("url" in identity).toBe(false);
  });

  it("names this machine, this user and this process outside CI", () => {
    const machine = hostname();
    expect(runIdentityFromEnv({ RUNNER_NAME: "", GITHUB_ACTOR: "", GITHUB_RUN_ID: "" }, "apply")).toEqual({
      holder: `apply on ${machine} as ${userInfo().username}`,
      runId: `pid ${process.pid} on ${machine}`,
    });
  });
});
