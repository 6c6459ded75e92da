// The one ajv setup of fleetlog: every config (collector, plugins, backend) is validated with these options.
//   allErrors   — report every problem, not the first;
//   useDefaults — fill in each option's declared default (the schema is the single source of defaults);
//   strict      — a schema with an unknown keyword or an ignored default is a bug in the plugin, found at load.
import { Ajv, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles (once per schema object) a validator; throws when the schema itself is invalid. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** A fresh ajv instance with the same options, for callers that compile many throw-away schemas. */
export function createAjv(): Ajv {
  return new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true });
}
