// The Warrant extension: starts `warrant lsp` and connects VS Code to it. Everything the editor
// shows about criteria (diagnostics, hover, completion, definitions, formatting, quick fixes)
// comes from the server; the TextMate grammar colours the text before it answers.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration('warrant');
  const args = ['lsp'];
  for (const path of config.get('terminology', [])) {
    args.push('--terminology', path);
  }
  const command = config.get('path', 'warrant');
  return { command, args, transport: TransportKind.stdio };
}

async function activate(context) {
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{warrant,csv,toml}');
  context.subscriptions.push(watcher);
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'warrant' }],
    // Files the server does not have open (imported libraries, loaded CSV files) changed.
    synchronize: { fileEvents: watcher },
  };
  client = new LanguageClient('warrant', 'Warrant', serverOptions(), clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('warrant.path') ||
          event.affectsConfiguration('warrant.terminology')) {
        await client.stop();
        client = new LanguageClient('warrant', 'Warrant', serverOptions(), clientOptions);
        await client.start();
      }
    }));
  await client.start();
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate };
