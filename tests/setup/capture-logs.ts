// Runs before each test file (jest `setupFiles`): everything the file's code would print goes to
// its log file instead. console.* of the tests and of in-process servers, and the Temporal SDK's
// logger (workers, activities, Rust core at WARN and above, forwarded).
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { format } from 'node:util';
import { sdkLogger, testLog } from '../helpers/test-log';

const stamp = () => new Date().toISOString();
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
  console[level] = (...args: unknown[]) => testLog(`${stamp()} [console.${level}] ${format(...args)}`);
}

// The options the Runtime is created with when a test first needs it (a worker, a test server). Not
// created here: an unused Runtime would keep the jest worker process from exiting.
Runtime.defaultOptions = {
  logger: sdkLogger,
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} } },
};
