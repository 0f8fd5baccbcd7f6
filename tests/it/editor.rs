//! `dossier lsp` driven as an editor drives it: a scripted JSON-RPC client
//! on the binary's stdin and stdout, message by message.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{en_sample_with, position, violation};

/// How long a message may take to arrive before the test fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// An editor's side of the connection.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications read while waiting for something else.
    held: Vec<Value>,
    next: i64,
}

impl Client {
    /// Starts `dossier lsp` and completes the initialize handshake with
    /// `root` as the workspace.
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dossier lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (send, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            held: Vec::new(),
            next: 1,
        };
        let root_uri = uri(root);
        let answer = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{ "uri": root_uri, "name": "engagements" }],
                "capabilities": {},
                "initializationOptions": { "rules": "https://guide.example/reference/rules.html" },
            }),
        );
        let capabilities = &answer["result"]["capabilities"];
        assert_eq!(capabilities["hoverProvider"], true, "{answer}");
        assert_eq!(capabilities["definitionProvider"], true, "{answer}");
        assert_eq!(answer["result"]["serverInfo"]["name"], "dossier");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.incoming.recv_timeout(PATIENCE).expect("a response");
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message;
            }
            self.held.push(message);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.held.iter().position(is_for) {
            let message = self.held.remove(i);
            return message["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let message = self.incoming.recv_timeout(PATIENCE).expect("diagnostics");
            if is_for(&message) {
                return message["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.held.push(message);
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// Shuts the server down as an editor does, and waits for it to exit.
    fn stop(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer["result"].is_null(), "{answer}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("exits");
        assert!(status.success(), "{status}");
    }
}

/// One message of the base protocol: headers, a blank line, a JSON body.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A position as LSP writes it, from a 1-based line and column.
fn at(line: u32, column: u32) -> Value {
    json!({ "line": line - 1, "character": column - 1 })
}

#[test]
fn the_language_server_checks_hovers_completes_and_leads_to_definitions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("northwind.yaml");
    let breach = violation("lead-time");
    let late = breach.yaml();
    std::fs::write(&file, &late).expect("write");
    let doc = uri(&file);
    let mut client = Client::start(dir.path());

    // Opened with a lead-time breach: an error at the `starts_on` value,
    // the rule as its code with a link to the rule's page.
    client.open(&doc, &late);
    let found = client.diagnostics(&doc);
    let lead = found
        .iter()
        .find(|d| d["code"] == "lead-time")
        .unwrap_or_else(|| panic!("no lead-time diagnostic: {found:?}"));
    let (line, column) = breach.position();
    assert_eq!(lead["range"]["start"], at(line, column), "{lead}");
    assert_eq!(lead["range"]["end"], at(line, column + 10), "{lead}");
    assert_eq!(lead["severity"], 1);
    assert_eq!(lead["source"], "dossier");
    assert_eq!(
        lead["codeDescription"]["href"],
        "https://guide.example/reference/rules.html#lead-time"
    );
    let related = lead["relatedInformation"].to_string();
    assert!(related.contains("help: start on 2026-09-21"), "{related}");

    // Fixed in the editor, unsaved: the diagnostic is gone.
    let fixed = std::fs::read_to_string(crate::common::en_sample()).expect("sample");
    client.change(&doc, 2, &fixed);
    let found = client.diagnostics(&doc);
    assert!(found.iter().all(|d| d["code"] != "lead-time"), "{found:?}");

    // Hover on a key: its documentation and the rule that reads it, with
    // its clause.
    let (line, column) = position(&fixed, "starts_on:", 0);
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": doc }, "position": at(line, column + 2) }),
    );
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(shown.contains("When the service starts"), "{shown}");
    assert!(shown.contains("`lead-time` (§3, §6)"), "{shown}");

    // Completion of ids where evidence is cited: the findings, solutions,
    // tests… the file defines.
    let (line, column) = position(&fixed, "evidence: [NW-F1, NW-S1]", 11);
    let completion = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc }, "position": at(line, column) }),
    );
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    for id in ["NW-F1", "NW-S1", "NW-T1", "NW-R1"] {
        assert!(labels.contains(&id), "{id} not offered: {labels:?}");
    }
    // And of a closed set of values.
    let (line, column) = position(&fixed, "outcome: met", 9);
    let completion = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": doc }, "position": at(line, column) }),
    );
    let values = completion["result"].to_string();
    assert!(
        values.contains("not-met") && values.contains("not-measured"),
        "{values}"
    );

    // From a cited id to the finding that defines it.
    let (line, column) = position(&fixed, "evidence: [NW-F1, NW-S1]", 12);
    let definition = client.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": doc }, "position": at(line, column) }),
    );
    let (line, column) = position(&fixed, "- id: NW-F1", 6);
    assert_eq!(definition["result"]["uri"], doc.as_str());
    assert_eq!(definition["result"]["range"]["start"], at(line, column));

    // A misspelt key: the fix is offered as a code action.
    let typo = fixed.replacen("  title: ", "  titel: ", 1);
    client.change(&doc, 3, &typo);
    let found = client.diagnostics(&doc);
    let unknown = found
        .iter()
        .find(|d| d["message"] == "unknown key `titel`")
        .unwrap_or_else(|| panic!("{found:?}"))
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": doc },
            "range": unknown["range"],
            "context": { "diagnostics": [unknown] },
        }),
    );
    let action = &actions["result"][0];
    assert_eq!(action["title"], "replace `titel` with `title`", "{actions}");
    let edit = &action["edit"]["changes"][doc.as_str()][0];
    assert_eq!(edit["newText"], "title");
    assert_eq!(edit["range"], unknown["range"]);

    client.stop();
}

#[test]
fn the_language_server_sees_the_workspace_and_the_files_beside_the_engagement() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = std::fs::read_to_string(crate::common::en_sample()).expect("sample");
    // Another engagement of the workspace, saved, with the same id.
    std::fs::write(dir.path().join("copy.yaml"), &sample).expect("write");
    // The open one refers to an image that is not beside it.
    let open = en_sample_with(
        "  analysis: |\n    The platform is sound",
        "  diagrams:\n    - path: diagrams/overview.png\n      caption: Overview\n      alt: The platform\n  analysis: |\n    The platform is sound",
    );
    let file = dir.path().join("northwind.yaml");
    std::fs::write(&file, &open).expect("write");
    let doc = uri(&file);
    let mut client = Client::start(dir.path());
    client.open(&doc, &open);
    let found = client.diagnostics(&doc);
    let messages: Vec<&str> = found.iter().filter_map(|d| d["message"].as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("is also used by") && m.contains("copy.yaml")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`diagrams/overview.png` does not exist")),
        "{messages:?}"
    );
    // The image is added beside it and the file saved: both are known
    // again, without reopening.
    std::fs::create_dir_all(dir.path().join("diagrams")).expect("dir");
    std::fs::write(
        dir.path().join("diagrams/overview.png"),
        crate::common::one_pixel_png(),
    )
    .expect("image");
    std::fs::remove_file(dir.path().join("copy.yaml")).expect("remove");
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": doc } }),
    );
    let found = client.diagnostics(&doc);
    assert!(found.is_empty(), "{found:?}");
    client.stop();
}
