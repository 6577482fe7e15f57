// Like workflow-kit.ts, on the real Temporal dev server (temporal server start-dev) instead of the
// time-skipping test server: for what only a real server does, e.g. DeleteWorkflowExecution (retention),
// and for continue-as-new right after an update, which the time-skipping test server gets wrong on a
// loaded machine (the update's answer, then every workflow on that server, stalls for minutes).
//
// Started by the project's own launcher (scripts/stack/, as `npm start` does): it waits up to 90 s for
// the server (the SDK's launcher gives it 5 s) and its output goes to the test file's log.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CASE_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { startTemporalDevServer } from '../../scripts/stack';
import { testLog } from './test-log';
import { testDataConverter } from './payload-codec';
import { closingGuard, kitOn, requireGlobalSetup, type WorkflowKit } from './workflow-kit';

export async function startDevWorkflowKit(name: string): Promise<WorkflowKit> {
  requireGlobalSetup();
  const server = await startTemporalDevServer({ searchAttributes: CASE_SEARCH_ATTRIBUTES, log: testLog });
  const guard = closingGuard();
  try {
    const env = await TestWorkflowEnvironment.createFromExistingServer({
      address: server.address,
      namespace: server.namespace,
      plugins: [guard.plugin],
      client: { dataConverter: testDataConverter() },
    });
    const kit = await kitOn(env, `dev-${name}`, guard);
    return {
      ...kit,
      async close() {
        try {
          await kit.close();
        } finally {
          await server.stop();
        }
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
