// Preloaded (--require) into a CLI run by test/helpers/bounded-cli.ts: on exit, writes the process's peak resident
// memory in KiB (main thread and workers together) to the file SWINFUSE_TEST_RSS_FILE names.
'use strict';
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.SWINFUSE_TEST_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
