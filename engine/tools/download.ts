import fs from 'node:fs';
import { ToolError, type ToolContext } from './context';
import { adoptOwner, displayPath, writablePath } from './paths';

export const DOWNLOAD_TIMEOUT_MS = 60_000;
export const DOWNLOAD_MAX_BYTES = 1024 ** 3;

/** download_url: http(s) only, only where the run allows the network, into a workspace file. */
export async function downloadUrlTool(
  ctx: ToolContext,
  args: { url: string; dest_path: string },
  limits: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<string> {
  if (!ctx.network) throw new ToolError('download_url is not available: this run has no network access');
  let url: URL;
  try {
    url = new URL(args.url.trim());
  } catch {
    throw new ToolError(`not a valid URL: ${args.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError(`only http:// and https:// URLs can be downloaded (got ${url.protocol})`);
  }
  const timeoutMs = limits.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  const maxBytes = limits.maxBytes ?? DOWNLOAD_MAX_BYTES;
  const target = writablePath(ctx, args.dest_path);
  const shown = displayPath(ctx, target.path);
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  const partial = `${target.host}.part-${process.pid}-${Date.now()}`;
  let written = 0;
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (!response.ok) throw new ToolError(`the server answered ${response.status} ${response.statusText}`);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel();
      throw new ToolError(`the file is ${declared} bytes, over the ${maxBytes}-byte limit`);
    }
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
    const fd = fs.openSync(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    try {
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          written += chunk.byteLength;
          if (written > maxBytes) throw new ToolError(`the download passed the ${maxBytes}-byte limit`);
          fs.writeSync(fd, chunk);
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    // The target was checked (not a link, not a folder); rename replaces it as a whole.
    writablePath(ctx, args.dest_path);
    adoptOwner(ctx, partial);
    fs.renameSync(partial, target.host);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    if (error instanceof ToolError) throw error;
    if (ctx.signal.aborted) throw new ToolError('the download was cancelled');
    if (signal.aborted) throw new ToolError(`the download timed out after ${Math.round(timeoutMs / 1000)} s`);
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new ToolError(`the download failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
  }
  return `Downloaded ${url.href} to ${shown} (${written} bytes).`;
}
