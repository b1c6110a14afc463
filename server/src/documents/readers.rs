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
    let (_dir, printed) = printed_by_libreoffice(&document());
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

/// `doc` as ODT, laid out and printed to PDF by LibreOffice (with a profile of its own in
/// the directory returned, which must live as long as the file is read).
fn printed_by_libreoffice(doc: &Document) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let odt_path = dir.path().join("document.odt");
    std::fs::write(&odt_path, odt::write(doc).unwrap()).unwrap();
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
    let printed = dir.path().join("document.pdf");
    (dir, printed)
}

/// `doc` printed by LibreOffice, read back a page at a time.
fn printed_pages(doc: &Document) -> Vec<String> {
    let (_dir, printed) = printed_by_libreoffice(doc);
    let text = run("pdftotext", &[printed.to_str().unwrap(), "-"]);
    // pdftotext ends every page with a form feed. LibreOffice sets a space between Chinese
    // and digits, and table cells wrap: each page's text is read without white space.
    text.split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|p| !p.is_empty())
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn libreoffice_prints_a_briefing_pack_as_a_cover_an_agenda_and_a_page_per_bill() {
    use app::bills::{BillKind, BillRow, Briefing, BriefingStatus, PresentedBill, Stage};
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let bill = |id: i64, title: &str, stage: Stage| PresentedBill {
        bill: BillRow {
            id,
            bureau_id: 1,
            bureau: "都市發展局".into(),
            kind: BillKind::OrdinanceAmended,
            title: title.into(),
            committee: "工務委員會".into(),
            council_number: format!("市府提案第{id}號"),
            major: true,
            stage,
            stage_on: day(2026, 11, 30),
        },
        why: "縮短都市更新審議時程，加速老舊社區重建。".repeat(6),
        changes: "第5條：審議期限由一年縮短為六個月。".into(),
        position: None,
    };
    let briefing = Briefing {
        id: 1,
        session_id: 1,
        session: "第14屆第4次定期大會".into(),
        caucus: "青禾黨".into(),
        held_on: day(2026, 12, 10),
        starts_at: "10:00".into(),
        place: "議會黨團會議室".into(),
        attendees: "市長、都市發展局局長".into(),
        status: BriefingStatus::Scheduled,
        outcome_note: String::new(),
        bills: vec![
            bill(1, "都市更新自治條例修正草案", Stage::Committee),
            bill(2, "建築管理自治條例修正草案", Stage::FirstReading),
        ],
        asks: vec![],
        major_bills: vec![],
        councilors: vec![],
        may_write: true,
    };
    let doc = app::bills::documents::pack(&briefing, &app::city::City::default());
    let pages = printed_pages(&doc);
    assert_eq!(pages.len(), 4, "cover, agenda, two bills: {pages:#?}");
    assert!(pages[0].contains("青禾黨黨團") && pages[0].contains("115/12/1010:00"));
    assert!(pages[1].contains("議程") && pages[1].contains("建築管理自治條例修正草案"));
    assert!(pages[2].contains("都市更新自治條例修正草案") && pages[2].contains("為何重要"));
    assert!(pages[3].contains("建築管理自治條例修正草案") && pages[3].contains("一讀"));
}

