import { readFile } from "node:fs/promises";
import schema from "../../schema/portfolio.schema.json" with { type: "json" };
import { UsageError } from "../errors.js";
import { DEFAULT_GROUP } from "../config/account-files.js";
import type { InitGroup } from "./account-groups-option.js";
import { gatewaySecret, runnerLabel } from "./account-groups-option.js";
import { groupWorkflowTemplate } from "./group-workflows.js";
import type { InstallSource } from "./install-source.js";
import { DEFAULT_ACCOUNT, PLACEHOLDER_OWNER } from "./ops-repo-defaults.js";

export interface OpsRepoOptions {
  /** IB account id written into portfolio.yaml and the workflows' concurrency groups. */
  account: string;
  /** CODEOWNERS entries (`@user`, `@org/team` or an e-mail); [] writes a placeholder to replace. */
  owners: readonly string[];
  /** Where package.json installs folioctl from (`init --from`), and the workflows' install command. */
  source: InstallSource;
  /**
   * `init --accounts`: the accounts by group. The repository then holds models/core.yaml and
   * accounts/<ID>.yaml instead of portfolio.yaml, and its workflows fan out over the groups.
   */
  groups?: readonly InitGroup[];
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
  if (options.groups !== undefined) return renderManyAccounts({ ...options, groups: options.groups });
  if (!ACCOUNT_PATTERN.test(options.account)) {
    throw new UsageError(`--account ${JSON.stringify(options.account)} is not an IB account id`, {
      hint: "use the id IB shows for the account, for example DU1234567 (paper) or U1234567 (live)",
    });
  }
  checkOwners(options.owners);
  const values: Record<string, string> = {
    __ACCOUNT__: options.account,
    ...commonValues(options),
  };
  const files = options.source.kind === "git" ? [...FILES, ...GIT_ONLY] : FILES;
  return Promise.all(
    files.map(async ({ template, path }) => ({
      path,
      content: fill(template, await readTemplate(template), values),
    })),
  );
}

function checkOwners(owners: readonly string[]): void {
  for (const owner of owners) {
    if (!OWNER_PATTERN.test(owner)) {
      throw new UsageError(`--owner ${JSON.stringify(owner)} is not a GitHub user, team or e-mail`, {
        hint: "write @user, @org/team or an e-mail address of someone with write access",
      });
    }
  }
}

function commonValues(options: OpsRepoOptions): Record<string, string> {
  return {
    __OWNERS__: (options.owners.length > 0 ? options.owners : [PLACEHOLDER_OWNER]).join(" "),
    __FOLIOCTL_DEPENDENCY__: options.source.dependency,
    __INSTALL_COMMAND__: options.source.installCommand,
  };
}

function readTemplate(template: string): Promise<string> {
  return readFile(new URL(template, TEMPLATE_DIR), "utf8");
}

function fill(template: string, source: string, values: Record<string, string>): string {
  return source.replace(/__[A-Z_]+__/g, (token) => {
    const value = values[token];
    // A token without a value is a mistake in the templates, not in the user's input.
    if (value === undefined) throw new Error(`templates/ops-repo/${template}: unknown placeholder ${token}`);
    return value;
  });
}

/**
 * A repository of several accounts: the example portfolio as the shared model `core`, one account file
 * per account (with its group, unless `default`), the README of the layout, and the workflows fanned
 * out over the groups with every group's runner labels known to actionlint.
 */
async function renderManyAccounts(
  options: OpsRepoOptions & { groups: readonly InitGroup[] },
): Promise<OpsRepoFile[]> {
  checkOwners(options.owners);
  const { groups } = options;
  const accounts = groups.flatMap((group) => group.accounts);
  const values: Record<string, string> = {
    ...commonValues(options),
    __ACCOUNTS__: accounts.join(", "),
    __GROUP_ROWS__: groups
      .map(
        (g) =>
          `| \`${g.name}\` | ${g.accounts.join(", ")} | \`${runnerLabel(g.name, "trade")}\`, \`${runnerLabel(g.name, "preview")}\` | ` +
          `\`${gatewaySecret(g.name, "trade")}\`, \`${gatewaySecret(g.name, "read-only")}\` |`,
      )
      .join("\n"),
  };
  const shared = (options.source.kind === "git" ? [...FILES, ...GIT_ONLY] : FILES).filter(
    (file) => file.path !== "portfolio.yaml" && file.path !== "README.md",
  );
  const files: OpsRepoFile[] = [];
  files.push({ path: "models/core.yaml", content: modelFromPortfolio(await readTemplate("portfolio.yaml")) });
  for (const group of groups) {
    for (const account of group.accounts) {
      files.push({ path: `accounts/${account}.yaml`, content: accountFile(account, group.name) });
    }
  }
  files.push({
    path: "README.md",
    content: fill("README-accounts.md", await readTemplate("README-accounts.md"), values),
  });
  for (const { template, path } of shared) {
    let source = await readTemplate(template);
    if (path === ".github/actionlint.yaml") source = withGroupLabels(source, groups);
    else source = groupWorkflowTemplate(template, source, groups);
    files.push({ path, content: fill(template, source, values) });
  }
  return files;
}

const ACCOUNT_LINE = /^account: __ACCOUNT__ .*\n/m;
const PORTFOLIO_HEADER = /^# folioctl desired state for one Interactive Brokers account\.\n/;

/** The example portfolio.yaml as a model: no account, and a header that says what a model is. */
function modelFromPortfolio(source: string): string {
  if (!ACCOUNT_LINE.test(source) || !PORTFOLIO_HEADER.test(source))
    throw new Error("templates/ops-repo/portfolio.yaml: its account line or header moved");
  return source
    .replace(
      PORTFOLIO_HEADER,
      "# folioctl model `core`: the desired state of every accounts/<ID>.yaml that says `model: core`.\n" +
        "# An account file may set its own target weights and any key of cash, bands, trading, limits,\n" +
        "# tolerances and fx; the rest comes from here.\n",
    )
    .replace(ACCOUNT_LINE, "")
    .replace("npx folioctl validate portfolio.yaml", "npx folioctl validate");
}

function accountFile(account: string, group: string): string {
  const lines = [
    `# ${account}: driven by models/core.yaml. Add what this account does differently below, for example`,
    "# `targets: { VTI: 30, BND: 45 }` or `limits: { maxTurnover: 50 }`; `suspend: true` stops it alone.",
    `account: ${account}`,
    "model: core",
  ];
  if (group !== DEFAULT_GROUP) {
    lines.push(
      `# The login this account is under: its runners are ${runnerLabel(group, "trade")} and ${runnerLabel(group, "preview")}.`,
    );
    lines.push(`group: ${group}`);
  }
  return `${lines.join("\n")}\n`;
}

/** actionlint.yaml knowing every group's runner labels. */
function withGroupLabels(source: string, groups: readonly InitGroup[]): string {
  const lines = groups.flatMap((group) => [
    `    - ${runnerLabel(group.name, "trade")} # group ${group.name}: next to its trading IB Gateway (apply, propose)`,
    `    - ${runnerLabel(group.name, "preview")} # group ${group.name}: next to its read-only IB Gateway (preview)`,
  ]);
  const labels = /^ {2}labels:\n(?: {4}- .*\n)+/m;
  if (!labels.test(source)) throw new Error("templates/ops-repo/.github/actionlint.yaml: no labels list");
  return source.replace(labels, () => `  labels:\n${lines.join("\n")}\n`);
}
