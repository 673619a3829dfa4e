import type { Command } from 'commander';
import { parsePort } from '../arguments';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the dashboard and the engine API to a browser, on loopback by default')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 8000)
    .option('--no-browser', 'do not open a browser')
    .option('--allow-remote', 'allow a --host that is not loopback (prints a warning)', false)
    .action(async (opts: { host: string; port: number; browser: boolean; allowRemote: boolean }) => {
      const { serve } = await import('../serve');
      await serve(opts);
    });
}
