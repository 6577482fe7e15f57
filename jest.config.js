/** @type {import('jest').Config} */
module.exports = {
  // Node, plus the path of each test file's log (tests/setup/environment.js)
  testEnvironment: '<rootDir>/tests/setup/environment.js',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { ignoreCodes: [151002] } }],
    // Some dependencies (fastify's, jose) ship ES modules only (Node runs them; Jest on Node 20 cannot): compile them.
    '^.+[\\\\/]node_modules[\\\\/](cookie|content-disposition|jose)[\\\\/].+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(cookie|content-disposition|jose)/)'],
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
  // SDK, server, simulator and console output of a test file go to .test-logs/<file>.log
  setupFiles: ['<rootDir>/tests/setup/capture-logs.ts'],
  // One line per file (and a failed file's log); the summary repeats failures and totals at the end.
  reporters: ['<rootDir>/tests/setup/reporter.js', ['summary', { summaryThreshold: 0 }]],
  // Servers start per file; two cores, so two files at a time.
  maxWorkers: 2,
  // Sized for a loaded 2-core machine: every wait inside a test has its own bound (tests/helpers/sim-control.ts
  // eventually: 90 s by default), so a test that hangs fails with what it waited for well before this.
  testTimeout: 240_000,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tools/', '<rootDir>/.data/', '<rootDir>/.test-logs/'],
};
