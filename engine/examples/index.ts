/**
 * Example datasets, made by deterministic generators instead of stored files: a churn table (classification),
 * house prices (regression), shape images (image_folder) and review sentiment (text_jsonl). The same name,
 * seed and size give byte-identical files on every machine. resources/examples/README.md describes them.
 */
export { DEFAULT_SEED, EXAMPLES, ExampleInfo, ExampleName, findExample } from './catalog';
export { generateExample, type GenerateOptions, type GeneratedExample } from './generate';
export { createExample, exampleProjectYaml, listExamples, type CreatedExample } from './cli';
