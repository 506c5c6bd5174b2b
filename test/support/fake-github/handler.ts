import type { Access, FakeRepo, FakeUser, Permission, World } from "./world.js";

export interface HandlerRequest {
  world: World;
  user: FakeUser;
  /** The repository named by {owner}/{repo}, when the route has one. */
  repo: FakeRepo;
  params: Record<string, string | number | boolean>;
  body: Record<string, unknown>;
}

export interface HandlerResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteHandler {
  /** What a fine-grained token needs for this route; GitHub answers 403 without it. */
  needs?: [Permission, Exclude<Access, "none">];
  handle(request: HandlerRequest): Promise<HandlerResponse>;
}

/** An answer that is not a success: thrown by handlers, sent as GitHub sends errors. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body["message"]));
  }
}

const DOCS = "https://docs.github.com/rest";

export function notFound(): HttpError {
  return new HttpError(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
}

/** GitHub's 422 with one custom error, as it words most semantic refusals. */
export function validationFailed(resource: string, message: string, field?: string): HttpError {
  const error: Record<string, unknown> = { resource, code: "custom", message };
  if (field !== undefined) error["field"] = field;
  return new HttpError(422, {
    message: "Validation Failed",
    errors: [error],
    documentation_url: DOCS,
    status: "422",
  });
}

export function unprocessable(message: string): HttpError {
  return new HttpError(422, { message, documentation_url: DOCS, status: "422" });
}

export function errorWithStatus(status: number, message: string): HttpError {
  return new HttpError(status, { message, documentation_url: DOCS, status: String(status) });
}

export function int(value: string | number | boolean | undefined): number {
  return typeof value === "number" ? value : Number(value);
}

export function str(value: string | number | boolean | undefined): string {
  return value === undefined ? "" : String(value);
}

/** GitHub's page/per_page pagination, with the Link header octokit's paginate follows. */
export function paginate<T>(
  request: HandlerRequest,
  path: string,
  items: T[],
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(int(request.params["per_page"] ?? 30), 1), 100);
  const pageNumber = Math.max(int(request.params["page"] ?? 1), 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  const link = (n: number, rel: string): string => {
    const url = new URL(`${request.world.baseUrl}${path}`);
    for (const [key, value] of Object.entries(request.params)) {
      if (["state", "head", "base", "sort", "direction", "ref"].includes(key))
        url.searchParams.set(key, String(value));
    }
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNumber < last) links.push(link(pageNumber + 1, "next"), link(last, "last"));
  if (pageNumber > 1) links.push(link(1, "first"), link(pageNumber - 1, "prev"));
  return { page, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}
