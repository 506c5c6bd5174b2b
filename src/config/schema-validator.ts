import type { ErrorObject } from "ajv";

/**
 * A JSON schema validator compiled at build time (ajv's standalone code, src/generated/, written by
 * scripts/compile-schemas.ts): true when `data` is valid, else false with the problems in `errors`.
 * Validators made with defaults fill them into `data` as they check it.
 */
export interface SchemaValidator<T = unknown> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}
