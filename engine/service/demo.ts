import { greenfieldTabular, startScenarioModel } from '../demo/index';

/**
 * `mle-beast demo`'s scripted model: an OpenAI-compatible server on loopback, in the calling process, that plays
 * a whole greenfield run on a tabular example (no API key, no network). Not a contract command: it is a server
 * living in the host's process for the length of the demo, which only a terminal host wants; the CLI reaches it
 * through the service entry. Everything else the demo needs (the example, the sandbox probes) it asks of the
 * contract.
 */
export interface DemoModel {
  baseURL: string;
  model: string;
  close(): Promise<void>;
}

export function startDemoModel(example: 'churn' | 'house-prices', model: string): Promise<DemoModel> {
  return startScenarioModel(greenfieldTabular(example, { baseline: 'simple' }), { model });
}
