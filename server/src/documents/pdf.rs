//! A `Document` as PDF: A4 pages in a Traditional Chinese system font, embedded and
//! subsetted (krilla keeps only the glyphs used and writes their Unicode, so the text can
//! be selected and searched); lines broken where Unicode line breaking allows (UAX #14:
//! between ideographs, never before 。，、」 nor after 「); contents with page numbers,
//! numbered pages, and the headings as the reader's bookmarks.
//!
//! Text is laid out here, one glyph per character from the font's own map and widths: the
//! city's texts are Chinese with Latin digits and words, which need no shaping, and a
//! volume has tens of thousands of lines to measure.

use app::document::{Block, Document};
use krilla::{
    annotation::{Annotation, LinkAnnotation, Target},
    destination::{Destination, XyzDestination},
    geom::{PathBuilder, Point, Rect},
    metadata::Metadata,
    outline::{Outline, OutlineNode},
    page::PageSettings,
    paint::Stroke,
    text::{Font, GlyphId, KrillaGlyph},
};
use skrifa::{
    charmap::Charmap,
    instance::{LocationRef, Size},
    metrics::GlyphMetrics,
    raw::FileRef,
    raw::TableProvider,
    string::StringId,
    FontRef, MetadataProvider,
};
use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

pub const MEDIA_TYPE: &str = app::volume::VolumeFormat::Pdf.media_type();

/// Where the fonts are looked for when none is configured: Debian's `fonts-noto-cjk` (a
/// serif for the text, as printed government documents are set, a bold sans for headings),
/// then the same fonts where other systems put them.
const REGULAR: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
];
/// Fonts for the characters the text font lacks (the ballot boxes ☐ ☑ of a form, ♿ …):
/// Debian's DejaVu Sans, which every desktop has.
const FALLBACK: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];
const BOLD: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
];

/// The font files configured: `PDF_FONT` for the text, `PDF_FONT_BOLD` for headings
/// (default: the text font). Unset, the usual system places are searched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FontPaths {
    pub regular: Option<PathBuf>,
    pub bold: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "找不到產生 PDF 所需的繁體中文字型：請安裝 fonts-noto-cjk，或以 PDF_FONT 指定字型檔。"
    )]
    NoFont,
    #[error("字型檔 {0} 無法讀取，或其中沒有繁體中文字形。")]
    BadFont(String),
    #[error("PDF could not be written: {0}")]
    Write(String),
}

/// A font file's face that has Traditional Chinese, read once for layout and embedding.
#[derive(Clone)]
struct Face {
    data: Arc<Vec<u8>>,
    index: u32,
    font: Font,
}

impl Face {
    fn load(path: &Path) -> Result<Self, PdfError> {
        let bad = || PdfError::BadFont(path.display().to_string());
        let data = Arc::new(std::fs::read(path).map_err(|_| bad())?);
        let index = traditional_chinese_face(&data).ok_or_else(bad)?;
        let font = Font::new(data.clone().into(), index).ok_or_else(bad)?;
        Ok(Self { data, index, font })
    }

    /// A fallback font's first face, if the file is there and is a font.
    fn load_fallback(path: &Path) -> Option<Self> {
        let data = Arc::new(std::fs::read(path).ok()?);
        let font = Font::new(data.clone().into(), 0)?;
        Some(Self {
            data,
            index: 0,
            font,
        })
    }
}

/// The face of a font file or collection to use: the one named for Traditional Chinese
/// (Noto's collections hold JP, KR, SC, TC and HK faces of the same design), else the
/// first that has 臺.
fn traditional_chinese_face(data: &[u8]) -> Option<u32> {
    let file = FileRef::new(data).ok()?;
    let faces: Vec<FontRef> = file.fonts().filter_map(Result::ok).collect();
    let named = faces.iter().position(|f| {
        f.localized_strings(StringId::FAMILY_NAME)
            .any(|name| name.to_string().ends_with(" TC"))
    });
    named
        .or_else(|| faces.iter().position(|f| f.charmap().map('臺').is_some()))
        .map(|i| i as u32)
}

/// The regular and bold faces a PDF is set in, and the faces for what they lack.
#[derive(Clone)]
pub struct Fonts {
    regular: Face,
    bold: Face,
    fallback: Vec<Face>,
}

