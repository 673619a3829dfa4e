import type { EventMessage, EventName, EventPayload } from './contract';

type Listener = (message: EventMessage) => void;

/** Fans engine events out to every host that subscribed (IPC windows, WebSocket clients, the CLI). */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    const message = { name, payload } as EventMessage;
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (error) {
        // One broken subscriber (a closed window, a dead socket) must not stop the others.
        console.warn(`event listener failed on ${name}: ${(error as Error).message}`);
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
