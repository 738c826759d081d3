'use strict';
// Loads the compiled shared-memory addon (built by `node-gyp rebuild` at install).
const path = require('node:path');
let binding;
try {
  binding = require(path.join(__dirname, 'build', 'Release', 'ray_ts_shm.node'));
} catch (err) {
  const e = new Error(
    '@ray-ts/native: the shared-memory addon is not built. Run `pnpm install` (it runs node-gyp rebuild; needs python3, make and g++).',
    { cause: err },
  );
  e.code = 'RAY_NATIVE_NOT_BUILT';
  throw e;
}
module.exports = binding;
