//! `dossier lsp`: a language server for engagement files, over stdio.
//!
//! It checks the text the editor holds, saved or not, with `check`'s own
//! stages (`ops::check::check_text`: the same loader, rules and
//! workspace-wide id check), and publishes the diagnostics a short pause
//! after the last change. It answers hovers with a key's documentation and
//! the rules that read it, completes cited ids and closed sets of values,
//! leads from a cited id to its item, and offers the mechanical fixes the
//! diagnostics carry as code actions.

mod text;
mod help;
mod ids;
mod diagnose;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Exit, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, GotoDefinition, HoverRequest, Request as _, Shutdown,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, GotoDefinitionResponse,
    HoverProviderCapability, InitializeParams, OneOf, PublishDiagnosticsParams, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};

use crate::base::discover::{ENGAGEMENT_FILE, declares_engagement, discover};
use crate::base::scalars::tree;
use crate::ops::check::check_text;
use crate::pipeline::load::identify_bytes;

/// How long the server waits after a change before it checks the text
/// again: long enough to let a burst of keystrokes end, short enough to
/// be felt as immediate.
const PAUSE: Duration = Duration::from_millis(40);

/// Why the server stopped before the editor asked it to.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The editor broke the protocol, or the connection was lost.
    #[error("language server protocol: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// Reading or writing the connection failed.
    #[error("language server connection: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves the editor on stdin and stdout until it asks the server to exit;
/// whether it asked to shut down first (the protocol's exit status: 0 then,
/// 1 when it exits or goes away without).
pub fn stdio() -> Result<bool, LspError> {
    let (connection, threads) = Connection::stdio();
    let clean = serve(&connection)?;
    drop(connection);
    // After a shutdown, how the editor closes the pipe is of no matter.
    match threads.join() {
        Err(err) if !clean => Err(err.into()),
        _ => Ok(clean),
    }
}

/// Serves the editor at the other end of `connection`: the initialize
/// handshake, then requests and notifications until shutdown and exit;
/// whether the editor asked to shut down before it left.
pub fn serve(connection: &Connection) -> Result<bool, LspError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "[".into(), ",".into(), "-".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let answer = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "dossier".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    connection.initialize_finish(id, answer)?;
    let mut server = Server::new(&params);
    server.run(connection)
}

/// A file the editor has open.
struct Document {
    uri: Uri,
    /// The engagement file it is, on disk.
    path: PathBuf,
    /// That path with its links resolved, to compare with others.
    real: PathBuf,
    /// Its text as the editor holds it.
    text: String,
    /// Its last text that parsed as YAML, for the ids it defines.
    parsed: String,
    /// The engagement id it used when it was last checked.
    id: Option<String>,
}

/// What the server knows between messages.
struct Server {
    /// The workspace folders, searched for other engagements.
    roots: Vec<PathBuf>,
    /// The open files, by their URI.
    open: HashMap<String, Document>,
    /// The engagement files of the workspace with their ids, as saved;
    /// read again when a file is saved or changes on disk.
    saved: Option<Vec<(PathBuf, String)>>,
    /// The open files to check again, and when.
    due: BTreeMap<String, Instant>,
    /// The address of the guide's page of validation rules, each rule
    /// under its own heading.
    guide: String,
}

