// Runs the fake GitHub on its own, for demos and manual poking:
//
//   node --import ./scripts/register-ts.mjs test/support/fake-github/serve.ts \
//     [--repo acme/ops] [--bot folioctl-bot] [--user alice ...]
//
// It prints one JSON line (the API URL, the bare repository to clone or push to, each user's token)
// and serves until interrupted. The tokens are the fake's own and open nothing else.
import { parseArgs } from "node:util";
import { FakeGitHub } from "./fake-github.js";

const { values } = parseArgs({
  options: {
    repo: { type: "string", default: "acme/ops" },
    bot: { type: "string", default: "folioctl-bot" },
    user: { type: "string", multiple: true, default: ["alice", "bob"] },
  },
});

const [owner = "acme", name = "ops"] = (values.repo ?? "acme/ops").split("/");
const github = await FakeGitHub.start();
const repo = await github.createRepo(owner, name);
const users: Record<string, string> = {};
for (const login of [values.bot ?? "folioctl-bot", ...(values.user ?? [])]) {
  users[login] = github.addUser(login).token;
}
process.stdout.write(
  `${JSON.stringify({ url: github.url, repository: `${owner}/${name}`, gitDir: repo.git.gitDir, users })}\n`,
);

const stop = async (): Promise<void> => {
  await github.stop();
  for (const violation of github.violations) process.stderr.write(`contract violation: ${violation}\n`);
  process.exit(github.violations.length === 0 ? 0 : 1);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
