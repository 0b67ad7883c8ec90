// parse-server ground truth: `node parseserver_gt.js NODE_MODULES_DIR` prints [{method, path}].
//
// Builds the REST API app the way `new ParseServer(options)` does, with the static
// `ParseServer.app({appId})`: the Express 5 app holding the files and pages routers and the
// promise router that merges every `PromiseRouter` subclass (classes, users, sessions, roles,
// functions, schemas, push, hooks, ...) plus the batch route. `new ParseServer` mounts this
// app at `mountPath` (default `/parse`) and would connect to a database; the app alone needs
// none, so the paths here are relative to the mount path. Nothing listens. Options: only an
// `appId`; every other one is parse-server's default (pages at `/apps`, the legacy purchase
// validation route on, no GraphQL server since it is built separately by `mountGraphQL`).
// TESTING=1 keeps `app()` from installing its process-wide uncaughtException handler;
// PARSE_SERVER_LOGS_FOLDER=null keeps its logger from writing log files into the current directory.
'use strict';
const path = require('path');

process.env.TESTING = '1';
process.env.PARSE_SERVER_LOGS_FOLDER = 'null';
const server = require(path.join(process.argv[2], 'parse-server', 'lib', 'ParseServer.js'));

// Express 5 (router 2.x) keeps the path a layer was made with as `rawPath`; `slash` marks
// a `use('/')` layer, which adds nothing to the prefix.
function walk(stack, prefix, out) {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const m of Object.keys(layer.route.methods)) {
          out.push({method: m === '_all' ? 'ALL' : m.toUpperCase(), path: prefix + String(p)});
        }
      }
    } else if (layer.handle && layer.handle.stack) {
      walk(layer.handle.stack, prefix + (layer.slash || layer.rawPath === undefined ? '' : String(layer.rawPath)), out);
    }
  }
  return out;
}

const app = server.default.app({appId: 'bench'});
console.log(JSON.stringify(walk(app.router.stack, '', []), null, 1));
