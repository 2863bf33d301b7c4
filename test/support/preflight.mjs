// Run by `npm test` first: a missing browser is one line saying what to install, not six browser
// suites failing in set-up.
import { accessSync, constants } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
try {
  accessSync(CHROMIUM, constants.X_OK);
} catch {
  process.stderr.write(`npm test: the browser tests need Debian's Chromium at ${CHROMIUM}: install it with "apt-get install chromium" (.ci/run does this), then run npm test again.\n`);
  process.exit(1);
}
