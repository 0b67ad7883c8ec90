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
const {walk} = require('./express_walk.js');

process.env.TESTING = '1';
process.env.PARSE_SERVER_LOGS_FOLDER = 'null';
const server = require(path.join(process.argv[2], 'parse-server', 'lib', 'ParseServer.js'));

const app = server.default.app({appId: 'bench'});
console.log(JSON.stringify(walk(app.router.stack, '', []), null, 1));
