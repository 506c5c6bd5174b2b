import { Ajv2020 } from "ajv/dist/2020.js";
import type { Options } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; under NodeNext its default import is the module object on some versions.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * One configuration for every schema folioctl validates (portfolio, snapshot, plan, ledger, simulator
 * state): JSON Schema 2020-12, all errors at once, formats checked, no type coercion. Used at build time
 * (scripts/compile-schemas.ts writes the validators as standalone code) and by tests; the commands
 * themselves never compile a schema.
 */
export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, ...options });
  addFormats(ajv);
  return ajv;
}
