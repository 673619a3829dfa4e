import readline from 'node:readline';
import { Writable, type Readable } from 'node:stream';

/**
 * The questions `mle-beast init` asks. On a terminal they are asked with node:readline; anywhere else (a pipe, CI,
 * `--yes`) `defaultAnswers` answers each with its default at once, so nothing ever waits on standard input.
 */
export interface Prompter {
  /** Free text; an empty answer takes `fallback`. */
  ask(question: string, fallback: string): Promise<string>;
  /** Yes or no; an empty answer takes `fallback`. */
  confirm(question: string, fallback: boolean): Promise<boolean>;
  /** One of `options`, by number or by name; an empty answer takes `fallback`. */
  choose<T extends string>(question: string, options: readonly T[], fallback: T): Promise<T>;
  /** Typed without echo (an API key); empty when nothing was typed. Never answered by default. */
  secret(question: string): Promise<string>;
  close(): void;
}

export const defaultAnswers = (): Prompter => ({
  ask: (_q, fallback) => Promise.resolve(fallback),
  confirm: (_q, fallback) => Promise.resolve(fallback),
  choose: (_q, _options, fallback) => Promise.resolve(fallback),
  secret: () => Promise.resolve(''),
  close: () => undefined,
});

/**
 * Questions on a terminal: `input` is read a line at a time; a secret's characters are not echoed (the output
 * stream readline writes to is muted while it is typed). An unusable answer is asked again, at most three times,
 * then the default is taken; the input's end answers every question left with its default.
 */
export function terminalPrompter(input: Readable, output: NodeJS.WritableStream): Prompter {
  let muted = false;
  const echo = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input, output: echo, terminal: true });
  // Lines are read from an iterator, which keeps what was typed (or pasted) ahead of the question for it.
  const lines = rl[Symbol.asyncIterator]();
  const line = async (question: string): Promise<string> => {
    echo.write(question);
    const next = await lines.next();
    return next.done ? '' : String(next.value).trim();
  };

  return {
    ask: async (question, fallback) =>
      (await line(`${question}${fallback ? ` [${fallback}]` : ''}: `)) || fallback,
    async confirm(question, fallback) {
      for (let tries = 0; tries < 3; tries += 1) {
        const answer = (await line(`${question} ${fallback ? '[Y/n]' : '[y/N]'} `)).toLowerCase();
        if (answer === '') return fallback;
        if (['y', 'yes'].includes(answer)) return true;
        if (['n', 'no'].includes(answer)) return false;
        output.write('Answer y or n.\n');
      }
      return fallback;
    },
    async choose(question, options, fallback) {
      output.write(`${question}\n${options.map((o, i) => `  ${i + 1}) ${o}`).join('\n')}\n`);
      for (let tries = 0; tries < 3; tries += 1) {
        const answer = await line(`Choose 1-${options.length} [${options.indexOf(fallback) + 1}]: `);
        if (answer === '') return fallback;
        const byNumber = options[Number(answer) - 1];
        const byName = options.find((o) => o === answer);
        if (byNumber ?? byName) return (byNumber ?? byName)!;
        output.write(`Answer a number from 1 to ${options.length}.\n`);
      }
      return fallback;
    },
    async secret(question) {
      echo.write(question);
      muted = true;
      try {
        return await line('');
      } finally {
        muted = false;
        output.write('\n');
      }
    },
    close: () => rl.close(),
  };
}
