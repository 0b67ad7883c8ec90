// node-red editor API ground truth: `node nodered_gt.js NODE_MODULES_DIR` prints [{method, path}].
//
// Builds the admin app of @node-red/editor-api (the editor and the HTTP Admin API) as Node-RED
// builds it, with a stand-in runtime API; nothing listens. Settings: `adminAuth` of type
// `credentials` (with no users), as a secured install has, so that /auth/token and /auth/revoke
// are served; every other setting is Node-RED's default: the editor enabled, palette installs
// and uploads allowed, `runtimeState` off (so POST /flows/state is not served).
'use strict';
const path = require('path');
const {walk, trackMountedApps} = require('./express_walk.js');

trackMountedApps(require(path.join(process.argv[2], 'express')));
const api = require(path.join(process.argv[2], '@node-red', 'editor-api'));

// Every runtime call the route set-up makes answers a resolved promise; none is awaited.
const call = new Proxy(function () { return Promise.resolve(); }, {get: (target) => target});
const runtime = new Proxy({}, {get: () => call});
api.init({adminAuth: {type: 'credentials', users: []}}, null, {}, runtime);
console.log(JSON.stringify(walk(api.httpAdmin._router.stack, '', []), null, 1));
