// Lints files with the sandbox import rules only (no type information), for tests/unit/sandbox-imports.test.ts.
// argv: a JSON list of { path, text? } (text absent: read the file); prints [{ path, line, message }].
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { sandboxFiles, sandboxRules } from '../../eslint.sandbox.mjs';

const files = JSON.parse(process.argv[2]);
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { '@typescript-eslint': tseslint.plugin },
    },
    { files: sandboxFiles, rules: sandboxRules },
  ],
});
const out = [];
for (const f of files) {
  const results =
    f.text === undefined ? await eslint.lintFiles([f.path]) : await eslint.lintText(f.text, { filePath: f.path });
  for (const r of results) for (const m of r.messages) out.push({ path: f.path, line: m.line, message: m.message });
}
process.stdout.write(JSON.stringify(out));
