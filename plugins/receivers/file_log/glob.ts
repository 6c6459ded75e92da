// A small glob matcher and directory walker (Node 20 has no fs.glob): `*`, `?`, `**`, `[abc]`, `[!abc]`,
// `{a,b}`. Patterns are resolved against a base folder; the walk starts at the longest literal prefix and goes
// no deeper than the pattern can match, so `/var/log/*.log` reads one folder.
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';

const MAGIC = /[*?[{]/;
/** Deepest a `**` walk goes, and most directory entries one listing visits: a glob never runs away. */
export const MAX_WALK_DEPTH = 32;
export const MAX_WALK_ENTRIES = 100_000;

export interface CompiledGlob {
  readonly pattern: string;
  /** The literal folder the walk starts in. */
  readonly base: string;
  /** Folder levels below `base` that can match (Infinity with `**`). */
  readonly depth: number;
  readonly regex: RegExp;
}

function escapeRegex(text: string): string {
  return text.replace(/[.+^$()|\\/]/g, '\\$&');
}

/** The regular expression source of one glob (a whole absolute path). */
export function globToRegexSource(glob: string): string {
  let out = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const next = glob[i + 2];
        if (atSegmentStart && next === '/') { out += '(?:[^/]*/)*'; i += 2; continue; }
        if (atSegmentStart && next === undefined) { out += '.*'; i += 1; continue; }
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) { out += '\\['; continue; }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '{') {
      braceDepth += 1;
      out += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth -= 1;
      out += ')';
    } else if (c === ',' && braceDepth > 0) {
      out += '|';
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

export function compileGlob(pattern: string, cwd: string): CompiledGlob {
  const absolute = (isAbsolute(pattern) ? pattern : join(cwd, pattern)).split(sep).join('/');
  const segments = absolute.split('/');
  const firstMagic = segments.findIndex((s) => MAGIC.test(s));
  const literal = firstMagic === -1 ? segments : segments.slice(0, firstMagic);
  const base = resolve(literal.join('/') || '/');
  const rest = firstMagic === -1 ? [] : segments.slice(firstMagic);
  const depth = rest.includes('**') || rest.some((s) => s.includes('**')) ? Infinity : rest.length;
  const normalized = firstMagic === -1 ? base : `${base === '/' ? '' : base}/${rest.join('/')}`;
  return { pattern, base, depth, regex: new RegExp(`^${globToRegexSource(normalized)}$`) };
}

/**
 * Regular files matching any include glob and no exclude glob, sorted by path. A literal include (no magic)
 * names its file directly. Missing folders match nothing; unreadable ones are skipped.
 */
export async function listMatchingFiles(includes: readonly CompiledGlob[], excludes: readonly CompiledGlob[]): Promise<string[]> {
  const found = new Set<string>();
  let budget = MAX_WALK_ENTRIES;
  const visit = async (glob: CompiledGlob, directory: string, level: number): Promise<void> => {
    if (budget <= 0 || level > Math.min(glob.depth, MAX_WALK_DEPTH)) return;
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return;
    }
    budget -= entries.length;
    for (const entry of entries) {
      const path = directory === '/' ? `/${entry.name}` : `${directory}/${entry.name}`;
      let isFile = entry.isFile();
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        isFile = target?.isFile() ?? false;
        isDirectory = false; // links to folders are not followed: no cycles
      }
      if (isFile && level + 1 <= glob.depth && glob.regex.test(path)) found.add(path);
      else if (isDirectory && level + 1 < Math.min(glob.depth, MAX_WALK_DEPTH)) await visit(glob, path, level + 1);
    }
  };
  for (const glob of includes) {
    if (glob.depth === 0) {
      const st = await stat(glob.base).catch(() => undefined);
      if (st?.isFile()) found.add(glob.base);
      continue;
    }
    await visit(glob, glob.base, 0);
  }
  return [...found].filter((p) => !excludes.some((g) => g.regex.test(p))).sort();
}
