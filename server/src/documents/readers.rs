//! The documents opened by the programs that will read them: the ODT by LibreOffice (laid
//! out and printed to PDF, then read back with poppler), the PDF by qpdf. Each tool is a
//! Debian package `scripts/test` installs; on a machine without one its test says so and
//! passes, unless CI is set (a green CI means every reader ran).

#![cfg(test)]

use super::{odt, pdf};
use app::document::Document;
use std::process::Command;

/// Whether `tool` can run here; without it, a test stops (or fails under CI).
fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is not installed, and CI is set: the documents must be read by it"
        );
        eprintln!("SKIPPED: {tool} is not installed");
    }
    found
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Dates, numbers and an address as replies carry them, many to a line, so that lines end
/// near them.
fn tokens() -> Vec<String> {
    (1..=40)
        .map(|i| format!("115/12/{:02}", i % 28 + 1))
        .chain([
            "02-2720-8889".into(),
            "https://example.gov.tw/a/b?c=1".into(),
        ])
        .collect()
}

fn document() -> Document {
    let text: String = tokens()
        .iter()
        .map(|t| format!("本局已於{t}函復，"))
        .collect();
    let mut doc = Document::new("書面答復")
        .heading(1, "書面答復")
        .paragraph(BOXES)
        .contents(vec![
            ("質詢 第 1 號".into(), "q1".into()),
            ("質詢 第 2 號".into(), "q2".into()),
        ]);
    for n in 1..=2 {
        doc = doc
            .page_break()
            .heading_at(2, format!("質詢 第 {n} 號"), format!("q{n}"))
            .paragraph(text.clone());
    }
    doc
}

/// Characters the Chinese text font lacks: a form's ballot boxes and the wheelchair sign.
const BOXES: &str = "☐ 同意　☑ 不同意　♿ 無障礙";

/// How often each token appears whole in `text`. An address may break after a `/`, as
/// printed addresses do; it must then read whole with the lines joined.
fn whole(text: &str) -> Vec<(String, usize)> {
    let joined = text.replace('\n', "");
    tokens()
        .into_iter()
        .map(|t| {
            let n = if t.starts_with("https://") {
                joined.matches(t.as_str()).count()
            } else {
                text.matches(t.as_str()).count()
            };
            (t, n)
        })
        .collect()
}

#[test]
fn libreoffice_fills_the_contents_page_numbers_breaks_no_number_and_sets_a_traditional_chinese_face(
) {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let odt_path = dir.path().join("volume.odt");
    std::fs::write(&odt_path, odt::write(&document()).unwrap()).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    run(
        "soffice",
        &[
            &profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            dir.path().to_str().unwrap(),
            odt_path.to_str().unwrap(),
        ],
    );
    let printed = dir.path().join("volume.pdf");
    let text = run("pdftotext", &[printed.to_str().unwrap(), "-"]);
    // The contents: each line ends in the page its heading is on, not the placeholder.
    for (n, page) in [(1, 2), (2, 3)] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("質詢 第 {n} 號")) && l.len() > 15)
            .unwrap_or_else(|| panic!("no contents line for {n}:\n{text}"));
        assert!(line.trim_end().ends_with(&page.to_string()), "{line}");
    }
    // Every token whole: a line never ends inside a date, a telephone number or an address.
    for (token, n) in whole(&text) {
        assert!(
            n >= 2,
            "{token} is broken across lines ({n} whole):\n{text}"
        );
    }
    // A CJK face for the Chinese (標楷體, or what fontconfig gives for zh-TW), Times New
    // Roman or its metric twin for the digits. A Noto CJK collection shares one CFF among
    // its faces, so its name says `jp` whichever face drew; the forms follow the text's
    // language (zh-TW in the styles), not that name.
    let fonts = run("pdffonts", &[printed.to_str().unwrap()]);
    assert!(
        ["CJK", "KaiU", "DFKai", "UKai"]
            .iter()
            .any(|f| fonts.contains(f)),
        "a CJK face for the Chinese: {fonts}"
    );
    assert!(
        ["TimesNewRoman", "LiberationSerif"]
            .iter()
            .any(|f| fonts.contains(f)),
        "a serif for the digits, not a sans fallback: {fonts}"
    );
}

#[test]
fn qpdf_finds_the_pdf_sound_and_poppler_reads_its_text_whole() {
    if !have("qpdf") || !have("pdftotext") {
        return;
    }
    let fonts = match pdf::Fonts::load(&pdf::FontPaths::default()) {
        Ok(fonts) => fonts,
        Err(e) => panic!("{e}"),
    };
    let bytes = pdf::render(&document(), &fonts, &mut |_, _| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("volume.pdf");
    std::fs::write(&path, bytes).unwrap();
    let checked = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(
        checked.contains("No syntax or stream encoding errors"),
        "{checked}"
    );
    let text = run("pdftotext", &[path.to_str().unwrap(), "-"]);
    for (token, n) in whole(&text) {
        assert!(
            n >= 2,
            "{token} is broken across lines ({n} whole):\n{text}"
        );
    }
    // What the text font lacks is drawn from a fallback font, not as empty boxes.
    assert!(
        text.contains("☐") && text.contains("☑") && text.contains("♿"),
        "{text}"
    );
    let fonts = run("pdffonts", &[path.to_str().unwrap()]);
    assert!(fonts.contains("DejaVuSans"), "a fallback face: {fonts}");
    // Tagged, for screen readers and accessibility checks: the headings, the contents with
    // their links, the paragraphs, in reading order, in Traditional Chinese.
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    let tagged = info
        .lines()
        .any(|l| l.starts_with("Tagged:") && l.ends_with("yes"));
    assert!(tagged, "{info}");
    let tree = run("pdfinfo", &["-struct-text", path.to_str().unwrap()]);
    let kinds: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for part in ["H1", "TOC", "TOCI", "Link", "H2", "P"] {
        assert!(kinds.contains(&part), "{part} in:\n{tree}");
    }
    let at = |what: &str| {
        tree.find(what)
            .unwrap_or_else(|| panic!("{what} in:\n{tree}"))
    };
    assert!(
        at("H1") < at("TOC") && at("TOC") < at("H2"),
        "reading order:\n{tree}"
    );
    assert!(tree[at("H2")..].contains("質詢 第 1 號"), "{tree}");
}
