// json-server ground truth: `node jsonserver_gt.js NODE_MODULES_DIR` prints [{method, path}].
// The routes depend on the data file; this one has two collections and one singular resource.
'use strict';
const path = require('path');
const {walk} = require('./express_walk.js');
const js = require(path.join(process.argv[2], 'json-server'));

const app = js.create();
app.use(js.defaults({logger: false}));
app.use(js.router({posts: [{id: 1}], comments: [{id: 1, postId: 1}], profile: {name: 'x'}}));
console.log(JSON.stringify(walk(app._router.stack, '', []), null, 1));
