// The bash grammar itself: mvdan/sh (the parser behind shfmt) compiled to WASM, via sh-syntax.
// Loaded on first use so that starting the CLI does not instantiate it.

export interface SyntaxProblem {
  message: string;
  line: number | null;
  column: number | null;
}

/** Null when `text` is valid bash, else what is wrong and where. */
export async function bashSyntaxProblem(text: string): Promise<SyntaxProblem | null> {
  const { parse } = await import('sh-syntax');
  try {
    await parse(text, { keepComments: false });
    return null;
  } catch (error) {
    const e = error as { message?: string; Pos?: { Line: number; Col: number } };
    return { message: e.message ?? String(error), line: e.Pos?.Line ?? null, column: e.Pos?.Col ?? null };
  }
}
