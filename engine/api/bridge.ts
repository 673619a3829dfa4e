/**
 * The object the preload exposes as `window.mle`. It only moves raw, untyped values: the renderer's client
 * validates every result and event against the contract, and main validates every input.
 */
export interface MleBridge {
  readonly host: 'electron';
  invoke(command: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Where the host can tell: the path of a file or folder dropped on the window (a browser cannot). */
  pathForFile?(file: unknown): string | null;
  /**
   * Where the host has them (the desktop app): its own capabilities (`host-names.ts`: native dialogs, the file
   * manager, links, dropped paths), raw like `invoke`; the renderer's host client parses the replies.
   */
  hostInvoke?(name: string, input: unknown): Promise<unknown>;
}
