import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';

/**
 * An IPC message is trusted only when it comes from the top frame of one of our windows, showing our own
 * origin. A sub-frame, a navigated-away window, or a destroyed frame is refused (VS Code does the same).
 */
export function isTrustedFrame(
  frame: WebFrameMain | null | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  let origin: string;
  try {
    const url = new URL(frame.url);
    origin = `${url.protocol}//${url.host}`;
  } catch {
    return false;
  }
  return allowedOrigins.includes(origin);
}

export const isTrustedSender = (event: IpcMainInvokeEvent, allowedOrigins: readonly string[]): boolean =>
  isTrustedFrame(event.senderFrame, allowedOrigins);
