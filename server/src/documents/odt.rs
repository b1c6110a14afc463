//! OpenDocument text (ODT, ISO/IEC 26300), the document standard of Taiwan's government:
//! a `Document` written so that it opens in LibreOffice (and Word) with real heading
//! levels, real tables, contents whose page numbers the word processor fills in and
//! numbered pages. Written by
//! hand over the `zip` crate: no ODF-writing crate is kept up well enough to rely on, and
//! the subset needed is four small XML parts.

use app::document::{Block, Document};
use std::io::{Cursor, Write};
use zip::{write::SimpleFileOptions, CompressionMethod, ZipWriter};

pub const MEDIA_TYPE: &str = app::volume::VolumeFormat::Odt.media_type();

/// The ODT package.
pub fn write(doc: &Document) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // The media type comes first and uncompressed, so that a reader can tell the kind of
    // file from its first bytes.
    zip.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
    )?;
    zip.write_all(MEDIA_TYPE.as_bytes())?;
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, text) in [
        ("content.xml", content_xml(doc)),
        ("styles.xml", STYLES_XML.to_owned()),
        ("meta.xml", meta_xml(doc)),
        ("META-INF/manifest.xml", MANIFEST_XML.to_owned()),
    ] {
        zip.start_file(name, deflated)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn content_xml(doc: &Document) -> String {
    let mut body = String::new();
    let mut table_no = 0;
    // A page break is the next block's style's variant that starts a new page (the way
    // LibreOffice writes one), never an empty paragraph.
    let mut break_before = false;
    for block in &doc.blocks {
        let style = |name: &str| {
            if break_before {
                format!("Break_{name}")
            } else {
                name.to_owned()
            }
        };
        match block {
            Block::Heading {
                level,
                text,
                anchor,
            } => {
                let mark = anchor.as_ref().map_or_else(String::new, |a| {
                    format!(r#"<text:bookmark text:name="{}"/>"#, escape(a))
                });
                body.push_str(&format!(
                    r#"<text:h text:style-name="{}" text:outline-level="{level}">{}{mark}</text:h>"#,
                    style(&format!("Heading_20_{level}")),
                    escape(text)
                ))
            }
            Block::Paragraph(text) => body.push_str(&paragraph(&style("Text_20_body"), text)),
            Block::Centered(text) => body.push_str(&paragraph(&style("Centered"), text)),
            Block::Table { header, rows } => {
                table_no += 1;
                body.push_str(&format!(
                    r#"<table:table table:name="表{table_no}" table:style-name="{}"><table:table-column table:number-columns-repeated="{}"/>"#,
                    style("Table"),
                    header.len().max(1)
                ));
                body.push_str("<table:table-header-rows>");
                body.push_str(&row(header, "Table_20_Heading"));
                body.push_str("</table:table-header-rows>");
                for cells in rows {
                    body.push_str(&row(cells, "Table_20_Contents"));
                }
                body.push_str("</table:table>");
            }
            Block::Contents(lines) => {
                // The page number is a reference field to the heading's bookmark:
                // LibreOffice fills it in as it lays the pages out.
                for (i, (text, anchor)) in lines.iter().enumerate() {
                    let style = if i == 0 {
                        style("Contents_20_1")
                    } else {
                        "Contents_20_1".to_owned()
                    };
                    body.push_str(&format!(
                        r#"<text:p text:style-name="{style}">{}<text:tab/><text:bookmark-ref text:reference-format="page" text:ref-name="{}">?</text:bookmark-ref></text:p>"#,
                        escape(text),
                        escape(anchor)
                    ));
                }
            }
            Block::PageBreak => {
                break_before = true;
                continue;
            }
        }
        break_before = false;
    }
    let breaks: String = [
        "Heading_20_1",
        "Heading_20_2",
        "Heading_20_3",
        "Text_20_body",
        "Contents_20_1",
    ]
    .iter()
    .map(|name| {
        format!(
            r#"<style:style style:name="Break_{name}" style:family="paragraph" style:parent-style-name="{name}"><style:paragraph-properties fo:break-before="page"/></style:style>"#
        )
    })
    .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3"><office:automatic-styles><style:style style:name="Table" style:family="table"><style:table-properties style:width="17cm" table:align="margins"/></style:style><style:style style:name="Break_Table" style:family="table"><style:table-properties style:width="17cm" table:align="margins" fo:break-before="page"/></style:style><style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>{breaks}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    )
}

fn meta_xml(doc: &Document) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta><meta:generator>府會通</meta:generator><dc:title>{}</dc:title><dc:language>zh-TW</dc:language></office:meta></office:document-meta>"#,
        escape(&doc.title)
    )
}