#[test]
fn libreoffice_prints_an_execution_report_with_its_counts_and_every_update() {
    use app::resolutions::{
        report::{BureauPart, ExecutionReport, LatestUpdate, ReportContent, ReportRow},
        ExecutionState, ResolutionKind,
    };
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let row = |n: i64, state: ExecutionState, body: &str| ReportRow {
        case_id: n,
        session: "第14屆第3次定期大會".into(),
        number: n,
        kind: ResolutionKind::BudgetRider,
        topic: format!("人行道無障礙改善第{n}案"),
        councilors: "林雨彤".into(),
        letter_number: format!("議議字第11300012{n:02}號"),
        co_bureaus: String::new(),
        state,
        latest: Some(LatestUpdate {
            on: day(2026, 11, 20),
            bureau: "工務局".into(),
            body: body.into(),
            percent: Some(40),
            letter_number: String::new(),
        }),
        not_executable_reply: None,
    };
    let report = ExecutionReport {
        id: 1,
        due_on: day(2026, 12, 1),
        compiled_at: 1_764_000_000,
        compiled_by: "秘書處".into(),
        content: ReportContent {
            for_session: "第14屆第4次定期大會".into(),
            opens_on: day(2026, 12, 10),
            sessions: vec!["第14屆第3次定期大會".into()],
            parts: vec![BureauPart {
                bureau: "工務局".into(),
                rows: (1..=12)
                    .map(|n| {
                        let state = if n % 3 == 0 {
                            ExecutionState::Executed
                        } else {
                            ExecutionState::InProgress
                        };
                        row(n, state, &format!("已完成第{n}區設計，辦理發包中。"))
                    })
                    .collect(),
            }],
        },
    };
    let doc = report.document(&app::city::City::default());
    let text = printed_pages(&doc).join("\n");
    assert!(text.contains("決議案執行情形報告"), "{text}");
    assert!(
        text.contains("共12案：已執行完畢4案、執行中8案"),
        "the counts: {text}"
    );
    for n in [1, 6, 12] {
        assert!(
            text.contains(&format!("人行道無障礙改善第{n}案")),
            "row {n}: {text}"
        );
    }
    assert!(text.contains("已完成第12區設計"), "the last update: {text}");
}

#[test]
fn libreoffice_prints_a_letter_draft_on_one_page_with_its_basis_and_numbers() {
    use app::{
        cases::{CaseKind, LetterNumbers, Priority},
        letters::documents::{draft, LetterFacts},
    };
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let facts = LetterFacts {
        kind: CaseKind::DataRequest,
        number: 7,
        topic: "社會住宅中籤率".into(),
        reply: "檢附近三年各基地申請戶數及中籤率統計表如附件。".into(),
        councilors: vec!["林雨彤".into()],
        lead: Some("都市發展局".into()),
        priority: Some(Priority::Urgent),
        sitting: None,
        received_on: Some(day(2024, 3, 12)),
        letters: LetterNumbers {
            incoming_number: "議議字第1130001234號".into(),
            incoming_on: Some(day(2024, 3, 11)),
            outgoing_number: "府都新字第1133012345號".into(),
            outgoing_on: Some(day(2024, 3, 20)),
        },
        has_files: true,
    };
    let city = app::city::City {
        government: "臺北市政府".into(),
        council: "臺北市議會".into(),
        liaison_unit: "秘書處".into(),
        contact: String::new(),
    };
    let pages = printed_pages(&draft(&facts, &city));
    assert_eq!(pages.len(), 1, "{pages:?}");
    for words in [
        "臺北市政府都市發展局函（稿）",
        "受文者：臺北市議會林雨彤議員",
        "發文字號：府都新字第1133012345號",
        "主旨：檢送貴議員索取「社會住宅中籤率」相關資料，請查照。",
        "一、依據臺北市議會113/03/11議議字第1130001234號函辦理。",
        "正本：林雨彤議員",
        "副本：臺北市政府秘書處",
    ] {
        assert!(pages[0].contains(words), "{words}: {}", pages[0]);
    }
}