impl Fonts {
    /// Loads the configured fonts, else the first found in the usual places. The fonts are
    /// read once per process (some 46 MB for Noto's collections) and shared by every PDF
    /// after; a failure is not kept, so fonts installed later are found.
    pub fn load(paths: &FontPaths) -> Result<Self, PdfError> {
        static LOADED: std::sync::Mutex<Option<(FontPaths, Fonts)>> = std::sync::Mutex::new(None);
        let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, fonts)) = loaded.as_ref() {
            if at == paths {
                return Ok(fonts.clone());
            }
        }
        let fonts = Self::load_from(paths, REGULAR, BOLD)?;
        *loaded = Some((paths.clone(), fonts.clone()));
        Ok(fonts)
    }

    fn load_from(
        paths: &FontPaths,
        regular_places: &[&str],
        bold_places: &[&str],
    ) -> Result<Self, PdfError> {
        let find = |configured: &Option<PathBuf>, places: &[&str]| -> Option<PathBuf> {
            match configured {
                Some(p) => Some(p.clone()),
                None => places.iter().map(PathBuf::from).find(|p| p.is_file()),
            }
        };
        let regular_path = find(&paths.regular, regular_places).ok_or(PdfError::NoFont)?;
        if !regular_path.is_file() {
            return Err(PdfError::BadFont(regular_path.display().to_string()));
        }
        let regular = Face::load(&regular_path)?;
        let bold = match (&paths.bold, &paths.regular) {
            (Some(p), _) => Face::load(p)?,
            // A configured text font without a bold one sets the headings too.
            (None, Some(_)) => regular.clone(),
            (None, None) => match find(&None, bold_places) {
                Some(p) => Face::load(&p)?,
                None => regular.clone(),
            },
        };
        let fallback = FALLBACK
            .iter()
            .filter_map(|p| Face::load_fallback(Path::new(p)))
            .take(1)
            .collect();
        Ok(Self {
            regular,
            bold,
            fallback,
        })
    }
}

// A4 in points, with 2.5 cm margins.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 71.0;
const LEFT: f32 = MARGIN;
const RIGHT: f32 = PAGE_W - MARGIN;
const TOP: f32 = MARGIN;
const BOTTOM: f32 = PAGE_H - MARGIN;
const WIDTH: f32 = RIGHT - LEFT;

/// How a kind of text is set: size, line height and the space around it (points).
#[derive(Clone, Copy)]
struct Style {
    size: f32,
    leading: f32,
    before: f32,
    after: f32,
    bold: bool,
    centered: bool,
}

const H1: Style = Style {
    size: 20.0,
    leading: 30.0,
    before: 0.0,
    after: 14.0,
    bold: true,
    centered: true,
};
const H2: Style = Style {
    size: 14.0,
    leading: 22.0,
    before: 14.0,
    after: 6.0,
    bold: true,
    centered: false,
};
const H3: Style = Style {
    size: 12.0,
    leading: 19.0,
    before: 8.0,
    after: 2.0,
    bold: true,
    centered: false,
};
const BODY: Style = Style {
    size: 11.5,
    leading: 19.0,
    before: 0.0,
    after: 6.0,
    bold: false,
    centered: false,
};
const CELL: Style = Style {
    size: 10.0,
    leading: 15.0,
    before: 0.0,
    after: 0.0,
    bold: false,
    centered: false,
};
const CELL_PAD: f32 = 4.0;
/// The column on the right of a contents line that holds its page number.
const PAGE_NUMBER_COLUMN: f32 = 36.0;

/// Glyphs and widths of one face: the character map and advances, cached per character.
struct Measure<'a> {
    /// The text face, then the fallbacks: each one's map, metrics and units per em.
    faces: Vec<(Charmap<'a>, GlyphMetrics<'a>, f32)>,
    cache: HashMap<char, (usize, u32, f32)>,
    /// Characters no face has (drawn as the text face's empty box, and reported).
    missing: std::collections::BTreeSet<char>,
}

