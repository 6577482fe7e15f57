// Like workflow-kit.ts, on the real Temporal dev server (temporal server start-dev) instead of the
// time-skipping test server: for what only a real server does, e.g. DeleteWorkflowExecution (retention).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CASE_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { kitOn, requireGlobalSetup, type WorkflowKit } from './workflow-kit';

export async function startDevWorkflowKit(name: string): Promise<WorkflowKit> {
  const path = requireGlobalSetup().TEMPORAL_CLI_PATH;
  const extraArgs = Object.entries(CASE_SEARCH_ATTRIBUTES).flatMap(([key, type]) => ['--search-attribute', `${key}=${type}`]);
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path }, ip: '127.0.0.1', extraArgs } });
  return kitOn(env, `dev-${name}`);
}
