// Like workflow-kit.ts, on the real Temporal dev server (temporal server start-dev) instead of the
// time-skipping test server: for what only a real server does, e.g. DeleteWorkflowExecution (retention),
// and for continue-as-new right after an update, which the time-skipping test server gets wrong under load
// (the update's answer or the whole server stalls for minutes; seen in tests/workflows/complaint-reopen.test.ts).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CASE_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { closingGuard, kitOn, requireGlobalSetup, startServer, type WorkflowKit } from './workflow-kit';

export async function startDevWorkflowKit(name: string): Promise<WorkflowKit> {
  const path = requireGlobalSetup().TEMPORAL_CLI_PATH;
  const extraArgs = Object.entries(CASE_SEARCH_ATTRIBUTES).flatMap(([key, type]) => ['--search-attribute', `${key}=${type}`]);
  const guard = closingGuard();
  const env = await startServer('Temporal dev server', () =>
    TestWorkflowEnvironment.createLocal({
      // its own output would go straight to the terminal: errors only
      server: { executable: { type: 'existing-path', path }, ip: '127.0.0.1', extraArgs, log: { format: 'pretty', level: 'error' } },
      plugins: [guard.plugin],
    }));
  return kitOn(env, `dev-${name}`, guard);
}
