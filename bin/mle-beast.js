#!/usr/bin/env node
// The `mle-beast` command. Checks Node before loading anything, then runs the built CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `mle-beast needs Node.js 22.12 or newer; this is ${process.versions.node}. ` +
      'Run `bash scripts/setup.sh` (it installs Node 24 beside the project) or install a newer Node.',
  );
  process.exit(2);
}
try {
  await import('../out/cli/entry.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('out/cli/entry.js')) {
    console.error('mle-beast is not built yet: run `npm run build` (or `bash scripts/setup.sh`).');
    process.exit(2);
  }
  throw error;
}