fn paragraph(style: &str, text: &str) -> String {
    // A line break in the text is a line break in the paragraph.
    let lines: Vec<String> = text.split('\n').map(escape).collect();
    format!(
        r#"<text:p text:style-name="{style}">{}</text:p>"#,
        lines.join("<text:line-break/>")
    )
}

fn row(cells: &[String], style: &str) -> String {
    let cells: String = cells
        .iter()
        .map(|c| {
            format!(
                r#"<table:table-cell table:style-name="Cell" office:value-type="string">{}</table:table-cell>"#,
                paragraph(style, c)
            )
        })
        .collect();
    format!("<table:table-row>{cells}</table:table-row>")
}

/// Text as XML character data (the markup characters escaped, what XML 1.0 cannot carry
/// left out).
pub use app::escape::markup as escape;

const MANIFEST_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// Named styles: the headings LibreOffice knows (so its navigator and outline see them),
/// body text, contents lines (dotted leader to the page number) and table text, A4 pages.
/// The fonts are those of the government's documents: 標楷體 for Chinese and Times New
/// Roman for Latin letters and digits. LibreOffice takes one family name only (a list,
/// with commas or semicolons, is one unknown name to it); where 標楷體 is missing (Linux)
/// fontconfig picks the installed CJK face for Traditional Chinese, and Times New Roman
/// becomes its metric twin Liberation Serif. The Asian language is zh-TW, so that a Noto
/// CJK collection draws Traditional forms (its `locl` for ZHT) whatever face name the PDF
/// carries. The Western language is English, not Chinese: with a Chinese Western language
/// LibreOffice breaks lines inside numbers, dates and addresses (`115/12/1` / `1`).
const STYLES_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"><office:font-face-decls><style:font-face style:name="標楷體" svg:font-family="標楷體" style:font-family-generic="script" style:font-pitch="variable"/><style:font-face style:name="Times New Roman" svg:font-family="&apos;Times New Roman&apos;" style:font-family-generic="roman" style:font-pitch="variable"/></office:font-face-decls><office:styles><style:default-style style:family="paragraph"><style:text-properties style:font-name="Times New Roman" style:font-name-asian="標楷體" fo:font-size="12pt" style:font-size-asian="12pt" fo:language="en" fo:country="US" style:language-asian="zh" style:country-asian="TW"/></style:default-style><style:style style:name="Standard" style:family="paragraph" style:class="text"/><style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.2cm" fo:line-height="130%" fo:text-align="justify"/></style:style><style:style style:name="Centered" style:display-name="Centered" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:text-align="center"/></style:style><style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style><style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1" style:class="text"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="18pt" style:font-size-asian="18pt"/></style:style><style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2" style:class="text"><style:text-properties fo:font-size="15pt" style:font-size-asian="15pt"/></style:style><style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="3" style:class="text"><style:text-properties fo:font-size="13pt" style:font-size-asian="13pt"/></style:style><style:style style:name="Contents_20_1" style:display-name="Contents 1" style:family="paragraph" style:parent-style-name="Standard" style:class="index"><style:paragraph-properties fo:margin-bottom="0.1cm"><style:tab-stops><style:tab-stop style:position="17cm" style:type="right" style:leader-style="dotted" style:leader-text="."/></style:tab-stops></style:paragraph-properties></style:style><style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="10pt" style:font-size-asian="10pt"/></style:style><style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/><style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style></office:styles><office:automatic-styles><style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/><style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.3cm"/></style:footer-style></style:page-layout></office:automatic-styles><office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"><style:footer><text:p text:style-name="Footer"><text:page-number text:select-page="current">1</text:page-number></text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#;

