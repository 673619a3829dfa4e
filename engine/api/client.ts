import { createValidatingClient, type ApiClient, type Transport } from './client-core';
import { contractValidator } from './validate';

export { ApiCallError, createValidatingClient, type ApiClient, type Transport } from './client-core';

/** A typed client over any transport, checking every result and event against the contract as it comes. */
export function createApiClient(transport: Transport): ApiClient {
  return createValidatingClient(transport, contractValidator);
}
