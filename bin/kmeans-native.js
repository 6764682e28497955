#!/usr/bin/env node
'use strict';
require('../dist/cli/main.js')
  .main()
  .then((code) => {
    process.exitCode = code;
  });
