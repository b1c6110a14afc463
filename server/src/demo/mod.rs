//! Demo data: the reference lists every database starts with, the living demo the README's
//! first command shows, and the bulk generator the benchmarks and scale tests use.

pub mod generate;
pub mod living;
pub mod reference;
