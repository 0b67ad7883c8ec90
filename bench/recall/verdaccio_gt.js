// verdaccio ground truth: `node verdaccio_gt.js NODE_MODULES_DIR` prints [{method, path}].
//
// Builds the Express app `verdaccio` serves (build/api: the npm registry API and the web UI
// with its API) from @verdaccio/config's default configuration, storage in a throwaway
// directory; nothing listens. Defaults mean: the web UI enabled and `_debug` off, so the debug
// routes (a hook for verdaccio's own tests) are not served. The one change is `middlewares: {}`:
// the default configuration loads the `audit` middleware plugin, whose three routes belong to
// another package (verdaccio-audit), not to the scanned sources.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {walk, trackMountedApps} = require('./express_walk.js');

const modules = process.argv[2];
trackMountedApps(require(path.join(modules, 'express')));
const {getDefaultConfig} = require(path.join(modules, '@verdaccio', 'config'));
// Quiet: verdaccio logs to stdout, where the routes go.
require(path.join(modules, 'verdaccio', 'build', 'lib', 'logger')).setup({type: 'stdout', level: 'fatal'});
const defineApp = require(path.join(modules, 'verdaccio', 'build', 'api')).default;

(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'verdaccio-'));
  const config = Object.assign(getDefaultConfig(), {
    storage: path.join(home, 'storage'), self_path: home, middlewares: {},
  });
  const app = await defineApp(config);
  console.log(JSON.stringify(walk(app._router.stack, '', []), null, 1));
  fs.rmSync(home, {recursive: true, force: true});
  process.exit(0);
})();
