import type { CommandName, EventName } from './contract';
import type { HostCapabilityName } from './host-names';

/** Names on each transport, derived from contract names so none is typed twice. */
export const ipcCommandChannel = (name: CommandName): string => `mle:command:${name}`;
export const ipcEventChannel = (name: EventName): string => `mle:event:${name}`;
export const ipcHostChannel = (name: HostCapabilityName): string => `mle:host:${name}`;
export const IPC_CHANNEL_PREFIX = 'mle:';

export const HTTP_COMMAND_PREFIX = '/api/command/';
export const httpCommandPath = (name: CommandName): string => `${HTTP_COMMAND_PREFIX}${name}`;
export const WS_EVENTS_PATH = '/api/events';
