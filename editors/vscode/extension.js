// Starts `dossier lsp` for YAML files; the server itself leaves alone any
// YAML that is not an engagement.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("dossier");
  const command = settings.get("path") || "dossier";
  const rules = settings.get("rulesPage");
  client = new LanguageClient(
    "dossier",
    "dossier",
    { command, args: ["lsp"], transport: TransportKind.stdio },
    {
      documentSelector: [{ scheme: "file", language: "yaml" }],
      initializationOptions: rules ? { rules } : {},
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