impl<'a> Measure<'a> {
    fn new(face: &'a Face, fallback: &'a [Face]) -> Result<Self, PdfError> {
        let mut faces = Vec::new();
        for face in std::iter::once(face).chain(fallback) {
            let font = FontRef::from_index(&face.data, face.index)
                .map_err(|e| PdfError::Write(e.to_string()))?;
            let units_per_em = f32::from(font.head().map(|h| h.units_per_em()).unwrap_or(1000));
            faces.push((
                font.charmap(),
                font.glyph_metrics(Size::unscaled(), LocationRef::default()),
                units_per_em,
            ));
        }
        Ok(Self {
            faces,
            cache: HashMap::new(),
            missing: Default::default(),
        })
    }

    /// The face (0: the text face) that has `c`, its glyph there and its advance in ems.
    fn glyph(&mut self, c: char) -> (usize, u32, f32) {
        if let Some(g) = self.cache.get(&c) {
            return *g;
        }
        let found = self
            .faces
            .iter()
            .enumerate()
            .find_map(|(i, (map, metrics, upem))| {
                let id = map.map(c)?;
                Some((
                    i,
                    id.to_u32(),
                    metrics.advance_width(id).unwrap_or(0.0) / upem,
                ))
            });
        let g = found.unwrap_or_else(|| {
            if !c.is_control() {
                self.missing.insert(c);
            }
            let (_, metrics, upem) = &self.faces[0];
            let notdef = skrifa::GlyphId::new(0);
            (0, 0, metrics.advance_width(notdef).unwrap_or(0.0) / upem)
        });
        self.cache.insert(c, g);
        g
    }

    fn width(&mut self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).2).sum::<f32>() * size
    }
}

/// Breaks `text` into lines no wider than `width`, where Unicode line breaking allows; a
/// piece wider than a line on its own (a long address, a run of digits) is cut where it
/// must. Line breaks in the text are kept; spaces at the end of a line are dropped.
fn break_lines(text: &str, width: f32, measure: &mut impl FnMut(&str) -> f32) -> Vec<String> {
    use unicode_linebreak::{linebreaks, BreakOpportunity};
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0.0;
    let mut start = 0;
    for (end, opportunity) in linebreaks(text) {
        let piece = &text[start..end];
        start = end;
        let mandatory = opportunity == BreakOpportunity::Mandatory;
        let piece = if mandatory {
            piece.trim_end_matches(['\n', '\r', '\u{2028}', '\u{2029}', '\u{b}', '\u{c}'])
        } else {
            piece
        };
        let piece_width = measure(piece);
        let visible_width = measure(piece.trim_end());
        if !line.is_empty() && line_width + visible_width > width {
            lines.push(line.trim_end().to_owned());
            line.clear();
            line_width = 0.0;
        }
        if visible_width > width {
            // Too wide for any line: cut it character by character.
            for c in piece.chars() {
                let w = measure(c.encode_utf8(&mut [0; 4]));
                if !line.is_empty() && line_width + w > width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += w;
            }
        } else {
            line.push_str(piece);
            line_width += piece_width;
        }
        if mandatory {
            lines.push(line.trim_end().to_owned());
            line.clear();
            line_width = 0.0;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    // `linebreaks` ends every text with a mandatory break; it adds no empty line of its own.
    lines
}

/// What a page holds, in points from its top left.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    /// A line of text; `y` is its baseline. `tag`: the structure element it belongs to
    /// (none: an artifact, such as a table's header repeated on a new page); `justify`: the
    /// width the line is spread to, as printed Chinese text is set.
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
        tag: Option<usize>,
        justify: Option<f32>,
    },
    Rule {
        from: (f32, f32),
        to: (f32, f32),
    },
    /// The page number of the heading `anchor`, right-aligned at `right`.
    PageOf {
        right: f32,
        y: f32,
        anchor: String,
        tag: usize,
    },
    /// A clickable area leading to the heading `anchor`, for the contents line `tag`.
    Link {
        rect: (f32, f32, f32, f32),
        anchor: String,
        tag: usize,
    },
}

/// What a part of the document is, for the tagged PDF's structure tree (what screen readers
/// and accessibility checks read).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Heading(u8),
    Paragraph,
    Contents,
    ContentsLine,
    Table,
    Row,
    HeaderCell,
    Cell,
}

/// A structure element: its kind and the element it is part of (none: the document).
struct Node {
    kind: Kind,
    parent: Option<usize>,
}

