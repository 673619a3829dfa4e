import type { MleBridge } from '../../engine/api';

declare global {
  interface Window {
    /** Present only inside the desktop app, put there by the preload. */
    mle?: MleBridge;
  }
}