impl Server {
    fn new(params: &InitializeParams) -> Self {
        let folders = params.workspace_folders.iter().flatten().map(|f| &f.uri);
        #[allow(deprecated)]
        let root = params.root_uri.iter();
        let mut roots: Vec<PathBuf> = Vec::new();
        for found in folders.chain(root).filter_map(path_of).map(|p| real(&p)) {
            if !roots.contains(&found) && roots.len() < 16 {
                roots.push(found);
            }
        }
        let guide = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("rules")?.as_str().map(str::to_string))
            .unwrap_or_else(default_guide);
        Server {
            roots,
            open: HashMap::new(),
            saved: None,
            due: BTreeMap::new(),
            guide,
        }
    }

    fn run(&mut self, connection: &Connection) -> Result<bool, LspError> {
        loop {
            let message = match self.due.values().min() {
                Some(at) => {
                    let wait = at.saturating_duration_since(Instant::now());
                    match connection.receiver.recv_timeout(wait) {
                        Ok(message) => Some(message),
                        Err(e) if e.is_timeout() => None,
                        Err(_) => return Ok(false),
                    }
                }
                None => match connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Ok(false),
                },
            };
            match message {
                Some(Message::Request(request)) if request.method == Shutdown::METHOD => {
                    // Answered; whatever follows, the editor asked first.
                    let _ = connection.handle_shutdown(&request);
                    return Ok(true);
                }
                Some(Message::Request(request)) => {
                    let response = self.answer(request);
                    send(connection, response.into());
                }
                Some(Message::Notification(note)) if note.method == Exit::METHOD => {
                    return Ok(false);
                }
                Some(Message::Notification(note)) => self.notice(note, connection),
                Some(Message::Response(_)) | None => {}
            }
            self.publish_due(connection);
        }
    }

    /// Checks the open files whose pause has ended, and publishes what
    /// was found.
    fn publish_due(&mut self, connection: &Connection) {
        let now = Instant::now();
        let ready: Vec<String> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(key, _)| key.clone())
            .collect();
        for key in ready {
            self.due.remove(&key);
            let others = self.others(&key);
            let Some(doc) = self.open.get_mut(&key) else {
                continue;
            };
            if !is_engagement(&doc.path, &doc.text) {
                // Other YAML (a CI pipeline, a catalogue) is none of ours.
                publish(connection, doc.uri.clone(), Vec::new());
                continue;
            }
            let checked = check_text(&doc.path, &doc.text, &others);
            let diagnostics = diagnose::shown(&doc.text, &doc.uri, &checked, &self.guide);
            publish(connection, doc.uri.clone(), diagnostics);
            if tree(&doc.text).is_some() {
                doc.parsed.clone_from(&doc.text);
            }
            if checked.id != doc.id {
                // Another open file may now share this id, or no longer.
                doc.id = checked.id;
                let later = now + PAUSE;
                let others: Vec<String> =
                    self.open.keys().filter(|k| **k != key).cloned().collect();
                for other in others {
                    self.due.entry(other).or_insert(later);
                }
            }
        }
    }

    /// The other engagement files of the workspace with their ids, as
    /// `check` of the workspace folders reads them (the open ones as the
    /// editor holds them); none when `except` is not one it finds.
    fn others(&mut self, except: &str) -> Vec<(PathBuf, String)> {
        let roots = &self.roots;
        let saved = self.saved.get_or_insert_with(|| {
            discover(roots, None)
                .into_iter()
                .filter_map(|path| {
                    let identity = crate::pipeline::load::identify(&path)?;
                    Some((real(&identity.file), identity.id))
                })
                .collect()
        });
        let Some(current) = self.open.get(except) else {
            return Vec::new();
        };
        if !saved.iter().any(|(path, _)| *path == current.real) {
            return Vec::new();
        }
        saved
            .iter()
            .filter(|(path, _)| *path != current.real)
            .filter_map(
                |(path, id)| match self.open.values().find(|d| d.real == *path) {
                    Some(doc) => {
                        let bytes = doc.text.as_bytes();
                        let identity = identify_bytes(doc.path.clone(), bytes)?;
                        Some((doc.path.clone(), identity.id))
                    }
                    None => Some((path.clone(), id.clone())),
                },
            )
            .collect()
    }

    fn notice(&mut self, note: Notification, connection: &Connection) {
        let now = Instant::now();
        match note.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = note
                    .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    self.opened(p.text_document, now);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = note.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) {
                    let key = p.text_document.uri.as_str().to_string();
                    let text = p.content_changes.into_iter().last().map(|c| c.text);
                    if let (Some(doc), Some(text)) = (self.open.get_mut(&key), text) {
                        doc.text = text;
                        self.due.insert(key, now + PAUSE);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = note
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    let key = p.text_document.uri.as_str().to_string();
                    self.open.remove(&key);
                    self.due.remove(&key);
                    // What a closed file shows is the editor's no more.
                    publish(connection, p.text_document.uri, Vec::new());
                }
            }
            DidSaveTextDocument::METHOD | DidChangeWatchedFiles::METHOD => {
                // Images may have been added, ids changed on disk.
                self.saved = None;
                let later = now + PAUSE;
                for key in self.open.keys() {
                    self.due.entry(key.clone()).or_insert(later);
                }
            }
            _ => {}
        }
    }

    /// A file opened: checked at once.
    fn opened(&mut self, doc: lsp_types::TextDocumentItem, now: Instant) {
        let Some(path) = path_of(&doc.uri) else {
            return;
        };
        let key = doc.uri.as_str().to_string();
        let document = Document {
            uri: doc.uri,
            real: real(&path),
            path,
            parsed: String::new(),
            text: doc.text,
            id: None,
        };
        self.open.insert(key.clone(), document);
        self.due.insert(key, now);
    }

    fn answer(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => self
                .at::<lsp_types::HoverParams>(request, |p| &p.text_document_position_params)
                .map(|(doc, at)| serde_json::to_value(doc.and_then(|d| help::hover(&d.text, at)))),
            Completion::METHOD => self
                .at::<lsp_types::CompletionParams>(request, |p| &p.text_document_position)
                .map(|(doc, at)| {
                    let items = doc.map(|d| ids::complete(&d.text, &d.parsed, at));
                    serde_json::to_value(items.unwrap_or_default())
                }),
            GotoDefinition::METHOD => self
                .at::<lsp_types::GotoDefinitionParams>(request, |p| {
                    &p.text_document_position_params
                })
                .map(|(doc, at)| {
                    let found = doc.and_then(|d| ids::definition(&d.text, &d.parsed, &d.uri, at));
                    serde_json::to_value(found.map(GotoDefinitionResponse::Scalar))
                }),
            CodeActionRequest::METHOD => request
                .extract::<lsp_types::CodeActionParams>(CodeActionRequest::METHOD)
                .map_err(|e| format!("{e:?}"))
                .map(|(_, p)| {
                    let actions = diagnose::actions(&p.text_document.uri, &p.context.diagnostics);
                    serde_json::to_value(actions)
                }),
            _ => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("dossier does not answer `{}`", request.method),
                );
            }
        };
        match result {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(e)) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e),
        }
    }

    /// The open document a request of type `P` is about, if it is an
    /// engagement, and the position.
    fn at<P: serde::de::DeserializeOwned>(
        &self,
        request: Request,
        position: impl Fn(&P) -> &lsp_types::TextDocumentPositionParams,
    ) -> Result<(Option<&Document>, lsp_types::Position), String> {
        let method = request.method.clone();
        let (_, params) = request
            .extract::<P>(&method)
            .map_err(|e| format!("{e:?}"))?;
        let where_ = position(&params);
        let doc = self
            .open
            .get(where_.text_document.uri.as_str())
            .filter(|d| is_engagement(&d.path, &d.text));
        Ok((doc, where_.position))
    }
}

/// Whether a file is an engagement, as `check` finds them in a folder: an
/// `engagement.yaml`, or YAML whose top level declares `engagement:`.
fn is_engagement(path: &Path, text: &str) -> bool {
    path.file_name().is_some_and(|n| n == ENGAGEMENT_FILE) || declares_engagement(text)
}

/// Publishes the diagnostics of `uri`.
fn publish(connection: &Connection, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) {
    let params = PublishDiagnosticsParams::new(uri, diagnostics, None);
    send(
        connection,
        Notification::new(PublishDiagnostics::METHOD.into(), params).into(),
    );
}

/// Sends `message`; a closed connection ends the loop at its next receive.
fn send(connection: &Connection, message: Message) {
    let _ = connection.sender.send(message);
}

/// `path` with its links resolved, when it exists.
fn real(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The local file a `file:` URI names.
fn path_of(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

/// The validation rules page of the guide in the source dossier was built
/// from, when the editor gives no address of a published guide.
fn default_guide() -> String {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide/src/reference/rules.md");
    url::Url::from_file_path(page).map_or_else(|_| String::new(), |u| u.to_string())
}
