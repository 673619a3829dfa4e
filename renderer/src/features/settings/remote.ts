import { messageOf } from '../../lib/format';

/** Something the view reads from the engine: loading, there, or failed with the reason. */
export type Remote<T> =
  | { status: 'idle' | 'loading'; data: T | null; error: null }
  | { status: 'ready'; data: T; error: null }
  | { status: 'error'; data: T | null; error: string };

export const idle = <T>(): Remote<T> => ({ status: 'idle', data: null, error: null });

/**
 * Runs a read and reports its outcome through `put`; the last data stays visible while it reloads or after
 * it fails, so a retry does not blank the section.
 */
export async function fetchRemote<T>(
  current: Remote<T>,
  put: (next: Remote<T>) => void,
  read: () => Promise<T>,
): Promise<void> {
  put({ status: 'loading', data: current.data, error: null });
  try {
    put({ status: 'ready', data: await read(), error: null });
  } catch (error) {
    put({ status: 'error', data: current.data, error: messageOf(error) });
  }
}
