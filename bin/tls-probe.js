#!/usr/bin/env node
// Launcher: runs the built CLI (`npm run build` writes dist/).
import('../dist/cli/main.js').catch((err) => {
  const notBuilt = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js');
  process.stderr.write(notBuilt ? 'tls-probe: not built yet: run `npm run build`\n' : `tls-probe: internal error: ${err?.message ?? err}\n`);
  process.exitCode = 1;
});
