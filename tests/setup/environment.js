// The Node test environment, plus the path of the log file this test file writes to
// (workers, servers, simulator and console output), so a green run prints none of it.
const { TestEnvironment } = require('jest-environment-node');
const { logFileFor } = require('./log-files');

class LoggedEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__TEST_LOG_FILE__ = logFileFor(config.projectConfig.rootDir, context.testPath);
  }
}

module.exports = LoggedEnvironment;
