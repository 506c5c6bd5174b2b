import { readFile } from "node:fs/promises";
import schema from "../../schema/portfolio.schema.json" with { type: "json" };
import { UsageError } from "../errors.js";
import type { InstallSource } from "./install-source.js";
import { DEFAULT_ACCOUNT, PLACEHOLDER_OWNER } from "./ops-repo-defaults.js";

export interface OpsRepoOptions {
  /** IB account id written into portfolio.yaml and the workflows' concurrency groups. */
  account: string;
  /** CODEOWNERS entries (`@user`, `@org/team` or an e-mail); [] writes a placeholder to replace. */
  owners: readonly string[];
  /** Where package.json installs folioctl from (`init --from`), and the workflows' install command. */
  source: InstallSource;
}

/** One file of the ops repository, with its path relative to the repository root. */
export interface OpsRepoFile {
  path: string;
  content: string;
}

export { DEFAULT_ACCOUNT, PLACEHOLDER_OWNER };

// Template path -> path in the ops repository. npm leaves `.gitignore` files out of a published package,
// so that one is stored without its dot.
const FILES: ReadonlyArray<{ template: string; path: string }> = [
  { template: "portfolio.yaml", path: "portfolio.yaml" },
  { template: "package.json", path: "package.json" },
  { template: "gitignore", path: ".gitignore" },
  { template: "README.md", path: "README.md" },
  { template: ".github/CODEOWNERS", path: ".github/CODEOWNERS" },
  { template: ".github/actionlint.yaml", path: ".github/actionlint.yaml" },
  { template: ".github/workflows/validate.yml", path: ".github/workflows/validate.yml" },
  { template: ".github/workflows/preview.yml", path: ".github/workflows/preview.yml" },
  { template: ".github/workflows/propose.yml", path: ".github/workflows/propose.yml" },
  { template: ".github/workflows/apply.yml", path: ".github/workflows/apply.yml" },
];
// Only a repository that builds folioctl from git installs with scripts on: this makes npm fail the
// install if any other package wants to run one.
const GIT_ONLY: ReadonlyArray<{ template: string; path: string }> = [{ template: "npmrc", path: ".npmrc" }];

const TEMPLATE_DIR = new URL("../../templates/ops-repo/", import.meta.url);
const ACCOUNT_PATTERN = new RegExp(schema.properties.account.pattern);
const OWNER_PATTERN = /^(@[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** The files `folioctl init` writes, rendered for one account. Throws UsageError on a bad option. */
export async function renderOpsRepo(options: OpsRepoOptions): Promise<OpsRepoFile[]> {
  if (!ACCOUNT_PATTERN.test(options.account)) {
    throw new UsageError(`--account ${JSON.stringify(options.account)} is not an IB account id`, {
      hint: "use the id IB shows for the account, for example DU1234567 (paper) or U1234567 (live)",
    });
  }
  for (const owner of options.owners) {
    if (!OWNER_PATTERN.test(owner)) {
      throw new UsageError(`--owner ${JSON.stringify(owner)} is not a GitHub user, team or e-mail`, {
        hint: "write @user, @org/team or an e-mail address of someone with write access",
      });
    }
  }
  const values: Record<string, string> = {
    __ACCOUNT__: options.account,
    __OWNERS__: (options.owners.length > 0 ? options.owners : [PLACEHOLDER_OWNER]).join(" "),
    __FOLIOCTL_DEPENDENCY__: options.source.dependency,
    __INSTALL_COMMAND__: options.source.installCommand,
  };
  const files = options.source.kind === "git" ? [...FILES, ...GIT_ONLY] : FILES;
  return Promise.all(
    files.map(async ({ template, path }) => {
      const source = await readFile(new URL(template, TEMPLATE_DIR), "utf8");
      const content = source.replace(/__[A-Z_]+__/g, (token) => {
        const value = values[token];
        // A token without a value is a mistake in the templates, not in the user's input.
        if (value === undefined)
          throw new Error(`templates/ops-repo/${template}: unknown placeholder ${token}`);
        return value;
      });
      return { path, content };
    }),
  );
}
