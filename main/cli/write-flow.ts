/**
 * Writes to an output stream with flow control: when the stream's buffer is full (`write()` returned false),
 * the returned promise settles once it drains (or closes), and a sandbox exec reads no more of the command's
 * output meanwhile (ExecRequest.onOutput). A reader that stops reading costs no memory here.
 */
export function writeWithFlow(out: NodeJS.WritableStream, chunk: string): Promise<void> | undefined {
  if (out.write(chunk)) return undefined;
  return new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
    out.once('error', done);
  });
}
