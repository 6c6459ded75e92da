// The config a component gets from the host: validated with the host's schema rules, defaults filled in, frozen.
import type { AnyFactory } from '../component/contract.js';
import { validateComponentConfig } from '../config/component-schema.js';
import { deepFreeze } from '../config/freeze.js';
import { formatIssue } from '../config/issue.js';

/** Validates `raw` (as YAML would give it) for `factory`; throws listing every problem when it is invalid. */
export function configFor<C = Record<string, unknown>>(factory: AnyFactory, raw: unknown): Readonly<C> {
  const { config, issues } = validateComponentConfig<C>(factory, raw);
  if (issues.length > 0) {
    throw new Error(`invalid config for ${factory.kind} '${factory.type}':\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
  return deepFreeze(config);
}

export { validateComponentConfig };
