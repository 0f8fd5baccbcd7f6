//! Integration tests of dossier, one binary with a module per concern.

mod batch;
mod calendar;
mod catalogues;
mod common;
mod contract;
mod countersign;
mod docs;
mod escaping;
mod finals;
mod fuzz;
mod glossary;
mod layers;
mod layout;
mod load;
mod longterm;
mod render;
mod rich;
mod samples;
mod schema;
mod signing;
mod snapshots;
mod tooling;
mod timestamps;
mod tools;
mod validate;
mod versions;
