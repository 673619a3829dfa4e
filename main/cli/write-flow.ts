/** A stream to write to; flow control applies where it can say it drained (a Node stream). */
export interface FlowOutput {
  write(text: string): unknown;
  once?(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  off?(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
}

/**
 * Writes to an output stream with flow control: when the stream's buffer is full (`write()` returned false),
 * the returned promise settles once it drains (or closes), and a sandbox exec reads no more of the command's
 * output meanwhile (ExecRequest.onOutput). A reader that stops reading costs no memory here.
 */
export function writeWithFlow(out: FlowOutput, chunk: string): Promise<void> | undefined {
  if (out.write(chunk) !== false || !out.once) return undefined;
  return new Promise<void>((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error'] as const) out.off?.(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error'] as const) out.once?.(event, done);
  });
}
