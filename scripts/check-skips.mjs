// Reads the TAP report `npm test` leaves in .tmp/test-report.tap and lists every skipped test with its reason. With
// --strict (as .ci/run runs it) a skip that test/allowed-skips.json does not list, with its reason, fails: a
// cross-check against an independent reference (nibabel, onnx, MONAI fixtures) must never vanish while CI stays green.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const strict = process.argv.includes('--strict');
const reportPath = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? resolve(root, '.tmp', 'test-report.tap');
if (!existsSync(reportPath)) {
  console.error(`check-skips: no test report at ${reportPath}; run npm test first`);
  process.exit(strict ? 1 : 0);
}
const allowed = JSON.parse(readFileSync(resolve(root, 'test', 'allowed-skips.json'), 'utf8')).allowed;
for (const entry of allowed) {
  if (typeof entry.reason !== 'string' || typeof entry.why !== 'string' || entry.why.trim() === '') {
    console.error(`check-skips: every entry of test/allowed-skips.json needs a reason and a why: ${JSON.stringify(entry)}`);
    process.exit(1);
  }
}

// TAP: `ok 3 - name # SKIP reason` (indented for subtests). A skipped suite's tests are not listed beneath it.
const skips = [];
for (const line of readFileSync(reportPath, 'utf8').split('\n')) {
  const m = /^\s*ok \d+ - (.*?) # SKIP\s*(.*)$/.exec(line);
  if (m) skips.push({ name: m[1], reason: m[2].replace(/\\#/g, '#') });
}
const unlisted = skips.filter((s) => !allowed.some((a) => a.reason === s.reason));
for (const s of skips) {
  const listed = !unlisted.includes(s);
  console.log(`${listed ? 'skipped (allowed)' : 'SKIPPED'}: ${s.name}: ${s.reason}`);
}
console.log(`check-skips: ${skips.length} skipped, ${unlisted.length} not in test/allowed-skips.json`);
if (strict && unlisted.length > 0) {
  console.error('check-skips: CI fails on a skip that test/allowed-skips.json does not list with its reason ' +
    '(install the missing reference, or list the skip there and say why it is acceptable)');
  process.exit(1);
}
