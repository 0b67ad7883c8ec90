// Express 4 ground truth: walk an app's router stack (nothing listens) into [{method, path}].
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
      walk(layer.handle.stack, prefix + regexpToPath(layer), out);
    }
  }
  return out;
}

module.exports = {walk, regexpToPath};