/// Checks an ODT package the way a reader would: what tests use to prove a file opens.
pub mod check {
    use std::io::{Cursor, Read};

    /// The package's parts, after checking that the media type comes first and stored, that
    /// the manifest lists every part and every XML part parses. Returns content.xml's text.
    pub fn package(bytes: &[u8]) -> Result<String, String> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        {
            let first = zip.by_index(0).map_err(|e| e.to_string())?;
            if first.name() != "mimetype" {
                return Err(format!("first entry is {}", first.name()));
            }
            if first.compression() != zip::CompressionMethod::Stored {
                return Err("mimetype is compressed".into());
            }
        }
        let mut read = |name: &str| -> Result<String, String> {
            let mut text = String::new();
            zip.by_name(name)
                .map_err(|e| format!("{name}: {e}"))?
                .read_to_string(&mut text)
                .map_err(|e| e.to_string())?;
            Ok(text)
        };
        if read("mimetype")? != super::MEDIA_TYPE {
            return Err("wrong media type".into());
        }
        let manifest = read("META-INF/manifest.xml")?;
        let content = read("content.xml")?;
        for part in ["content.xml", "styles.xml", "meta.xml"] {
            let text = read(part)?;
            roxmltree::Document::parse(&text).map_err(|e| format!("{part}: {e}"))?;
            if !manifest.contains(&format!("manifest:full-path=\"{part}\"")) {
                return Err(format!("the manifest does not list {part}"));
            }
        }
        roxmltree::Document::parse(&manifest).map_err(|e| format!("manifest: {e}"))?;
        let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
        for name in names {
            let listed = name == "mimetype"
                || name == "META-INF/manifest.xml"
                || manifest.contains(&format!("manifest:full-path=\"{name}\""));
            if !listed {
                return Err(format!("{name} is not in the manifest"));
            }
        }
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_a_valid_package_with_real_headings_and_tables() {
        let doc = Document::new("追蹤會議紀錄")
            .heading(1, "臺北市政府 113 年 3 月 29 日追蹤會議紀錄")
            .paragraph("時間：113/03/29 14:30\n地點：市政大樓")
            .heading(2, "都市發展局")
            .table(
                &["案件", "決議"],
                vec![vec![
                    "質詢 第 1 號 <人行道> & 路燈".into(),
                    "解除列管".into(),
                ]],
            );
        let bytes = write(&doc).unwrap();
        assert_eq!(
            &bytes[30..38],
            b"mimetype",
            "the first entry's name, right after its header"
        );
        let content = check::package(&bytes).unwrap();
        let xml = roxmltree::Document::parse(&content).unwrap();
        let headings: Vec<(String, String)> = xml
            .descendants()
            .filter(|n| n.has_tag_name(("urn:oasis:names:tc:opendocument:xmlns:text:1.0", "h")))
            .map(|n| {
                (
                    n.attribute((
                        "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
                        "outline-level",
                    ))
                    .unwrap()
                    .to_owned(),
                    n.text().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            headings,
            vec![
                (
                    "1".into(),
                    "臺北市政府 113 年 3 月 29 日追蹤會議紀錄".into()
                ),
                ("2".into(), "都市發展局".into())
            ]
        );
        let cells: Vec<String> = xml
            .descendants()
            .filter(|n| {
                n.has_tag_name((
                    "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
                    "table-cell",
                ))
            })
            .map(|n| {
                n.descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect()
            })
            .collect();
        assert_eq!(
            cells,
            vec!["案件", "決議", "質詢 第 1 號 <人行道> & 路燈", "解除列管"]
        );
    }

    #[test]
    fn control_characters_cannot_break_the_xml() {
        let doc = Document::new("t").paragraph("a\u{0}b\u{1b}c");
        let content = check::package(&write(&doc).unwrap()).unwrap();
        assert!(content.contains(">abc<"));
    }
}
