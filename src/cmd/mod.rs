//! One module per subcommand: each calls one library operation and prints
//! its report.

pub mod check;
pub mod countersign;
pub mod diff;
pub mod extract;
pub mod init;
pub mod render;
pub mod sign;
pub mod status;
pub mod summary;
pub mod timestamp;
pub mod verify;
pub mod watch;
