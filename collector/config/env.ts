// `${env:NAME}` and `${env:NAME:-default}` in YAML string values, and the `.env` file beside the config.
// `$${…}` writes a literal `${…}`. A variable from the process environment wins over the same one in `.env`.
import { readFileSync } from 'node:fs';

const REFERENCE = /\$(\$?)\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;
const MALFORMED = /\$\{(?!env:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\})[^}]*\}/;

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Substitution {
  readonly value: string;
  /** Names referenced without a default that are not set. */
  readonly missing: readonly string[];
  /** True when the text was exactly one reference (its value may then be typed: a port number stays a number). */
  readonly whole: boolean;
  /** A `${…}` that is not a valid env reference (`${NAME}`, `${env:}`), quoted as written. */
  readonly malformed?: string;
}

export function hasReference(text: string): boolean {
  return text.includes('${');
}

/** Replaces every reference in `text` with its value from `env` (the default, or '' when missing). */
export function substitute(text: string, env: Environment): Substitution {
  const missing: string[] = [];
  const value = text.replace(REFERENCE, (_match, escape: string, name: string, fallback: string | undefined) => {
    if (escape === '$') return `\${env:${name}${fallback === undefined ? '' : `:-${fallback}`}}`;
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    if (found === undefined) missing.push(name);
    return '';
  });
  const withoutEscaped = text.replace(/\$\$\{[^}]*\}/g, '');
  const malformed = MALFORMED.exec(withoutEscaped)?.[0];
  return { value, missing, whole: WHOLE_REFERENCE.test(text), ...(malformed === undefined ? {} : { malformed }) };
}

/** Parses `.env` text: `KEY=value`, `export KEY=value`, `#` comments, single or double quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === '\'') && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[match[1]!] = value;
  }
  return out;
}

/** The `.env` at `path` (empty when absent) under the given environment. */
export function environmentWithDotEnv(dotEnvPath: string, env: Environment): Environment {
  let text: string;
  try {
    text = readFileSync(dotEnvPath, 'utf8');
  } catch {
    return env;
  }
  return { ...parseDotEnv(text), ...definedOnly(env) };
}

function definedOnly(env: Environment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
