#!/usr/bin/env python3
"""`warrant lsp` driven by a scripted client over pipes (ctest `lsp/client`).

Usage: test_lsp.py WARRANT REPO_ROOT

Checks diagnostics across a pack as documents change, hover, definition, references, completion,
document symbols, formatting and quick fixes on a small pack; that malformed and hostile messages
get JSON-RPC errors while the session goes on; and types a statement into a 2,000-line file one
keystroke at a time, timing each keystroke until its diagnostics arrive. The 95th percentile is
printed and asserted only loosely (10x the 50 ms target: CI machines are shared); bench/lsp_keystrokes.py
reports the distribution.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import Client, position_of, uri_of  # noqa: E402
import large_file  # noqa: E402

WARRANT = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2])
TERMINOLOGY = os.path.join(ROOT, 'tests/cases/lint/fixtures/term')
P95_LIMIT_MS = 500  # 10x the target of 50 ms

LIB = '''// Shared codesets, reasons and facts.
codeset diabetes_dx: icd10cm = [E11.9, E11.65]
codeset fobt: hcpcs = [82270, G0328]
reason lab_frequency = CO-119 remark N386 "one test per period"
fact regimen_changed: bool "the regimen was altered to improve control"
'''

MAIN = '''policy "P1" version 1 "Test policy"
  effective 2024-01-01

import "lib.warrant" as lib

codeset screening: hcpcs = lib.fobt + [G0104]
let adult = age >= 18

rule frequency "Once a year"
  applies to line where line.code in screening and adult
{
  let last = latest h in history
    where h.code in screening and h.status == "paid"
  require last is none or service_date >= last.date + 12 months
    else deny lab_frequency "one per year"
  require any d in diagnoses where d in lib.diabetes_dx or facts.regimen_changed
    else deny dx_not_covered "diabetes only"
  flag "type 2 diabetes"
    when "E11.9" in diagnoses
  require line.units <= limits[year(service_date)]
    else deny frequency "too many units"
}

test "first screening" {
  given {
    "patient": {"birth_date": "1960-01-01", "sex": "F"},
    "service_date": "2024-05-01",
    "diagnoses": ["E11.9"],
    "lines": [{"code": "82270"}],
    "facts": {"regimen_changed": true}
  }
  expect line 1 covered
}

table limits: int -> int = {2024: 1, 2025: 2}
'''

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print('FAIL', what)


def start(root, *extra):
    client = Client([WARRANT, 'lsp', '--terminology', TERMINOLOGY, *extra])
    reply = client.call('initialize', {'processId': os.getpid(), 'rootUri': uri_of(root),
                                       'capabilities': {}})
    client.notify('initialized', {})
    return client, reply


def open_doc(client, path, text, version=1):
    client.notify('textDocument/didOpen', {'textDocument': {
        'uri': uri_of(path), 'languageId': 'warrant', 'version': version, 'text': text}})


def change(client, path, version, text, range_=None):
    change = {'text': text}
    if range_ is not None:
        change['range'] = range_
    client.notify('textDocument/didChange', {
        'textDocument': {'uri': uri_of(path), 'version': version}, 'contentChanges': [change]})


def doc_request(client, method, path, position=None, **more):
    params = {'textDocument': {'uri': uri_of(path)}}
    if position is not None:
        params['position'] = position
    params.update(more)
    return client.call(method, params)


def hover_text(client, path, position):
    result = doc_request(client, 'textDocument/hover', path, position).get('result')
    return result['contents']['value'] if result else ''


def codes(diagnostics):
    return [d['code'] for d in diagnostics]


def apply_edits(text, edits):
    lines = text.split('\n')

    def offset(p):
        return sum(len(l) + 1 for l in lines[:p['line']]) + p['character']
    for e in sorted(edits, key=lambda e: offset(e['range']['start']), reverse=True):
        text = text[:offset(e['range']['start'])] + e['newText'] + text[offset(e['range']['end']):]
    return text


# ---- the small pack ------------------------------------------------------------------------------

def test_features(pack):
    main = os.path.join(pack, 'main.warrant')
    lib = os.path.join(pack, 'lib.warrant')
    client, init = start(pack)
    caps = init['result']['capabilities']
    for cap in ['hoverProvider', 'definitionProvider', 'referencesProvider', 'completionProvider',
                'documentSymbolProvider', 'documentFormattingProvider', 'codeActionProvider']:
        check(cap in caps, 'capability ' + cap)
    check(caps['textDocumentSync']['change'] == 2, 'incremental sync')

    open_doc(client, main, MAIN)
    check(client.diagnostics(uri_of(main), 1) == [], 'a clean file has no diagnostics')

    # -- hover
    h = hover_text(client, main, position_of(MAIN, 'age >= 18', 0, 1))
    check('`age`: int' in h and 'completed years' in h, 'hover on a scope name: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'line.code', 0, 6))
    check('`code`: code<hcpcs>' in h and 'procedure code' in h, 'hover on a field: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'codeset screening', 0, 9))
    check('codeset `screening`: hcpcs' in h and '3 codes' in h, 'hover on a codeset: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'lib.diabetes_dx', 0, 5))
    check('codeset `diabetes_dx`: icd10cm' in h and '2 members: E11.9, E11.65' in h,
          'hover on an imported codeset: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'deny lab_frequency', 0, 6))
    check('CO-119 remark N386' in h and 'one test per period' in h and 'CARC 119' in h,
          'hover on a reason: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'deny dx_not_covered', 0, 6))
    check('standard reason' in h, 'hover on a standard reason: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'facts.regimen_changed', 0, 8))
    check('fact `regimen_changed`: bool' in h and 'altered' in h, 'hover on a fact: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'let last', 0, 5))
    check('let `last`: history' in h, 'hover on a rule let: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'h.code', 0, 0))
    check('`h`: history' in h, 'hover on a quantifier variable: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'and adult', 0, 5))
    check('let `adult`: bool' in h, 'hover on a file-level let: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'limits[', 0, 1))
    check('table `limits`' in h and '2 entries' in h, 'hover on a table: ' + h)
    h = hover_text(client, main, position_of(MAIN, 'year(service_date)', 0, 1))
    check('`year(date) -> int`' in h, 'hover on a builtin: ' + h)
    open_doc(client, lib, LIB)
    h = hover_text(client, lib, position_of(LIB, 'E11.9'))
    check('E11.9** Type 2 diabetes mellitus without complications' in h,
          'hover on a code shows its description: ' + h)
    h = hover_text(client, main, position_of(MAIN, '"E11.9" in', 0, 2))
    check('Type 2 diabetes mellitus without complications' in h,
          'hover on a code in a string: ' + h)

    # -- definition and references
    def definition(path, text, needle, nth=0, delta=1):
        r = doc_request(client, 'textDocument/definition', path,
                        position_of(text, needle, nth, delta))['result']
        return (r['uri'], r['range']['start']['line']) if r else None
    check(definition(main, MAIN, 'in screening', 0, 4) == (uri_of(main), 5), 'definition: codeset')
    check(definition(main, MAIN, 'lib.fobt', 0, 5) == (uri_of(lib), 2),
          'definition: imported codeset')
    check(definition(main, MAIN, '"lib.warrant"', 0, 2) == (uri_of(lib), 0),
          'definition: import path')
    check(definition(main, MAIN, 'deny lab_frequency', 0, 6) == (uri_of(lib), 3),
          'definition: reason')
    check(definition(main, MAIN, 'facts.regimen_changed', 0, 8) == (uri_of(lib), 4),
          'definition: fact')
    check(definition(main, MAIN, 'last is none', 0, 1) == (uri_of(main), 11),
          'definition: rule let')
    check(definition(main, MAIN, 'h.status', 0, 0) == (uri_of(main), 11),
          'definition: quantifier variable')
    check(definition(main, MAIN, 'age >= 18') is None, 'definition: a scope name has none')
    check(definition(main, MAIN, 'limits[', 0, 1) == (uri_of(main), MAIN.count('\n') - 1),
          'definition: table')
    refs = doc_request(client, 'textDocument/references', lib, position_of(LIB, 'fobt'),
                       context={'includeDeclaration': True})['result']
    check(sorted((r['uri'], r['range']['start']['line']) for r in refs) ==
          [(uri_of(lib), 2), (uri_of(main), 5)], 'references across files: %r' % refs)
    refs = doc_request(client, 'textDocument/references', main, position_of(MAIN, 'screening'),
                       context={'includeDeclaration': False})['result']
    check(len(refs) == 2, 'references without the declaration: %r' % refs)
    refs = doc_request(client, 'textDocument/references', lib,
                       position_of(LIB, 'regimen_changed'),
                       context={'includeDeclaration': True})['result']
    check(len(refs) == 3, 'a fact\'s references include the test record\'s key: %r' % refs)

    # -- completion
    def completions(text, offset_of, path=main):
        return [i['label'] for i in doc_request(client, 'textDocument/completion', path,
                                                offset_of)['result']['items']]
    labels = completions(MAIN, position_of(MAIN, 'line.code', 0, 5))
    check('code' in labels and 'units' in labels and 'modifiers' in labels,
          'completion after `line.`: %r' % labels)
    labels = completions(MAIN, position_of(MAIN, 'h.status', 0, 2))
    check('status' in labels and 'date' in labels, 'completion after a variable: %r' % labels)
    labels = completions(MAIN, position_of(MAIN, 'lib.diabetes_dx', 0, 4))
    check('diabetes_dx' in labels and 'fobt' in labels, 'completion after an alias: %r' % labels)
    labels = completions(MAIN, position_of(MAIN, 'facts.regimen', 0, 6))
    check('regimen_changed' in labels, 'completion after `facts.`: %r' % labels)
    labels = completions(MAIN, position_of(MAIN, 'deny lab_frequency', 0, 5))
    check('lab_frequency' in labels and 'frequency' in labels and 'days_between' not in labels,
          'completion of reasons: %r' % labels[:10])
    labels = completions(MAIN, position_of(MAIN, 'and adult', 0, 4))
    check(all(x in labels for x in ['adult', 'screening', 'age', 'diagnoses', 'lib',
                                    'days_between', 'require', 'when']) and 'last' not in labels,
          'completion of names and keywords: %r' % labels[:40])
    labels = completions(MAIN, position_of(MAIN, 'last is none', 0, 0))
    check('last' in labels and 'adult' in labels, 'completion sees the rule\'s lets: %r' % labels)

    # -- document symbols
    symbols = doc_request(client, 'textDocument/documentSymbol', main)['result']
    names = [s['name'] for s in symbols]
    check(names == ['policy P1 version 1', 'lib', 'screening', 'adult', 'frequency',
                    'first screening', 'limits'], 'document symbols: %r' % names)
    rule = [s for s in symbols if s['name'] == 'frequency'][0]
    check([c['name'] for c in rule.get('children', [])] == ['last'], 'a rule\'s lets as children')

    # -- diagnostics across the pack: renaming a codeset in lib breaks main
    lib_renamed = LIB.replace('codeset fobt', 'codeset fobts')
    change(client, lib, 2, lib_renamed)
    diags = client.diagnostics(uri_of(main))
    check(codes(diags) == ['E0213'] and 'did you mean `fobts`?' in diags[0]['message'] and
          diags[0]['message'].startswith('`lib.warrant` declares no `fobt`'),
          'an edit in an imported file shows in its importer: %r' % diags)
    actions = doc_request(client, 'textDocument/codeAction', main,
                          range=diags[0]['range'], context={'diagnostics': diags})['result']
    check(len(actions) == 1 and actions[0]['kind'] == 'quickfix', 'a quick fix: %r' % actions)
    if actions:
        edits = actions[0]['edit']['changes'][uri_of(main)]
        fixed = apply_edits(MAIN, edits)
        check('lib.fobts + [G0104]' in fixed, 'the quick fix renames: %r' % edits)
    change(client, lib, 3, LIB)
    check(client.diagnostics(uri_of(main)) == [], 'the importer is clean again')

    # -- syntax errors: every one, with the slips' own codes and fixes
    broken = MAIN.replace('h.status == "paid"', 'h.status = "paid"').replace(
        '12 months', '12 mnths').replace('require any d', 'Require any d')
    change(client, main, 4, broken)
    diags = client.diagnostics(uri_of(main), 4)
    check(codes(diags) == ['E0116', 'E0119', 'E0118'], 'syntax errors: %r' % codes(diags))
    check(all(d['severity'] == 1 and d['source'] == 'warrant' for d in diags), 'error severity')
    check('help: did you mean `12 months`?' in diags[1]['message'], 'help in the message')
    actions = doc_request(client, 'textDocument/codeAction', main,
                          range={'start': {'line': 0, 'character': 0},
                                 'end': {'line': 40, 'character': 0}},
                          context={'diagnostics': diags})['result']
    check(len(actions) == 3, 'a quick fix for each slip: %r' % [a['title'] for a in actions])
    fixed = broken
    for a in actions:
        fixed = apply_edits(fixed, a['edit']['changes'][uri_of(main)])
    check(fixed == MAIN, 'the quick fixes restore the file')
    # Hover still works on what parsed.
    h = hover_text(client, main, position_of(broken, 'line.code', 0, 6))
    check('code<hcpcs>' in h, 'hover in a file with syntax errors: ' + h)
    # Checker errors of other kinds, in a file that parses.
    change(client, main, 5, MAIN.replace('line.code in screening', 'line.cdoe in screening'))
    diags = client.diagnostics(uri_of(main), 5)
    check(codes(diags) == ['E0202'] and 'did you mean `code`?' in diags[0]['message'],
          'a checker diagnostic with its help: %r' % diags)
    change(client, main, 6, MAIN)
    check(client.diagnostics(uri_of(main), 6) == [], 'clean again')

    # -- formatting, as `warrant fmt`
    messy = MAIN.replace('  effective 2024-01-01', '    effective   2024-01-01').replace(
        'let adult = age >= 18', 'let adult=age>=18')
    change(client, main, 7, messy)
    edits = doc_request(client, 'textDocument/formatting', main,
                        options={'tabSize': 2, 'insertSpaces': True})['result']
    expected = subprocess.run([WARRANT, 'fmt', '-'], input=messy.encode(),
                              capture_output=True).stdout.decode()
    check(len(edits) == 1 and apply_edits(messy, edits) == expected == MAIN,
          'formatting gives what `warrant fmt` gives')
    check(doc_request(client, 'textDocument/formatting', lib,
                      options={'tabSize': 2, 'insertSpaces': True})['result'] == [],
          'a formatted file needs no edit')

    # -- lifecycle
    check(client.call('shutdown')['result'] is None, 'shutdown')
    check(client.call('textDocument/hover', {'textDocument': {'uri': uri_of(main)},
                                              'position': {'line': 0, 'character': 0}})
          ['error']['code'] == -32600, 'requests after shutdown are refused')
    client.notify('exit')
    check(client.close() == 0, 'exit after shutdown is 0')


# ---- robustness ----------------------------------------------------------------------------------

def test_robustness(pack):
    main = os.path.join(pack, 'main.warrant')
    client = Client([WARRANT, 'lsp'])
    r = client.call('textDocument/hover', {'textDocument': {'uri': uri_of(main)},
                                           'position': {'line': 0, 'character': 0}})
    check(r['error']['code'] == -32002, 'a request before initialize')
    client.call('initialize', {'processId': None, 'rootUri': uri_of(pack), 'capabilities': {}})
    open_doc(client, main, MAIN)

    def error_of(body):
        client.send_raw(b'Content-Length: %d\r\n\r\n' % len(body) + body)
        return client.wait(lambda m: 'error' in m and m.get('id') is None)['error']['code']
    check(error_of(b'{"jsonrpc": "2.0", "id": 1, "method": ') == -32700, 'malformed JSON')
    check(error_of(b'[1, 2, 3]') == -32600, 'not an object')
    check(error_of(b'\xff\xfe garbage') == -32700, 'not even text')
    check(client.call('workspace/frobnicate', {})['error']['code'] == -32601, 'unknown method')
    r = client.call('textDocument/hover', {'textDocument': {'uri': uri_of(main)},
                                           'position': {'line': 'x', 'character': 0}})
    check(r['error']['code'] == -32602, 'invalid params')
    r = client.call('textDocument/hover', {'textDocument': 'nope'})
    check(r['error']['code'] == -32602, 'invalid params (textDocument)')
    r = client.call('textDocument/hover', {'textDocument': {'uri': 'file:///nowhere/x.warrant'},
                                           'position': {'line': 0, 'character': 0}})
    check('result' in r and r['result'] is None, 'a document that is not open')
    r = client.call('textDocument/hover', {'textDocument': {'uri': uri_of(main)},
                                           'position': {'line': 10 ** 6, 'character': 10 ** 6}})
    check('result' in r, 'a position past the end')
    client.notify('textDocument/didChange', {'textDocument': {'uri': uri_of(main)},
                                             'contentChanges': 'not a list'})
    client.notify('$/cancelRequest', {'id': 12})
    # A frame without a length, one with a bad length, then a good request: still answered.
    client.send_raw(b'Content-Type: x\r\n\r\n')
    check(client.wait(lambda m: 'error' in m and m.get('id') is None)['error']['code'] == -32700,
          'a frame without Content-Length')
    client.send_raw(b'Content-Length: twelve\r\n\r\n')
    check(client.wait(lambda m: 'error' in m and m.get('id') is None)['error']['code'] == -32700,
          'a frame with a bad Content-Length')

    # Fuzz: random bodies in valid frames, requests with random params for every method.
    rng = random.Random(20240501)
    methods = ['textDocument/hover', 'textDocument/definition', 'textDocument/references',
               'textDocument/completion', 'textDocument/documentSymbol',
               'textDocument/formatting', 'textDocument/codeAction', 'textDocument/didChange',
               'textDocument/didOpen', 'textDocument/didClose', 'initialize']
    values = [None, True, 0, -1, 2 ** 40, 1.5, '', 'x', [], {}, [1, 'a'], {'line': 'a'},
              {'uri': uri_of(main)}, {'line': 3, 'character': 4}, uri_of(main)]

    def random_value(depth=0):
        if depth < 3 and rng.random() < 0.3:
            return {rng.choice(['textDocument', 'position', 'uri', 'range', 'context', 'text',
                                'contentChanges', 'start', 'end', 'line', 'character']):
                    random_value(depth + 1) for _ in range(rng.randrange(4))}
        return rng.choice(values)
    for i in range(300):
        kind = rng.randrange(3)
        if kind == 0:
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
            client.send_raw(b'Content-Length: %d\r\n\r\n' % len(body) + body)
        else:
            params = random_value()
            if kind == 2 and isinstance(params, dict):
                params['textDocument'] = {'uri': uri_of(main)}
            client.send({'jsonrpc': '2.0', 'id': 1000 + i, 'method': rng.choice(methods),
                         'params': params})
    r = client.call('textDocument/hover', {'textDocument': {'uri': uri_of(main)},
                                           'position': position_of(MAIN, 'age >= 18', 0, 1)},
                    timeout=30)
    check('result' in r or 'error' in r, 'the server answers after the fuzzing')
    check(client.proc.poll() is None, 'the server is still running after the fuzzing')
    client.drop_backlog()
    # Reopen the document as it should be and check it still works end to end.
    open_doc(client, main, MAIN, 99)
    client.diagnostics(uri_of(main), 99, timeout=30)
    h = hover_text(client, main, position_of(MAIN, 'age >= 18', 0, 1))
    check('`age`: int' in h, 'hover after the fuzzing: ' + h)
    client.notify('exit')
    check(client.close() == 1, 'exit without shutdown is 1')


# ---- typing into a large file --------------------------------------------------------------------

def keystroke_latencies(warrant, directory, lines=2000):
    """Types a statement into a `lines`-line file; returns (latencies in ms, problems)."""
    path = os.path.join(directory, 'large.warrant')
    text = large_file.make(lines)
    with open(path, 'w') as f:
        f.write(text)
    client = Client([warrant, 'lsp'])
    client.call('initialize', {'processId': None, 'rootUri': uri_of(directory),
                               'capabilities': {}})
    client.notify('initialized', {})
    open_doc(client, path, text)
    problems = []
    if client.diagnostics(uri_of(path), 1, timeout=30) != []:
        problems.append('the generated file has diagnostics')
    # Type a new statement into the middle of the file, one character per change.
    anchor = position_of(text, 'rule frequency_24', 0, 0)
    line = anchor['line'] + 3  # the line after the rule's `{`
    typed = '  require age >= 45 and line.units <= 2 else deny age "45 or older"\n'
    latencies = []
    saw_error = False
    version = 1
    column = 0
    for ch in typed:
        version += 1
        at = {'line': line, 'character': column}
        sent = time.perf_counter()
        change(client, path, version, ch, {'start': at, 'end': at})
        diags = client.diagnostics(uri_of(path), version, timeout=30)
        latencies.append((time.perf_counter() - sent) * 1000)
        saw_error = saw_error or any(d['severity'] == 1 for d in diags)
        if ch == '\n':
            line, column = line + 1, 0
        else:
            column += 1
    final = client.diagnostics(uri_of(path), None, timeout=1) if client.backlog else diags
    if not saw_error:
        problems.append('no keystroke left a half-typed statement with an error')
    if final:
        problems.append('the completed statement has diagnostics: %r' % final[:2])
    client.call('shutdown')
    client.notify('exit')
    client.close()
    return latencies, problems


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def test_keystrokes(directory):
    latencies, problems = keystroke_latencies(WARRANT, directory)
    for p in problems:
        check(False, p)
    p95 = percentile(latencies, 95)
    print('keystrokes: %d on a 2,000-line file; time to diagnostics p50 %.1f ms, p95 %.1f ms, '
          'max %.1f ms (target p95 <= 50 ms; this test fails above %d ms)'
          % (len(latencies), percentile(latencies, 50), p95, max(latencies), P95_LIMIT_MS))
    # Sanitized and unoptimised builds are many times slower: there the latency is only printed
    # (ctest sets WARRANT_LSP_UNTIMED); the target itself is bench/lsp_keystrokes.py's.
    if not os.environ.get('WARRANT_LSP_UNTIMED'):
        check(p95 <= P95_LIMIT_MS, 'p95 time to diagnostics %.1f ms' % p95)


def main():
    work = tempfile.mkdtemp(prefix='warrant-lsp-')
    try:
        pack = os.path.join(work, 'pack')
        os.mkdir(pack)
        for name, text in [('main.warrant', MAIN), ('lib.warrant', LIB)]:
            with open(os.path.join(pack, name), 'w') as f:
                f.write(text)
        test_features(pack)
        test_robustness(pack)
        large = os.path.join(work, 'large')
        os.mkdir(large)
        test_keystrokes(large)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print('%d check(s) failed' % len(failures))
        return 1
    print('all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
