import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The renderer's first screen starts without zod: building every schema of the contract held the first
 * request back (issue 9's Runs page and run detail targets). The client loads the checks (engine/api/validate.ts)
 * on its first call, beside the request, so nothing the entry imports statically may import zod. This walks
 * the entry's static imports as the bundler does (a type-only import is erased; `import { type A }` is not,
 * under verbatimModuleSyntax) and fails naming the chain that reaches zod.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly)
      out.push((node.moduleSpecifier as ts.StringLiteral).text);
    if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier)
      out.push((node.moduleSpecifier as ts.StringLiteral).text);
  }
  return out;
}

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')])
    if (existsSync(candidate) && /\.tsx?$/.test(candidate)) return candidate;
  return null;
}

/** The chain of files from the entry to one that imports `pkg`, or null when none does. */
function chainTo(entry: string, pkg: (spec: string) => boolean): string[] | null {
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): string[] | null => {
    if (seen.has(file)) return null;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (pkg(spec)) return [...chain, file, spec];
      const next = resolve(file, spec);
      const found = next && walk(next, [...chain, file]);
      if (found) return found;
    }
    return null;
  };
  return walk(entry, []);
}

describe("the renderer's first screen", () => {
  it('imports no zod and no schema before its first request (the checks load beside it)', () => {
    const chain = chainTo(
      path.join(ROOT, 'renderer/src/main.tsx'),
      (spec) => spec === 'zod' || spec.startsWith('zod/'),
    );
    expect(chain?.map((f) => path.relative(ROOT, f)) ?? null).toBeNull();
  });

  it('is checked by this walk: the contract itself reaches zod', () => {
    expect(chainTo(path.join(ROOT, 'engine/api/validate.ts'), (spec) => spec === 'zod')).not.toBeNull();
  });
});
