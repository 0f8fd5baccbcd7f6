//! The examples each subcommand's help ends with.

pub const TEMPLATES_EXAMPLES: &str = "\
Examples:
  dossier templates export my-templates
  # edit my-templates/cover.typ, delete the files you keep as they are, then:
  dossier render acme/ --templates my-templates

render --templates DIR uses each file DIR holds and the built-in one for
every other: cover.typ (the cover page), theme.typ (the colours), style.typ
(page, headings, tables), the <report>.typ.j2 templates, macros.typ.j2 and
locales/<locale>.yaml (every label). An error in one of them is reported
with that file's name and line.";

pub const WATCH_EXAMPLES: &str = "\
Examples:
  dossier watch acme/                     keep out/<id>/ up to date while you edit
  dossier watch acme/ --only service      just the service report
  dossier watch acme/ --templates my-templates
                                          also re-render when a template is saved

Each save is checked as `dossier check` does; a save that cannot be read
leaves the last good PDFs in place. Only reports whose Typst source or files
changed are typeset again. Stop with Ctrl-C.";

pub const INIT_EXAMPLES: &str = "\
Examples:
  dossier init acme                       a zh-Hant engagement in ./acme
  dossier init northwind --locale en      an English one
  dossier init acme && dossier render acme

The new engagement.yaml explains each field and the contract clause that
needs it, and starts with the yaml-language-server schema line. It passes
`dossier check` with only the warnings of steps not yet taken (the plan's
confirmation, the completion elements, the sign-off), which keep the
affected reports drafts. An existing engagement is never overwritten.";

pub const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  source <(dossier completions bash)                       in ~/.bashrc
  dossier completions zsh > ~/.zfunc/_dossier              with fpath+=~/.zfunc
  dossier completions fish > ~/.config/fish/completions/dossier.fish
  dossier completions powershell >> $PROFILE";

pub const MAN_EXAMPLES: &str = "\
Examples:
  dossier man --dir /usr/local/share/man/man1
  dossier man | man -l -";

pub const VERIFY_EXAMPLES: &str = "\
Examples:
  dossier verify out/ZP-2026-FL-001       re-hash one bundle against its manifest.json
  dossier verify out/*/                   every bundle under out/
  dossier verify out/*/ --trust ca.pem    and each signature against a trusted CA
  dossier verify 05-acceptance.pdf --trust ca.pem --at 2031-06-30 --format json

Each signature is listed with its PAdES level (B-B, B-T, B-LT, B-LTA) and
its time-stamp. A certificate must be valid, and not revoked by the
validation data the file carries, at the time that can be trusted: the
signature's time-stamp, a later document time-stamp, or now (--at).

Exit status: 0 when every file matches, 1 when a file is missing, altered or
not listed, or a manifest cannot be read.";

pub const SIGN_EXAMPLES: &str = "\
Examples:
  dossier sign out/ZP-2026-FL-001 --key signer.key --cert signer.pem --chain ca.pem
  DOSSIER_SIGN_PASSWORD=… dossier sign out/ZP-2026-FL-001 --key signer.p12
  dossier sign out/ZP-2026-FL-001 --key signer.key --cert signer.pem --tsa http://timestamp.example.com

The bundle is rendered again from the engagement its acceptance report
carries (same dossier, same SOURCE_DATE_EPOCH); signing is refused if that
differs from the bundle's files in any byte, so only signatures are added.
The acceptance report then lists the signed files' digests, and the manifest
too. Exit status: 0 when the bundle is signed, 1 otherwise (nothing changed).";

pub const COUNTERSIGN_EXAMPLES: &str = "\
Examples:
  dossier countersign 05-acceptance.pdf --key customer.key --cert customer.pem
  dossier countersign 05-acceptance.pdf --key customer.p12 -o 05-acceptance-signed.pdf
  dossier countersign 05-acceptance.pdf --key customer.key --cert customer.pem --tsa http://timestamp.example.com
  dossier countersign 05-acceptance.pdf --key customer.p12 --tsa http://timestamp.example.com --ltv

The provider's signature certifies the acceptance report and prepares an
empty field on the customer's signature block; this fills it, at the
current time, as an incremental update: the provider's revision stays as
delivered, and `dossier verify` then lists both signatures. Any PAdES tool
(Acrobat, pyHanko) can fill the same field instead. Exit status: 0 when
the report is countersigned, 1 otherwise (nothing written).";

