import fs from 'node:fs/promises';
import { protocol } from 'electron';
import { RENDERER_SECURITY_HEADERS } from '../shared/content-security-policy';
import { contentTypeOf, resolveRendererFile } from '../shared/renderer-files';
import { APP_HOST, APP_SCHEME } from './app-origin';

/**
 * Must run before `app.ready`: makes app:// a standard, secure origin that can use fetch, with V8's code cache
 * (off by default for custom schemes): compiling the bundle, React DOM's 207 KB most of all, was the largest
 * part of the window's first screen; with the cache, later starts reuse the compiled code.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** Serves the built renderer on app://renderer/, with the same CSP the browser host sends. */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const file = resolveRendererFile(rendererDir, url.pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(await fs.readFile(file), {
      headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': contentTypeOf(file) },
    });
  });
}
