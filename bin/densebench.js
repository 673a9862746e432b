#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  console.error('densebench is not built yet: run `npm ci` (which builds it) or `npm run build` in the repository.');
  process.exit(1);
}
require(main);
