// The desired state at a commit of the ops repository, as every command of the loop reads it
// (read-portfolio-at.ts): either layout, one account of many, and each way it cannot be read, with the
// message and hint a person gets. Real git repositories, read from their objects.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolioctlError } from "../../src/errors.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import {
  findAccountIntentAt,
  intentFiles,
  readAccountIntentAt,
  readIntentsAt,
} from "../../src/gitops/read-portfolio-at.js";
import { createGitSandbox, useSandboxHome, type GitSandbox } from "../support/git-fixtures.js";
import { REPO_ROOT } from "../support/run-cli.js";

const clock = { now: () => new Date("2026-11-24T15:30:00Z") };
const fixture = (path: string) => readFile(join(REPO_ROOT, "test/fixtures/accounts-repo", path), "utf8");

let accounts: GitSandbox;
let single: GitSandbox;
let restoreHome: () => void;
let repo: SimpleGitRepo;
let singleRepo: SimpleGitRepo;
/** Commits of the accounts repository: valid, then with a broken account, then with both layouts. */
let valid: string;
let broken: string;
let both: string;

beforeAll(async () => {
  accounts = await createGitSandbox({
    "models/core.yaml": await fixture("models/core.yaml"),
    "accounts/DU1234567.yaml": await fixture("accounts/DU1234567.yaml"),
    "accounts/DU7654321.yaml": await fixture("accounts/DU7654321.yaml"),
  });
  restoreHome = useSandboxHome(accounts);
  const person = await accounts.clone("person");
  valid = await accounts.git(person, ["rev-parse", "HEAD"]).then((s) => s.trim());
  broken = await accounts.commitAndPush(
    person,
    {
      "accounts/DU5555555.yaml": "account: DU5555555\nmodel: nosuch\n",
      "accounts/DU6666666.yaml": "account: DU6666666\nmodel: broken\n",
      "models/broken.yaml": "version: 1\nbaseCurrency: USD\ntargets: 7\n",
    },
    "Add an account",
  );
  both = await accounts.commitAndPush(
    person,
    { "portfolio.yaml": await readFile(join(REPO_ROOT, "portfolio.yaml"), "utf8") },
    "Add a portfolio",
  );
  repo = await SimpleGitRepo.open(await accounts.clone("bot"), { clock });
  await repo.fetch();

  single = await createGitSandbox({
    "portfolio.yaml": await readFile(join(REPO_ROOT, "portfolio.yaml"), "utf8"),
  });
  singleRepo = await SimpleGitRepo.open(await single.clone("bot"), { clock });
  await singleRepo.fetch();
});
afterAll(async () => {
  restoreHome();
  await accounts.cleanup();
  await single.cleanup();
});

const caught = async (promise: Promise<unknown>): Promise<FolioctlError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FolioctlError)) throw new Error(`expected a FolioctlError, got ${String(error)}`);
  return error;
};

describe("reading the intent at a commit", () => {
  it("reads each account of the accounts layout, with the files it comes from", async () => {
    const intents = await readIntentsAt(repo, valid);
    expect(intents.layout).toBe("accounts");
    expect(intents.accounts.map((a) => a.account)).toEqual(["DU1234567", "DU7654321"]);
    const other = await readAccountIntentAt(repo, valid, "DU7654321");
    expect(other.portfolio.account).toBe("DU7654321");
    expect(intentFiles(other)).toBe("accounts/DU7654321.yaml with models/core.yaml");
    expect(await findAccountIntentAt(repo, valid, "DU9999999")).toBeUndefined();
  });

  it("in the portfolio layout, gives its one account whatever account is asked for", async () => {
    const main = await singleRepo.mainHead();
    const intent = await findAccountIntentAt(singleRepo, main, "DU9999999");
    expect(intent?.portfolio.account).toBe("DU1234567");
    expect(intentFiles(intent!)).toBe("portfolio.yaml");
  });

  it("names an account the commit has no file for, with the file to add", async () => {
    const error = await caught(readAccountIntentAt(repo, valid, "DU9999999"));
    expect(error.name).toBe("InputError");
    expect(error.message).toBe(`the ops repository at ${valid.slice(0, 12)} has no account DU9999999`);
    expect(error.hint).toBe("add accounts/DU9999999.yaml naming its model, in a pull request");
    // A ref that is not a full commit id is named as it is.
    const byName = await caught(readAccountIntentAt(repo, "HEAD~2", "DU9999999"));
    expect(byName.message).toBe("the ops repository at HEAD~2 has no account DU9999999");
    // Only a ref that is a full commit id and nothing else is shortened.
    for (const ref of [`${valid}^{commit}`, `v${valid}`]) {
      if (ref.startsWith("v")) await accounts.git(repo.dir, ["tag", ref, valid]);
      const named = await caught(readAccountIntentAt(repo, ref, "DU9999999"));
      expect(named.message).toBe(`the ops repository at ${ref} has no account DU9999999`);
    }
  });

  it("names every problem of an account that cannot be read, and how to fix it on main", async () => {
    expect((await readAccountIntentAt(repo, broken, "DU1234567")).portfolio.account).toBe("DU1234567");
    const error = await caught(readAccountIntentAt(repo, broken, "DU5555555"));
    expect(error.name).toBe("InputError");
    expect(error.message).toMatch(
      new RegExp(
        `^accounts/DU5555555\\.yaml at ${broken.slice(0, 12)} is not valid:\\n  accounts/DU5555555\\.yaml:\\d+:\\d+`,
      ),
    );
    expect(error.hint).toBe(
      "fix accounts/DU5555555.yaml on main in a pull request (`folioctl validate` shows the same problems)",
    );
    // An account whose model is broken: both files are named.
    const model = await caught(readAccountIntentAt(repo, broken, "DU6666666"));
    expect(model.message).toMatch(
      /^accounts\/DU6666666\.yaml and models\/broken\.yaml at [0-9a-f]{12} are not valid:\n/,
    );
    expect(model.hint).toBe(
      "fix accounts/DU6666666.yaml and models/broken.yaml on main in a pull request (`folioctl validate` shows the same problems)",
    );
    const found = await caught(findAccountIntentAt(repo, broken, "DU5555555"));
    expect(found.message).toBe(error.message);
  });

  it("refuses a commit with both layouts as a whole", async () => {
    const error = await caught(readIntentsAt(repo, both));
    expect(error.name).toBe("InputError");
    expect(error.message).toMatch(
      new RegExp(`^the ops repository at ${both.slice(0, 12)} cannot be read:\\n  `),
    );
    await expect(findAccountIntentAt(repo, both, "DU1234567")).rejects.toThrow(error.message);
  });
});
