// Where each test file's log goes: <root>/.test-logs/<path of the test file, slashes as __>.log
// (TEST_LOG_DIR overrides the folder). Plain CommonJS: used by the environment, the reporter and global setup.
const path = require('node:path');

const logDir = (rootDir) => process.env.TEST_LOG_DIR || path.join(rootDir, '.test-logs');
const logFileFor = (rootDir, testPath) =>
  path.join(logDir(rootDir), `${path.relative(rootDir, testPath).replace(/[\\/]/g, '__')}.log`);

module.exports = { logDir, logFileFor };