impl PartialEq for Style {
    fn eq(&self, other: &Self) -> bool {
        self.size == other.size && self.bold == other.bold
    }
}

impl std::fmt::Debug for Style {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}pt{}", self.size, if self.bold { " bold" } else { "" })
    }
}

/// A heading's place: for the contents, the reader's bookmarks and links.
struct Place {
    page: usize,
    y: f32,
}

struct Layout<'a> {
    regular: Measure<'a>,
    bold: Measure<'a>,
    pages: Vec<Vec<Item>>,
    y: f32,
    anchors: HashMap<String, Place>,
    outline: Vec<(u8, String, Place)>,
    /// The structure elements, parents before their parts, in reading order.
    nodes: Vec<Node>,
}

impl Layout<'_> {
    /// A new structure element, part of `parent`.
    fn node(&mut self, kind: Kind, parent: Option<usize>) -> usize {
        self.nodes.push(Node { kind, parent });
        self.nodes.len() - 1
    }

    fn lines(&mut self, text: &str, style: Style, width: f32) -> Vec<String> {
        let m = if style.bold {
            &mut self.bold
        } else {
            &mut self.regular
        };
        break_lines(text, width, &mut |s| m.width(s, style.size))
    }

    fn width(&mut self, text: &str, style: Style) -> f32 {
        if style.bold {
            self.bold.width(text, style.size)
        } else {
            self.regular.width(text, style.size)
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more fits on this one (or this one is empty).
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn push(&mut self, item: Item) {
        self.pages.last_mut().expect("a page").push(item);
    }

    /// The baseline of a line set in `style` whose box starts at `top`.
    fn baseline(top: f32, style: Style) -> f32 {
        top + (style.leading - style.size) / 2.0 + style.size * 0.88
    }

    /// A paragraph or heading (structure element `tag`): lines, each moved to a new page
    /// when it does not fit; a heading keeps its first two following lines with it. Body
    /// lines are spread to the full width but for the last of a paragraph (or before a line
    /// break in it). Returns where its first line is.
    fn text(&mut self, text: &str, style: Style, keep_with_next: bool, tag: usize) -> Place {
        if self.y > TOP {
            self.y += style.before;
        }
        let mut lines: Vec<(String, bool)> = Vec::new();
        for piece in text.split('\n') {
            let broken = self.lines(piece, style, WIDTH);
            let last = broken.len().saturating_sub(1);
            lines.extend(broken.into_iter().enumerate().map(|(i, l)| (l, i < last)));
        }
        let keep = if keep_with_next {
            3.0 * BODY.leading
        } else {
            0.0
        };
        self.room(style.leading * lines.len().min(2) as f32 + keep);
        let first = Place {
            page: self.pages.len() - 1,
            y: self.y,
        };
        for (line, spread) in lines {
            self.room(style.leading);
            let x = if style.centered {
                LEFT + (WIDTH - self.width(&line, style)) / 2.0
            } else {
                LEFT
            };
            let y = Self::baseline(self.y, style);
            let justify = (spread && !style.centered && !style.bold).then_some(WIDTH);
            self.push(Item::Text {
                x,
                y,
                style,
                text: line,
                tag: Some(tag),
                justify,
            });
            self.y += style.leading;
        }
        self.y += style.after;
        first
    }

    fn heading(&mut self, level: u8, text: &str, anchor: Option<&String>) {
        let style = match level {
            1 => H1,
            2 => H2,
            _ => H3,
        };
        let tag = self.node(Kind::Heading(level.clamp(1, 3)), None);
        let place = self.text(text, style, true, tag);
        let (page, y) = (place.page, place.y);
        if let Some(anchor) = anchor {
            self.anchors.insert(anchor.clone(), Place { page, y });
        }
        if level <= 2 {
            self.outline
                .push((level, text.to_owned(), Place { page, y }));
        }
    }

    fn contents(&mut self, lines: &[(String, String)]) {
        let contents = self.node(Kind::Contents, None);
        for (text, anchor) in lines {
            let tag = self.node(Kind::ContentsLine, Some(contents));
            let wrapped = self.lines(text, BODY, WIDTH - PAGE_NUMBER_COLUMN);
            self.room(BODY.leading * wrapped.len().min(2) as f32);
            let count = wrapped.len();
            for (i, line) in wrapped.into_iter().enumerate() {
                self.room(BODY.leading);
                let y = Self::baseline(self.y, BODY);
                self.push(Item::Text {
                    x: LEFT,
                    y,
                    style: BODY,
                    text: line,
                    tag: Some(tag),
                    justify: None,
                });
                if i + 1 == count {
                    self.push(Item::PageOf {
                        right: RIGHT,
                        y,
                        anchor: anchor.clone(),
                        tag,
                    });
                }
                self.push(Item::Link {
                    rect: (LEFT, self.y, RIGHT, self.y + BODY.leading),
                    anchor: anchor.clone(),
                    tag,
                });
                self.y += BODY.leading;
            }
            self.y += 2.0;
        }
        self.y += BODY.after;
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        if header.is_empty() {
            return;
        }
        // Columns as wide as their texts ask, each at least a tenth of the table.
        let mut wants = vec![0.0f32; header.len()];
        for cells in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            for (i, cell) in cells.iter().enumerate().take(header.len()) {
                let w = self.width(cell, CELL).min(WIDTH);
                wants[i] = wants[i].max(w);
            }
        }
        let total: f32 = wants.iter().sum::<f32>().max(1.0);
        let floor = WIDTH / 10.0;
        let mut widths: Vec<f32> = wants
            .iter()
            .map(|w| (w / total * WIDTH).max(floor))
            .collect();
        let sum: f32 = widths.iter().sum();
        widths.iter_mut().for_each(|w| *w *= WIDTH / sum);
        let header_style = Style { bold: true, ..CELL };
        self.y += BODY.before;
        let table = self.node(Kind::Table, None);
        let header_lines = self.cell_lines(header, &widths, header_style);
        let row = self.node(Kind::Row, Some(table));
        self.row(
            header_lines.clone(),
            &widths,
            header_style,
            Some((row, Kind::HeaderCell)),
        );
        for cells in rows {
            // Each cell is broken into lines once: for the row's height and for drawing.
            let lines = self.cell_lines(cells, &widths, CELL);
            if self.y + Self::row_height(&lines, CELL) > BOTTOM {
                self.new_page();
                // The header again on the new page is for the eye: an artifact.
                self.row(header_lines.clone(), &widths, header_style, None);
            }
            let row = self.node(Kind::Row, Some(table));
            self.row(lines, &widths, CELL, Some((row, Kind::Cell)));
        }
        self.y += BODY.after;
    }

    fn cell_lines(&mut self, cells: &[String], widths: &[f32], style: Style) -> Vec<Vec<String>> {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| self.lines(c, style, w - 2.0 * CELL_PAD))
            .collect()
    }

    fn row_height(lines: &[Vec<String>], style: Style) -> f32 {
        let most = lines.iter().map(Vec::len).max().unwrap_or(1);
        most as f32 * style.leading + 2.0 * CELL_PAD
    }

    /// A table row; `tagged`: its structure element and the kind of its cells (none: an
    /// artifact).
    fn row(
        &mut self,
        cells: Vec<Vec<String>>,
        widths: &[f32],
        style: Style,
        tagged: Option<(usize, Kind)>,
    ) {
        let height = Self::row_height(&cells, style);
        self.room(height);
        let top = self.y;
        let mut x = LEFT;
        for (lines, w) in cells.into_iter().zip(widths) {
            let tag = tagged.map(|(row, kind)| self.node(kind, Some(row)));
            for (i, line) in lines.into_iter().enumerate() {
                let y = Self::baseline(top + CELL_PAD + i as f32 * style.leading, style);
                self.push(Item::Text {
                    x: x + CELL_PAD,
                    y,
                    style,
                    text: line,
                    tag,
                    justify: None,
                });
            }
            self.push(Item::Rule {
                from: (x, top),
                to: (x, top + height),
            });
            x += w;
        }
        self.push(Item::Rule {
            from: (RIGHT, top),
            to: (RIGHT, top + height),
        });
        self.push(Item::Rule {
            from: (LEFT, top),
            to: (RIGHT, top),
        });
        self.push(Item::Rule {
            from: (LEFT, top + height),
            to: (RIGHT, top + height),
        });
        self.y += height;
    }
}

