// Golden tokenizations of the TextMate grammar (ctest `editors/vscode_grammar`).
//
//   node test/tokenize.js [--update] [REPO_ROOT]
//
// Tokenizes every examples/**/*.warrant with syntaxes/warrant.tmLanguage.json, as VS Code does
// (vscode-textmate with the Oniguruma regular expressions of vscode-oniguruma), and compares the
// result with test/golden/<path>.tokens: each source line, then one line per token with its
// columns, text (but a comment's) and scopes (without the `.warrant` suffix). --update rewrites
// the goldens; review them with `git diff`.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const update = args.includes('--update');
const root = path.resolve(args.find((a) => !a.startsWith('--')) || path.join(here, '../..'));
const goldenDir = path.join(here, 'test', 'golden');

function examples(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...examples(full));
    else if (entry.name.endsWith('.warrant')) out.push(full);
  }
  return out;
}

async function main() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')),
    'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.warrant') return null;
      const file = path.join(here, 'syntaxes', 'warrant.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  const grammar = await registry.loadGrammar('source.warrant');
  const files = examples(path.join(root, 'examples'));
  if (files.length === 0) throw new Error('no examples under ' + root);
  let failed = 0;
  let updated = 0;
  for (const file of files) {
    const rel = path.relative(root, file);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let state = vsctm.INITIAL;
    let out = '';
    lines.forEach((line, i) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      out += `${i + 1}: ${line}\n`;
      for (const t of result.tokens) {
        const text = line.substring(t.startIndex, t.endIndex);
        if (text.trim() === '') continue;  // whitespace says nothing about the grammar
        // Scopes without the `.warrant` every one ends in; a comment's text is the line's.
        const scopes = t.scopes.slice(1).map((s) => s.replace(/\.warrant$/, ''));
        const shown = scopes.some((s) => s.startsWith('comment.')) ? '' : JSON.stringify(text) + ' ';
        out += `  ${t.startIndex}-${t.endIndex} ${shown}${scopes.join(' ')}\n`;
      }
    });
    const golden = path.join(goldenDir, rel + '.tokens');
    const expected = fs.existsSync(golden) ? fs.readFileSync(golden, 'utf8') : null;
    if (expected === out) continue;
    if (update) {
      fs.mkdirSync(path.dirname(golden), { recursive: true });
      fs.writeFileSync(golden, out);
      updated++;
      continue;
    }
    failed++;
    if (expected === null) {
      console.log(`FAIL ${rel}: no golden (run with --update)`);
      continue;
    }
    const want = expected.split('\n');
    const got = out.split('\n');
    let k = 0;
    while (k < want.length && k < got.length && want[k] === got[k]) k++;
    console.log(`FAIL ${rel}: first difference at golden line ${k + 1}`);
    console.log(`  expected: ${want[k]}`);
    console.log(`  actual:   ${got[k]}`);
  }
  if (update) console.log(`${updated} golden(s) rewritten of ${files.length}`);
  console.log(`${files.length - failed} of ${files.length} examples tokenize as their goldens`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
