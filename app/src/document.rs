//! A document as the city's papers are built: headings, paragraphs, tables, a table of
//! contents and page breaks. What a document says is built beside its feature (the
//! meeting's agenda and minutes, the written-reply volume) and unit-tested there; the
//! server's `documents` writes this one model as ODT and as PDF, so every format says the
//! same thing; `components::DocumentView` shows it for print.

use serde::{Deserialize, Serialize};

/// A document: its title and its blocks in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A heading of level 1 to 3; an anchor lets the contents point at it.
    Heading {
        level: u8,
        text: String,
        anchor: Option<String>,
    },
    Paragraph(String),
    /// A line set in the middle, as a cover's issuing unit and date are.
    Centered(String),
    /// A table: its header row and its rows, every row as long as the header.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A table of contents: each line's text and the anchor of the heading it names, whose
    /// page number the writer fills in.
    Contents(Vec<(String, String)>),
    /// What follows starts on a new page.
    PageBreak,
}

impl Document {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn heading(mut self, level: u8, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Heading {
            level: level.clamp(1, 3),
            text: text.into(),
            anchor: None,
        });
        self
    }

    /// A heading the contents can point at by `anchor`.
    pub fn heading_at(mut self, level: u8, text: impl Into<String>, anchor: String) -> Self {
        self.blocks.push(Block::Heading {
            level: level.clamp(1, 3),
            text: text.into(),
            anchor: Some(anchor),
        });
        self
    }

    pub fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Paragraph(text.into()));
        self
    }

    pub fn centered(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Centered(text.into()));
        self
    }

    pub fn table(mut self, header: &[&str], rows: Vec<Vec<String>>) -> Self {
        self.blocks.push(Block::Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        });
        self
    }

    pub fn contents(mut self, lines: Vec<(String, String)>) -> Self {
        self.blocks.push(Block::Contents(lines));
        self
    }

    pub fn page_break(mut self) -> Self {
        self.blocks.push(Block::PageBreak);
        self
    }
}
