// Keeps `npm test` short: one line per test file, and for a file that failed the tail of its log
// (workers, servers, simulator, console), which is otherwise only in .test-logs/. Jest's
// built-in "summary" reporter (configured next to this one) then repeats the failures and totals.
const fs = require('node:fs');
const path = require('node:path');
const { logDir, logFileFor } = require('./log-files');

const TAIL = Number(process.env.TEST_LOG_TAIL || 150);

class QuietReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunStart(results) {
    process.stderr.write(
      `jest: ${results.numTotalTestSuites} test files; logs in ${path.relative(process.cwd(), logDir(this.rootDir)) || '.'}/, shown here only for a file that fails\n`,
    );
  }

  onTestFileResult(test, result) {
    const file = path.relative(this.rootDir, result.testFilePath);
    const secs = ((result.perfStats.end - result.perfStats.start) / 1000).toFixed(1);
    const failed = result.numFailingTests > 0 || !!result.testExecError;
    const counts = `${result.numPassingTests} passed${result.numFailingTests ? `, ${result.numFailingTests} failed` : ''}`;
    process.stderr.write(`${failed ? 'FAIL' : 'PASS'} ${file} (${counts}, ${secs} s)\n`);
    if (!failed) return;
    const log = logFileFor(this.rootDir, result.testFilePath);
    let lines = [];
    try {
      lines = fs.readFileSync(log, 'utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
    } catch {
      process.stderr.write(`  (no log at ${log})\n`);
      return;
    }
    const shown = lines.slice(-TAIL);
    process.stderr.write(
      `---- ${path.relative(process.cwd(), log)}: last ${shown.length} of ${lines.length} lines ----\n`,
    );
    process.stderr.write(`${shown.map((l) => `  ${l}`).join('\n')}\n---- end of log ----\n`);
  }
}

module.exports = QuietReporter;
