// Each workflow evaluates its own copy of every module in the workflow bundle (the SDK's reusable context keeps
// module state per workflow), so what the bundle carries is paid per open case in heap and per replay in CPU.
// zod and the message schemas alone were ~1.6 MiB and ~19 ms per workflow: the workflows run domain/rules.ts.
import { readFileSync } from 'node:fs';

/** The module ids webpack wrote into the bundle global setup built for the test workers. */
function bundledModules(): string[] {
  const code = readFileSync(process.env.TEST_WORKER_BUNDLE_PATH!, 'utf8');
  return [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"$/gm)].map((m) => m[1]);
}

describe('the workflow bundle carries only what workflows run (worker memory per open case)', () => {
  const modules = bundledModules();

  it('bundles the workflows and the decision rules they validate with', () => {
    expect(modules.some((m) => /workflows\/order\/workflow\.[jt]s$/.test(m))).toBe(true);
    expect(modules.some((m) => /domain\/rules\.[jt]s$/.test(m))).toBe(true);
  });

  it('has no zod and no message schemas: the API validates bodies, the workflows run the same rules without them', () => {
    expect(modules.filter((m) => /node_modules\/zod\//.test(m))).toEqual([]);
    expect(modules.filter((m) => /domain\/(messages\/|primitives\.)/.test(m))).toEqual([]);
  });
});
