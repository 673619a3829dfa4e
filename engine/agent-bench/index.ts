/**
 * The agent benchmark suite (`mle-beast bench`): what the CLI imports of it. It sits above the engine service
 * (engine/layers.js): like a host, it starts and reads runs through the contract's handlers.
 */
export { BENCH_TASKS, benchTaskNames, selectTasks } from './tasks';
export { BASELINES } from './baselines';
export { runSuite, type SuiteOptions } from './run-suite';
export { compareScoreboards, meanSe, tierFor, thresholdsOf, type Comparison } from './score';
export { formatComparison, formatScoreboard, scoreboardHtml } from './render';
