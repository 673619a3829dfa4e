// The shape of a parsed shell command, as far as the safety policy needs it. It keeps every place
// where code runs (commands, substitutions, function bodies, here-documents) and every word that can
// name a file, and drops what does not matter for safety (arithmetic details, case pattern syntax).

/** One piece of a word. `quoted` parts are not subject to globbing, tilde expansion or splitting. */
export type WordPart =
  | { type: 'lit'; value: string; quoted: boolean }
  /** `$NAME`, `${NAME}`; `simple` is false for `${NAME:-x}`, `${#NAME}` and the like. */
  | { type: 'param'; name: string; simple: boolean; quoted: boolean; at: Position; nested: Script[] }
  | { type: 'cmdsubst'; script: Script; quoted: boolean }
  | { type: 'arith'; nested: Script[]; quoted: boolean }
  | { type: 'procsubst'; op: '<' | '>'; script: Script }
  /** `name=(a b c)` inside a word (declare, local, export arguments). */
  | { type: 'array'; words: Word[] };

/** Where a node sits: the parser it came from (each nested source string has its own) and the offset. */
export interface Position {
  source: number;
  offset: number;
}

export interface Word {
  parts: WordPart[];
  /** The word as written. */
  raw: string;
}

export interface Assignment {
  name: string;
  value: Word | null;
  /** `name=(a b c)`. */
  array: Word[] | null;
  raw: string;
  at: Position;
}

export interface HereDoc {
  /** The body as written (after tab stripping for `<<-`). */
  body: string;
  /** True when the delimiter was quoted: the body is literal text. */
  quoted: boolean;
  /** The body as a double-quote-like word (expansions run) when not quoted. */
  word: Word | null;
}

export interface Redirect {
  op: string;
  fd: string | null;
  target: Word;
  heredoc: HereDoc | null;
}

export interface SimpleCommand {
  type: 'simple';
  assignments: Assignment[];
  words: Word[];
  redirects: Redirect[];
  text: string;
  at: Position;
}

export type CompoundKind =
  'subshell' | 'group' | 'if' | 'while' | 'until' | 'for' | 'case' | 'arith' | 'cond';

export interface CompoundCommand {
  type: 'compound';
  kind: CompoundKind;
  /** Lists of commands inside (conditions, bodies, case arms). */
  bodies: Script[];
  /** Words evaluated by the construct: for-loop items, the case subject and patterns, `[[ ]]` operands. */
  words: Word[];
  /** The loop variable of `for NAME in ...` / `select`. */
  loopVar: string | null;
  redirects: Redirect[];
  text: string;
}

export interface FunctionDef {
  type: 'function';
  name: string;
  body: Command;
  text: string;
}

export type Command = SimpleCommand | CompoundCommand | FunctionDef;

export interface Pipeline {
  negated: boolean;
  commands: Command[];
  text: string;
}

export interface AndOr {
  pipelines: Pipeline[];
  ops: ('&&' | '||')[];
  background: boolean;
  text: string;
}

export interface Script {
  items: AndOr[];
  text: string;
}
