export * from './app-info';
export * from './bridge';
export * from './client';
export * from './contract';
export * from './errors';
export * from './result';
export * from './settings';
export * from './transport-names';
