// The bus moved to engine/api/event-bus.ts (the runs layer publishes on it, and runs may not import service);
// re-exported here for hosts that take it from the service entry.
export { EventBus } from '../api/event-bus';