pub const TIMESTAMP_EXAMPLES: &str = "\
Examples:
  dossier timestamp out/ZP-2026-FL-001 --tsa http://timestamp.example.com
  dossier timestamp 05-acceptance.pdf --tsa https://tsa.example.com --tsa-timeout 60
  dossier timestamp out/ZP-2026-FL-001 --tsa http://tsa.example.com --crl ca.crl

Each signed report gets, as incremental updates, the certificates of its
signatures and time-stamps with OCSP responses or CRLs showing none was
revoked, then a document time-stamp over all of it (PAdES B-LTA): its
signatures can be validated after their certificates expire. Run it
again before the time-stamping authority's certificate expires to extend
that time. Exit status: 0 when every file is time-stamped, 1 otherwise
(a file that fails is left as it was).";

pub const EXTRACT_EXAMPLES: &str = "\
Examples:
  dossier extract out/ZP-2026-FL-001/05-acceptance.pdf
                                          write ZP-2026-FL-001/engagement.yaml and its images
  dossier extract 05-acceptance.pdf -o received/
  dossier render received/                the same reports again, byte for byte

Any PDF reader's attachments pane shows the same files. Exit status: 0 when
every file was written, 1 when the PDF carries none, cannot be read, names a
file outside DIR, or a file exists (without --force).";

pub const CHECK_EXAMPLES: &str = "\
Examples:
  dossier check samples/                  check every engagement under samples/
  dossier check acme/ --format json       machine-readable diagnostics for CI
  dossier check team/ --format github     annotations on the YAML lines of a pull request
  dossier check team/ --strict            the CI gate: every report of every engagement ready to be final

Exit status: 0 when no engagement has errors (warnings allowed), 1 otherwise;
with --strict, also 1 when a pending step (no plan confirmation, no sign-off,
an element not yet written) would keep any report a draft.";

pub const STATUS_EXAMPLES: &str = "\
Examples:
  dossier status acme/                    each report final or draft, and why; the bundle in out/
  dossier status team/ --out dist         compare with the bundles in dist/
  dossier status acme/ --format json      the same as one JSON document

Exit status: 0 when every engagement could be read, 1 otherwise.";

pub const LSP_EXAMPLES: &str = "\
Examples:
  dossier lsp                             started by an editor, which talks to it over stdin/stdout

Editor set-up for VS Code, Neovim and Helix: the guide's \"Editor support\" page.";

pub const SCHEMA_EXAMPLES: &str = "\
Examples:
  dossier schema > engagement.schema.json
  # then start engagement.yaml with:
  # yaml-language-server: $schema=engagement.schema.json";

pub const DIFF_EXAMPLES: &str = "\
Examples:
  dossier diff acme/v1.0 acme/            what changed since the copy kept in acme/v1.0/
  dossier diff git:v1.0 acme/             since the engagement file as tagged v1.0 in git
  dossier diff out/acme/05-acceptance.pdf acme/
                                          since the engagement a delivered acceptance report carries
  dossier diff git:HEAD acme/ --format json

The same changes make the appendix `render --since BASE` adds to the plan,
service and acceptance reports. Items are paired by their ids (objectives by
their statement, milestones by their name), never by their text's position.";

pub const RENDER_EXAMPLES: &str = "\
Examples:
  dossier render samples/                 render every engagement under samples/ into ./out
  dossier render acme/ -o dist            render one engagement into dist/<id>/
  dossier render acme/ --only plan,service
  dossier render acme/ --format typ       write the generated Typst sources instead
  dossier render acme/ --format png --ppi 96
                                          one PNG per page, e.g. out/<id>/04-service/page-01.png
  dossier render samples/ --strict        finals only: fail an engagement that would have drafts
  dossier render team/ --shard 2/4 --summary summary.json
                                          the second quarter of a batch, with a JSON summary
  dossier render team/ --jobs 1 --timings one thread; print where the time went
  dossier render acme/ --since acme/v1.0  a re-issue: an appendix of what changed since v1.0
  dossier render team/ --since git:v1.0   each engagement against its file as tagged v1.0

A report whose rules fail is rendered as a draft: a DRAFT watermark on every
page and a closing page listing the open gaps. It is final once they pass.

Each bundle OUT/<id>/ holds a manifest.json with the SHA-256 of every report
and of every input; `dossier verify OUT/<id>` checks it. An engagement whose
bundle is up to date (the same engagement file, images, templates, options
and dossier version, its files as written or countersigned since) is left
alone: nothing is typeset, nothing written. A bundle whose acceptance report
is final and signed off is not overwritten with different content. --force
renders everything and overwrites.

Exit status: 0 when every engagement rendered, 1 when any failed (or, with
--strict, would have had drafts), 2 on a usage error.";
