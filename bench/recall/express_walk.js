// Express ground truth: walk an app's router stack (nothing listens) into [{method, path}].
'use strict';

function regexpToPath(layer) {
  if (layer.regexp.fast_slash) return '';
  const keys = (layer.keys || []).slice();
  // path-to-regexp 0.1.x: ^\/posts\/?(?=\/|$) or, with parameters, ^\/(?:([^\/]+?))\/?(?=\/|$)
  let s = layer.regexp.source.replace(/^\^/, '')
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, '').replace(/\(\?=\\\/\|\$\)$/, '');
  s = s.replace(/\(\?:\(\[\^\\\/\]\+\?\)\)/g, () => ':' + (keys.shift() || {name: 'p'}).name);
  return s.replace(/\\\//g, '/').replace(/\\\./g, '.').replace(/\\-/g, '-');
}

// The path a `use` layer adds. Express 4 (router 1.x) keeps only the compiled regexp; Express 5
// (router 2.x) keeps the path the layer was made with as `rawPath`, and `slash` marks a
// `use('/')`, which adds nothing.
function layerPath(layer) {
  if (layer.regexp) return regexpToPath(layer);
  return layer.slash || layer.rawPath === undefined ? '' : String(layer.rawPath);
}

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
      walk(layer.handle.stack, prefix + layerPath(layer), out);
    } else if (layer.mountedApp && layer.mountedApp._router) {
      walk(layer.mountedApp._router.stack, prefix + layerPath(layer), out);
    }
  }
  return out;
}

// `app.use(subApp)` wraps the sub-app in a closure (`mounted_app`) that hides its router; call
// this before the application is built so that those layers keep a reference to the sub-app.
function trackMountedApps(express) {
  const use = express.application.use;
  express.application.use = function (...args) {
    const before = this._router ? this._router.stack.length : 0;
    const result = use.apply(this, args);
    const apps = args.flat(Infinity).filter((a) => typeof a === 'function' && a.handle && a.set);
    this._router.stack.slice(before).filter((layer) => layer.name === 'mounted_app')
      .forEach((layer, i) => { layer.mountedApp = apps[i]; });
    return result;
  };
}

module.exports = {walk, regexpToPath, trackMountedApps};
