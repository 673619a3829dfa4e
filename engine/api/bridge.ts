/**
 * The object the preload exposes as `window.mle`. It only moves raw, untyped values: the renderer's client
 * validates every result and event against the contract, and main validates every input.
 */
export interface MleBridge {
  readonly host: 'electron';
  invoke(command: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
