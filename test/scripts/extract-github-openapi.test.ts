import { describe, expect, it } from "vitest";
import { extractSubset } from "../../scripts/extract-github-openapi.js";
import type { Spec } from "../../scripts/extract-github-openapi.js";

// A miniature of GitHub's description with the OpenAPI 3.0 features the real one uses.
const spec: Spec = {
  openapi: "3.0.3",
  info: { version: "1.1.4" },
  paths: {
    "/things/{id}": {
      // Declared on the path, shared by its operations.
      parameters: [{ $ref: "#/components/parameters/id" }],
      get: {
        operationId: "things/get",
        summary: "Get a thing",
        description: "Long prose",
        parameters: [{ name: "accept", in: "header", schema: { type: "string" } }],
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { $ref: "#/components/schemas/thing" } } },
          },
          "404": { $ref: "#/components/responses/not_found" },
          "304": { description: "Not modified" },
        },
      },
    },
    "/other": { get: { operationId: "other/get", responses: {} } },
  },
  components: {
    parameters: {
      id: { name: "id", in: "path", required: true, schema: { type: "integer", description: "x" } },
    },
    responses: {
      not_found: {
        description: "nf",
        content: { "application/json": { schema: { $ref: "#/components/schemas/error" } } },
      },
    },
    schemas: {
      thing: {
        type: "object",
        description: "A thing",
        example: { id: 1 },
        properties: {
          id: { type: "integer" },
          description: { type: "string", nullable: true },
          kind: { type: "string", enum: ["a", "b"], nullable: true },
          owner: { $ref: "#/components/schemas/owner" },
          when: { type: "string", format: "date-time" },
          odd: { type: "string", format: "repo.nwo" },
        },
        required: ["id"],
      },
      owner: { allOf: [{ $ref: "#/components/schemas/user" }], nullable: true, "x-github": {} },
      user: { type: "object", properties: { login: { type: "string" } } },
      error: { type: "object", properties: { message: { type: "string" } } },
      unused: { type: "object" },
    },
  },
};

describe("extracting the GitHub OpenAPI subset", () => {
  const subset = extractSubset(spec, ["things/get"]) as {
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, unknown> };
  };

  it("keeps only the listed operations, with parameters and responses resolved", () => {
    expect(subset.paths).toEqual({
      "/things/{id}": {
        get: {
          operationId: "things/get",
          summary: "Get a thing",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          responses: {
            "200": { schema: { $ref: "#/components/schemas/thing" } },
            "404": { schema: { $ref: "#/components/schemas/error" } },
            "304": {},
          },
        },
      },
    });
  });

  it("copies the schemas the operations reach, transitively, and no others", () => {
    expect(Object.keys(subset.components.schemas)).toEqual(["error", "owner", "thing", "user"]);
  });

  it("turns nullable into type unions, keeps property names, drops prose and unknown formats", () => {
    expect(subset.components.schemas["thing"]).toEqual({
      type: "object",
      properties: {
        id: { type: "integer" },
        description: { type: ["string", "null"] },
        kind: { type: ["string", "null"], enum: ["a", "b", null] },
        owner: { $ref: "#/components/schemas/owner" },
        when: { type: "string", format: "date-time" },
        odd: { type: "string" },
      },
      required: ["id"],
    });
    expect(subset.components.schemas["owner"]).toEqual({
      anyOf: [{ allOf: [{ $ref: "#/components/schemas/user" }] }, { type: "null" }],
    });
  });

  it("fails on an operation the description does not have", () => {
    expect(() => extractSubset(spec, ["things/get", "things/delete"])).toThrow(
      "operations not in the description: things/delete",
    );
  });
});
