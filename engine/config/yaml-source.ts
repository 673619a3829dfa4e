import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type YAMLError,
} from 'yaml';
import { excerptAt, type ConfigError } from './errors';

/**
 * A YAML text read for configuration: its plain value, and the position of every node, so that an error about
 * a field can name the line and column the user has to change. Syntax errors, duplicate keys, unresolved aliases
 * and keys that are not plain words are reported here, each with a position; nothing throws.
 */

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

export interface YamlSource {
  /** The file as the caller named it, used in messages. */
  readonly file: string;
  /** Where a field is: `key` = its key (unknown keys), `value` = its value (wrong values). A field that is not
   * there points at the key of the nearest enclosing field that is (a missing `goals.task_description` points at
   * `goals:`), or at the start of the document. */
  locate(path: readonly PathSegment[], at: 'key' | 'value'): Position;
}

export type YamlRead = { ok: true; data: unknown; source: YamlSource } | { ok: false; errors: ConfigError[] };

/** Aliases are resolved while converting; this many at most, so `*a` bombs cannot blow up memory. */
const MAX_ALIASES = 100;
const MAX_DEPTH = 64;

export function readYaml(text: string, file: string): YamlRead {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const fileError = (offset: number, path: string, message: string, withExcerpt = false): ConfigError => {
    const { line, column } = pos(offset);
    return {
      path,
      file,
      line,
      column,
      arg: null,
      message,
      ...(withExcerpt ? { excerpt: excerptAt(text, line, column) } : {}),
    };
  };

  // One report per place: the parser often explains one mistake twice.
  const seen = new Set<number>();
  const problems = [...doc.errors, ...doc.warnings].filter((e) => !seen.has(e.pos[0]) && seen.add(e.pos[0]));
  if (problems.length > 0) {
    return {
      ok: false,
      errors: problems.map((e) => describeYamlError(e, doc, text, fileError)),
    };
  }

  const contents = doc.contents as YamlNode | null;
  if (contents === null) {
    return {
      ok: false,
      errors: [
        fileError(
          0,
          '',
          'the file is empty (or only comments): a project.yaml needs at least goals.task_description',
        ),
      ],
    };
  }
  if (!isMap(contents)) {
    const what = isSeq(contents) ? 'a list' : `a single value (${JSON.stringify(scalarText(contents))})`;
    return {
      ok: false,
      errors: [
        fileError(
          contents.range?.[0] ?? 0,
          '',
          `the file holds ${what}; a project.yaml is a mapping of keys (goals:, dataset:, ...)`,
        ),
      ],
    };
  }

  const errors: ConfigError[] = [];
  let aliases = 0;
  const convert = (node: unknown, path: PathSegment[], depth: number): unknown => {
    if (depth > MAX_DEPTH) {
      errors.push(fileError(rangeOf(node), dotted(path), `nested more than ${MAX_DEPTH} levels deep`));
      return null;
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      aliases += 1;
      const target = node.resolve(doc);
      if (!target) {
        errors.push(
          fileError(
            rangeOf(node),
            dotted(path),
            `alias *${node.source} has no anchor &${node.source} before it`,
          ),
        );
        return null;
      }
      if (aliases > MAX_ALIASES) {
        errors.push(fileError(rangeOf(node), dotted(path), `more than ${MAX_ALIASES} aliases`));
        return null;
      }
      return convert(target, path, depth + 1);
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map((item, i) => convert(item, [...path, i], depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = pair.key;
        if (!isScalar(key)) {
          errors.push(
            fileError(
              rangeOf(key),
              dotted(path),
              'a key must be a plain word (e.g. train_path), not a list or mapping',
            ),
          );
          continue;
        }
        const name = keyText(key);
        // defineProperty: a key named __proto__ stays a key and never reaches the prototype.
        Object.defineProperty(out, name, {
          value: convert(pair.value, [...path, name], depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return null;
  };
  const data = convert(contents, [], 0);
  if (errors.length > 0) return { ok: false, errors };

  const source: YamlSource = {
    file,
    locate(path, at) {
      let node: unknown = contents;
      // The key of the deepest field found so far: where a missing field is reported.
      let enclosingKey = contents.range?.[0] ?? 0;
      for (let i = 0; i < path.length; i += 1) {
        const segment = path[i];
        if (isAlias(node)) node = node.resolve(doc);
        let next: unknown;
        if (isMap(node)) {
          // The last pair with this key is the one whose value counts (and duplicates were refused anyway).
          const pair = [...node.items]
            .reverse()
            .find((p) => isScalar(p.key) && keyText(p.key) === String(segment));
          if (!pair) return pos(enclosingKey);
          enclosingKey = rangeOf(pair.key);
          if (i === path.length - 1 && at === 'key') return pos(enclosingKey);
          next = pair.value;
        } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
          next = node.items[segment];
        } else {
          return pos(enclosingKey);
        }
        // `key:` with nothing after it: point at the key, not at the empty spot after the colon.
        const range = (next as YamlNode | null)?.range;
        if (!range || (isScalar(next) && next.value === null && range[0] === range[1]))
          return pos(enclosingKey);
        node = next;
      }
      return pos(rangeOf(node));
    },
  };
  return { ok: true, data, source };
}

function describeYamlError(
  error: YAMLError,
  doc: Document,
  text: string,
  fileError: (offset: number, path: string, message: string, withExcerpt?: boolean) => ConfigError,
): ConfigError {
  const offset = error.pos[0];
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const found = findKeyAt(doc.contents, offset, []);
      const name = found ? String(found.path[found.path.length - 1]) : text.slice(error.pos[0], error.pos[1]);
      const first = found?.firstOffset;
      const firstLine = first !== undefined ? ` (first set on line ${lineOf(text, first)})` : '';
      return fileError(
        offset,
        found ? dotted(found.path) : '',
        `duplicate key ${JSON.stringify(name)}${firstLine}: keep one`,
        true,
      );
    }
    case 'MULTIPLE_DOCS':
      return fileError(
        offset,
        '',
        'more than one YAML document ("---" starts a new one); a project.yaml is a single document',
        true,
      );
    case 'TAB_AS_INDENT':
      return fileError(
        offset,
        '',
        'YAML syntax error: a tab is used for indentation; indent with spaces',
        true,
      );
    default: {
      const message = error.message.split('\n')[0]?.replace(/\.$/, '') ?? 'malformed YAML';
      const kind = error.name === 'YAMLWarning' ? 'YAML problem' : 'YAML syntax error';
      return fileError(offset, '', `${kind}: ${lowerFirst(message)}`, true);
    }
  }
}

/** The map key at `offset` (a duplicate), its path, and where the same key first appears in its map. */
function findKeyAt(
  node: unknown,
  offset: number,
  path: PathSegment[],
): { path: PathSegment[]; firstOffset?: number } | null {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.range && pair.key.range[0] === offset) {
        const name = keyText(pair.key);
        const first = node.items.find((p) => isScalar(p.key) && keyText(p.key) === name);
        return { path: [...path, name], firstOffset: first ? rangeOf(first.key) : undefined };
      }
      const value = pair.value as YamlNode | null;
      if (value?.range && offset >= value.range[0] && offset <= value.range[2]) {
        const inner = findKeyAt(value, offset, isScalar(pair.key) ? [...path, keyText(pair.key)] : path);
        if (inner) return inner;
      }
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i += 1) {
      const inner = findKeyAt(node.items[i], offset, [...path, i]);
      if (inner) return inner;
    }
  }
  return null;
}

function keyText(key: { value: unknown; source?: string }): string {
  if (key.value === null || key.value === undefined) return key.source ?? 'null';
  return String(key.value);
}

function scalarText(node: unknown): unknown {
  return isScalar(node) ? node.value : null;
}

function rangeOf(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : 0;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text[i] === '\n') line += 1;
  return line;
}

export function dotted(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