/// The document as a PDF file. `progress` hears each block laid out (of all blocks) so a
/// long document can show how far it has come.
pub fn render(
    doc: &Document,
    fonts: &Fonts,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>, PdfError> {
    let mut layout = Layout {
        regular: Measure::new(&fonts.regular, &fonts.fallback)?,
        bold: Measure::new(&fonts.bold, &fonts.fallback)?,
        pages: Vec::new(),
        y: TOP,
        anchors: HashMap::new(),
        outline: Vec::new(),
        nodes: Vec::new(),
    };
    layout.new_page();
    let total = doc.blocks.len();
    for (i, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Heading {
                level,
                text,
                anchor,
            } => layout.heading(*level, text, anchor.as_ref()),
            Block::Paragraph(text) => {
                let tag = layout.node(Kind::Paragraph, None);
                layout.text(text, BODY, false, tag);
            }
            Block::Centered(text) => {
                let tag = layout.node(Kind::Paragraph, None);
                let centered = Style {
                    centered: true,
                    ..BODY
                };
                layout.text(text, centered, false, tag);
            }
            Block::Table { header, rows } => layout.table(header, rows),
            Block::Contents(lines) => layout.contents(lines),
            Block::PageBreak => {
                if layout.y > TOP {
                    layout.new_page();
                }
            }
        }
        progress(i + 1, total);
    }
    let missing: String = layout.regular.missing.union(&layout.bold.missing).collect();
    if !missing.is_empty() {
        tracing::warn!(
            document = %doc.title,
            %missing,
            "PDF: no installed font has these characters; they show as empty boxes"
        );
    }
    write(doc, fonts, layout)
}

