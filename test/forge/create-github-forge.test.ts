import { afterEach, describe, expect, it } from "vitest";
import { ForgeError } from "../../src/errors.js";
import { createGitHubForge, githubForgeOptionsFromEnv } from "../../src/forge/create-github-forge.js";
import { FakeGitHub } from "../support/fake-github/index.js";

describe("forge settings from the environment", () => {
  it("takes the token from GITHUB_TOKEN and the repository from GITHUB_REPOSITORY", () => {
    const options = githubForgeOptionsFromEnv({ GITHUB_TOKEN: "t1", GITHUB_REPOSITORY: "acme/ops" });

    expect(options).toEqual({
      token: "t1",
      owner: "acme",
      repo: "ops",
      apiUrl: "https://api.github.com",
      paceWrites: true,
    });
  });

  it("prefers FOLIOCTL_GITHUB_TOKEN over GITHUB_TOKEN", () => {
    const options = githubForgeOptionsFromEnv({
      GITHUB_TOKEN: "workflow",
      FOLIOCTL_GITHUB_TOKEN: "own",
      GITHUB_REPOSITORY: "acme/ops",
    });

    expect(options.token).toBe("own");
  });

  it("uses GitHub Enterprise Server's API URL from the environment, or an explicit one", () => {
    const env = {
      GITHUB_TOKEN: "t",
      GITHUB_REPOSITORY: "acme/ops",
      GITHUB_API_URL: "https://ghe.example.com/api/v3",
    };

    expect(githubForgeOptionsFromEnv(env).apiUrl).toBe("https://ghe.example.com/api/v3");
    expect(
      githubForgeOptionsFromEnv({ ...env, FOLIOCTL_GITHUB_API_URL: "https://other/api/v3" }).apiUrl,
    ).toBe("https://other/api/v3");
    expect(githubForgeOptionsFromEnv(env, { apiUrl: "http://127.0.0.1:1" }).apiUrl).toBe(
      "http://127.0.0.1:1",
    );
  });

  it("knows the workflow token's bot only inside GitHub Actions, and takes FOLIOCTL_BOT_LOGIN first", () => {
    const env = { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "acme/ops" };

    expect(githubForgeOptionsFromEnv({ ...env, GITHUB_ACTIONS: "true" }).botLogin).toBe(
      "github-actions[bot]",
    );
    expect(githubForgeOptionsFromEnv(env).botLogin).toBeUndefined();
    // A token of its own is some other account: ask GitHub who it is.
    expect(
      githubForgeOptionsFromEnv({ ...env, GITHUB_ACTIONS: "true", FOLIOCTL_GITHUB_TOKEN: "pat" }).botLogin,
    ).toBeUndefined();
    expect(githubForgeOptionsFromEnv({ ...env, FOLIOCTL_BOT_LOGIN: "ops-bot" }).botLogin).toBe("ops-bot");
  });

  it("turns write pacing off only when asked", () => {
    const env = { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "acme/ops" };

    expect(githubForgeOptionsFromEnv({ ...env, FOLIOCTL_GITHUB_WRITE_PACING: "off" }).paceWrites).toBe(false);
  });

  it("says what to set when the token is missing", () => {
    const error = thrown(() =>
      githubForgeOptionsFromEnv({ GITHUB_REPOSITORY: "acme/ops", GITHUB_TOKEN: " " }),
    );

    expect(error).toBeInstanceOf(ForgeError);
    expect(error.message).toBe("No GitHub token: neither FOLIOCTL_GITHUB_TOKEN nor GITHUB_TOKEN is set.");
    // The operations guide forbids the workflow's token for propose and apply: the hint must not offer it.
    expect(error.hint).toContain("pass its installation token as FOLIOCTL_GITHUB_TOKEN");
    expect(error.hint).toContain("never the workflow's GITHUB_TOKEN");
    expect(error.hint).not.toContain("secrets.GITHUB_TOKEN");
  });

  it("says what is wrong with the repository, without the token", () => {
    const error = thrown(() =>
      githubForgeOptionsFromEnv({ GITHUB_TOKEN: "secret-token", GITHUB_REPOSITORY: "just-a-name" }),
    );

    expect(error.message).toBe('The repository "just-a-name" is not of the form owner/name.');
    expect(`${error.message} ${error.hint}`).not.toContain("secret-token");
    expect(() => githubForgeOptionsFromEnv({ GITHUB_TOKEN: "t" })).toThrow(
      "No repository: GITHUB_REPOSITORY is not set.",
    );
  });

  it("refuses an API URL that is not http(s)", () => {
    expect(() =>
      githubForgeOptionsFromEnv({
        GITHUB_TOKEN: "t",
        GITHUB_REPOSITORY: "acme/ops",
        GITHUB_API_URL: "ftp://x",
      }),
    ).toThrow('The GitHub API URL "ftp://x" is not an http(s) URL.');
  });
});

describe("a forge built from the environment", () => {
  let github: FakeGitHub | undefined;

  afterEach(async () => {
    await github?.stop();
    github?.assertNoViolations();
  });

  it("talks to the API URL it was given, as the token's account", async () => {
    github = await FakeGitHub.start();
    await github.createRepo("acme", "ops");
    const bot = github.addUser("folioctl-bot");

    const forge = createGitHubForge({
      FOLIOCTL_GITHUB_TOKEN: bot.token,
      GITHUB_REPOSITORY: "acme/ops",
      FOLIOCTL_GITHUB_API_URL: `${github.url}/`,
      FOLIOCTL_GITHUB_WRITE_PACING: "off",
    });

    expect(forge.repository).toBe("acme/ops");
    expect(await forge.currentLogin()).toBe("folioctl-bot");
    expect(await forge.readFile("README.md", "main")).toBe("# ops\n");
  });
});

function thrown(run: () => unknown): ForgeError {
  try {
    run();
  } catch (error) {
    return error as ForgeError;
  }
  throw new Error("expected a failure");
}