#[test]
fn libreoffice_prints_a_councilor_brief_as_a_cover_and_a_page_per_councilor() {
    use app::briefs::{Brief, BriefCase, BriefPromise, CouncilorBrief};
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let case = |n: i64, topic: &str, overdue: bool| BriefCase {
        label: format!("質詢 第 {n} 號"),
        topic: topic.into(),
        bureau: Some("都市發展局".into()),
        due_on: day(2024, 3, 22),
        overdue,
        answer: "已完成規劃，預計年底動工。".into(),
    };
    let councilor = |name: &str, open: Vec<BriefCase>| CouncilorBrief {
        councilor: name.into(),
        caucus: "青禾黨".into(),
        open,
        not_answers: Vec::new(),
        earlier: vec![case(1, "人行道改善", false)],
        promises: vec![BriefPromise {
            question: "質詢 第 5 號".into(),
            promised_by: "都市發展局局長".into(),
            what: "各基地中籤率統計".into(),
            due_on: day(2024, 3, 22),
            overdue: true,
        }],
    };
    let brief = Brief {
        government: "臺北市政府".into(),
        session_id: 1,
        session: "第14屆第3次定期大會".into(),
        sessions: Vec::new(),
        compiled_on: day(2024, 3, 25),
        order: String::new(),
        councilors: vec![
            councilor("陳冠霖", vec![case(6, "公車專用道延伸", true)]),
            councilor("林雨彤", Vec::new()),
        ],
    };
    let pages = printed_pages(&brief.document());
    assert_eq!(
        pages.len(),
        3,
        "a cover and a page per councilor: {pages:?}"
    );
    assert!(
        pages[0].contains("第14屆第3次定期大會議員問政摘要"),
        "{}",
        pages[0]
    );
    assert!(pages[1].contains("1.陳冠霖議員（青禾黨）"), "{}", pages[1]);
    assert!(
        pages[1].contains("公車專用道延伸（都市發展局，期限113/03/22，已逾期）"),
        "{}",
        pages[1]
    );
    assert!(
        pages[1].contains("都市發展局局長承諾提供各基地中籤率統計"),
        "{}",
        pages[1]
    );
    assert!(
        pages[2].contains("2.林雨彤議員") && pages[2].contains("未結案件無。"),
        "{}",
        pages[2]
    );
}

#[test]
fn libreoffice_prints_a_volume_with_a_shared_reply_once_and_its_corrections_last() {
    use app::volume::{compile, document::document, note_shared, CorrectionEntry, Entry};
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let entry = |number: i64, councilor: &str, reply: &str| Entry {
        case_id: number,
        number,
        councilors: vec![councilor.into()],
        sitting_type: "市政總質詢".into(),
        sitting_order: 3,
        sitting_date: day(2024, 3, 26),
        topic: format!("信義計畫區停車 {number}"),
        body: "請說明停車位規劃。".into(),
        reply: reply.into(),
        bureaus: vec!["都市發展局".into()],
        approved: true,
        replied_on: Some(day(2024, 4, 1)),
        letter_number: String::new(),
        promised: Vec::new(),
        corrected_on: None,
        shared_note: None,
        reply_elsewhere: false,
    };
    let shared = "信義計畫區將增設立體停車場一處。";
    let mut entries = vec![
        entry(5, "林雨彤", shared),
        entry(6, "陳冠霖", shared),
        Entry {
            corrected_on: Some(day(2024, 4, 8)),
            ..entry(7, "張志豪", "增設停車格 12 格。")
        },
    ];
    note_shared(
        &mut entries,
        &[(6, 5, app::grouping::ShareKind::Grouped)],
        |id| Some(format!("質詢 第 {id} 號")),
    );
    let city = app::city::City {
        government: "臺北市政府".into(),
        council: "臺北市議會".into(),
        ..Default::default()
    };
    let mut volume = compile(
        &city,
        "第14屆第3次定期大會",
        None,
        day(2024, 4, 10),
        entries,
    );
    volume.corrections = vec![CorrectionEntry {
        id: 1,
        case_id: 7,
        label: "質詢 第 7 號".into(),
        topic: "信義計畫區停車 7".into(),
        councilors: vec!["張志豪".into()],
        original: "增設停車格 12 格。".into(),
        original_on: Some(day(2024, 4, 1)),
        body: "增設停車格 120 格。".into(),
        why: "原答復誤植停車格數。".into(),
        approved_on: day(2024, 4, 8),
    }];
    // Poppler's text comes without spaces.
    let text = printed_pages(&document(&volume)).join("\n");
    let shared: String = shared.split_whitespace().collect();
    assert_eq!(text.matches(&shared).count(), 1, "{text}");
    for words in [
        "本答復併同答復：質詢第6號。",
        "本題與質詢第5號併案答復，答復內容見該題。",
        "勘誤1則",
        "※本答復已於113/04/08勘誤",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    let corrections = text
        .rfind("勘誤原因：原答復誤植停車格數。")
        .expect("the corrections section");
    assert!(
        text[corrections..].contains("更正為增設停車格120格。"),
        "{text}"
    );
}