fn write(doc: &Document, fonts: &Fonts, mut layout: Layout) -> Result<Vec<u8>, PdfError> {
    use krilla::tagging::{Artifact, ArtifactType, ContentTag, Identifier, SpanTag};
    let mut pdf = krilla::Document::new();
    let destination =
        |place: &Place| XyzDestination::new(place.page, Point::from_xy(LEFT, place.y));
    // The marked content of each structure element, and each contents line's link.
    let mut leaves: Vec<Vec<Identifier>> = (0..layout.nodes.len()).map(|_| Vec::new()).collect();
    let mut link_of: HashMap<usize, Identifier> = HashMap::new();
    let pages = std::mem::take(&mut layout.pages);
    for (index, items) in pages.into_iter().enumerate() {
        let mut page = pdf.start_page_with(
            PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(PdfError::Write("page size".into()))?,
        );
        let mut links = Vec::new();
        {
            let mut surface = page.surface();
            let draw = |surface: &mut krilla::surface::Surface,
                        layout: &mut Layout,
                        (x, y): (f32, f32),
                        style: Style,
                        text: &str,
                        justify: Option<f32>| {
                let (measure, face) = if style.bold {
                    (&mut layout.bold, &fonts.bold)
                } else {
                    (&mut layout.regular, &fonts.regular)
                };
                let mut glyphs: Vec<(usize, KrillaGlyph)> = text
                    .char_indices()
                    .map(|(at, c)| {
                        let (face, id, advance) = measure.glyph(c);
                        let glyph = KrillaGlyph {
                            glyph_id: GlyphId::new(id),
                            text_range: at..at + c.len_utf8(),
                            x_advance: advance,
                            x_offset: 0.0,
                            y_offset: 0.0,
                            y_advance: 0.0,
                            location: None,
                        };
                        (face, glyph)
                    })
                    .collect();
                // Spread to the full width: the room left shared between the characters
                // (advances are in ems).
                if let (Some(width), true) = (justify, glyphs.len() > 1) {
                    let natural: f32 = glyphs.iter().map(|(_, g)| g.x_advance).sum::<f32>();
                    let extra = (width / style.size - natural) / (glyphs.len() - 1) as f32;
                    // A line far shorter than the width is not stretched into gaps.
                    if extra > 0.0 && extra < 0.5 {
                        let last = glyphs.len() - 1;
                        glyphs[..last]
                            .iter_mut()
                            .for_each(|(_, g)| g.x_advance += extra);
                    }
                }
                // Each run of characters in the face that has them.
                let mut x = x;
                for run in glyphs.chunk_by(|a, b| a.0 == b.0) {
                    let font = match run[0].0 {
                        0 => face.font.clone(),
                        n => fonts.fallback[n - 1].font.clone(),
                    };
                    let run: Vec<KrillaGlyph> = run.iter().map(|(_, g)| g.clone()).collect();
                    surface.draw_glyphs(Point::from_xy(x, y), &run, font, text, style.size, false);
                    x += run.iter().map(|g| g.x_advance).sum::<f32>() * style.size;
                }
            };
            let artifact = |kind| ContentTag::Artifact(Artifact::with_kind(kind));
            for item in items {
                match item {
                    Item::Text {
                        x,
                        y,
                        style,
                        text,
                        tag,
                        justify,
                    } => {
                        let content = match tag {
                            Some(_) => ContentTag::Span(SpanTag::empty()),
                            None => artifact(ArtifactType::PaginationOther),
                        };
                        let id = surface.start_tagged(content);
                        draw(&mut surface, &mut layout, (x, y), style, &text, justify);
                        surface.end_tagged();
                        if let Some(tag) = tag {
                            leaves[tag].push(id);
                        }
                    }
                    Item::PageOf {
                        right,
                        y,
                        anchor,
                        tag,
                    } => {
                        let number = layout
                            .anchors
                            .get(&anchor)
                            .map_or_else(|| "?".to_owned(), |p| (p.page + 1).to_string());
                        let x = right - layout.width(&number, BODY);
                        let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
                        draw(&mut surface, &mut layout, (x, y), BODY, &number, None);
                        surface.end_tagged();
                        leaves[tag].push(id);
                    }
                    Item::Rule { from, to } => {
                        let mut path = PathBuilder::new();
                        path.move_to(from.0, from.1);
                        path.line_to(to.0, to.1);
                        if let Some(path) = path.finish() {
                            surface.start_tagged(artifact(ArtifactType::Layout));
                            surface.set_stroke(Some(Stroke {
                                width: 0.5,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                            surface.end_tagged();
                        }
                    }
                    Item::Link { rect, anchor, tag } => links.push((rect, anchor, tag)),
                }
            }
            // Every page but the cover carries its number.
            if index > 0 {
                let number = format!("{}", index + 1);
                let footer = Style { size: 10.0, ..BODY };
                let x = (PAGE_W - layout.width(&number, footer)) / 2.0;
                surface.start_tagged(artifact(ArtifactType::PaginationOther));
                draw(
                    &mut surface,
                    &mut layout,
                    (x, PAGE_H - 40.0),
                    footer,
                    &number,
                    None,
                );
                surface.end_tagged();
            }
            surface.finish();
        }
        for ((l, t, r, b), anchor, tag) in links {
            // A contents line has one link (on its last line, the rest of it is text).
            if link_of.contains_key(&tag) {
                continue;
            }
            if let (Some(rect), Some(place)) =
                (Rect::from_ltrb(l, t, r, b), layout.anchors.get(&anchor))
            {
                let id = page.add_tagged_annotation(Annotation::new_link(
                    LinkAnnotation::new(
                        rect,
                        Target::Destination(Destination::Xyz(destination(place))),
                    ),
                    None,
                ));
                link_of.insert(tag, id);
            }
        }
        page.finish();
    }
    pdf.set_tag_tree(tag_tree(&layout.nodes, leaves, link_of));
    let mut outline = Outline::new();
    let mut current: Option<OutlineNode> = None;
    for (level, text, place) in &layout.outline {
        let node = OutlineNode::new(text.clone(), destination(place));
        if *level == 1 {
            if let Some(done) = current.take() {
                outline.push_child(done);
            }
            current = Some(node.with_open(true));
        } else if let Some(parent) = current.as_mut() {
            parent.push_child(node);
        } else {
            outline.push_child(node);
        }
    }
    if let Some(done) = current.take() {
        outline.push_child(done);
    }
    pdf.set_outline(outline);
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .language("zh-TW".into())
            .creator("府會通".into()),
    );
    pdf.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// The structure tree: each element with its marked content (a contents line's text and
/// page number inside its link), in reading order, under the document (language zh-TW).
fn tag_tree(
    nodes: &[Node],
    mut leaves: Vec<Vec<krilla::tagging::Identifier>>,
    mut link_of: HashMap<usize, krilla::tagging::Identifier>,
) -> krilla::tagging::TagTree {
    use krilla::tagging::{TableHeaderScope, Tag, TagGroup, TagKind, TagTree};
    use std::num::NonZeroU16;
    let kind = |k: Kind| -> TagKind {
        match k {
            Kind::Heading(level) => {
                Tag::Hn(NonZeroU16::new(u16::from(level)).expect("1 to 3"), None).into()
            }
            Kind::Paragraph => Tag::P.into(),
            Kind::Contents => Tag::TOC.into(),
            Kind::ContentsLine => Tag::TOCI.into(),
            Kind::Table => Tag::Table.into(),
            Kind::Row => Tag::TR.into(),
            Kind::HeaderCell => Tag::TH(TableHeaderScope::Column).into(),
            Kind::Cell => Tag::TD.into(),
        }
    };
    // Parts come after what they are part of: build from the last, each into its parent.
    let mut children: Vec<Vec<TagGroup>> = (0..nodes.len()).map(|_| Vec::new()).collect();
    let mut top: Vec<TagGroup> = Vec::new();
    for (i, node) in nodes.iter().enumerate().rev() {
        let mut group = TagGroup::new(kind(node.kind));
        let marked = std::mem::take(&mut leaves[i]);
        match link_of.remove(&i) {
            Some(link) => {
                let mut inner = TagGroup::new(Tag::Link);
                marked.into_iter().for_each(|id| inner.push(id));
                inner.push(link);
                group.push(inner);
            }
            None => marked.into_iter().for_each(|id| group.push(id)),
        }
        for child in std::mem::take(&mut children[i]).into_iter().rev() {
            group.push(child);
        }
        match node.parent {
            Some(parent) => children[parent].push(group),
            None => top.push(group),
        }
    }
    let mut tree = TagTree::new().with_lang(Some("zh-TW".into()));
    for group in top.into_iter().rev() {
        tree.push(group);
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one unit wide: what the rules decide, without a font.
    fn lines(text: &str, width: usize) -> Vec<String> {
        break_lines(text, width as f32, &mut |s: &str| s.chars().count() as f32)
    }

    #[test]
    fn without_a_font_the_message_says_what_to_install_and_what_to_set() {
        let err = Fonts::load_from(&FontPaths::default(), &[], &[])
            .err()
            .expect("no font");
        let said = err.to_string();
        assert!(
            said.contains("fonts-noto-cjk") && said.contains("PDF_FONT"),
            "{said}"
        );
        let file = std::env::temp_dir().join(format!("fht-not-a-font-{}", std::process::id()));
        std::fs::write(&file, b"not a font").unwrap();
        let paths = FontPaths {
            regular: Some(file.clone()),
            bold: None,
        };
        let said = Fonts::load(&paths).err().expect("not a font").to_string();
        assert!(said.contains(&file.display().to_string()), "{said}");
        let _ = std::fs::remove_file(file);
    }

    #[test]
    fn chinese_breaks_between_any_two_characters() {
        assert_eq!(lines("臺北市政府答復", 3), vec!["臺北市", "政府答", "復"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // 「。」 may not begin a line: it goes with the character before it, which moves too.
        assert_eq!(
            lines("本府已辦理完竣。謝謝", 7),
            vec!["本府已辦理完", "竣。謝謝"]
        );
        assert_eq!(lines("甲乙丙，丁", 3), vec!["甲乙", "丙，丁"]);
    }

    #[test]
    fn opening_brackets_never_end_a_line() {
        assert_eq!(lines("甲乙「丙丁」", 3), vec!["甲乙", "「丙", "丁」"]);
    }

    #[test]
    fn latin_words_break_at_spaces_and_digits_stay_together() {
        assert_eq!(
            lines("共 12345 件 open data", 8),
            vec!["共 12345", "件 open", "data"]
        );
    }

    #[test]
    fn a_piece_wider_than_a_line_is_cut() {
        assert_eq!(
            lines("https://example.tw/abc", 8),
            vec!["https://", "example.", "tw/abc"]
        );
    }

    #[test]
    fn line_breaks_in_the_text_are_kept_and_empty_lines_too() {
        assert_eq!(lines("一\n\n二", 10), vec!["一", "", "二"]);
        assert_eq!(lines("", 10), vec![""]);
    }
}
