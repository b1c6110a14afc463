//! File formats only: the document model (`app::document`) written as ODT and PDF, and
//! tables written as CSV. What a document says is built beside its feature in `app`.

pub mod csv;
pub mod odt;
pub mod pdf;
mod readers;
pub mod xlsx;
