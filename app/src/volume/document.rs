//! The written-reply volume as a document, the same for ODT and PDF.

use super::{Entry, Volume};
use crate::{
    dates::{roc_date, roc_long_date},
    document::Document,
};

/// The volume as a document, the same for ODT and PDF: a cover, the contents on their own
/// pages with each question's page number, then each question under its own heading (the
/// navigator and the PDF's bookmarks list them), the outstanding questions last.
pub fn document(v: &Volume) -> Document {
    let anchor = |e: &Entry| format!("q{}", e.case_id);
    let mut contents: Vec<(String, String)> = v
        .entries
        .iter()
        .map(|e| {
            (
                format!("{}　{}（{}）", e.label(), e.topic, e.councilors.join("、")),
                anchor(e),
            )
        })
        .collect();
    if !v.outstanding.is_empty() {
        contents.push(("尚未完成答復之質詢".into(), OUTSTANDING.into()));
    }
    if !v.corrections.is_empty() {
        contents.push(("勘誤".into(), CORRECTIONS.into()));
    }
    let mut doc = Document::new(v.title())
        .centered(v.government.clone())
        .heading(1, v.title())
        .centered(roc_long_date(v.compiled_on))
        .centered(format!(
            "已審查通過之書面答復 {} 題；尚未完成答復 {} 題{}。",
            v.entries.len(),
            v.outstanding.len(),
            if v.corrections.is_empty() {
                String::new()
            } else {
                format!("；勘誤 {} 則", v.corrections.len())
            }
        ))
        .page_break()
        .heading(2, "目錄")
        .contents(contents)
        .page_break();
    for e in &v.entries {
        doc = doc
            .heading_at(2, format!("{}　{}", e.label(), e.topic), anchor(e))
            .paragraph(format!("質詢議員：{}", e.councilors.join("、")))
            .paragraph(format!(
                "質詢類別：{}（{}）",
                e.sitting_type,
                roc_date(e.sitting_date)
            ))
            .paragraph(format!("答復機關：{}", e.bureaus.join("、")))
            .heading(3, "質詢內容")
            .paragraph(e.body.clone())
            .heading(3, "答復內容");
        if !e.reply_elsewhere {
            doc = doc.paragraph(e.reply.clone());
        }
        if let Some(note) = &e.shared_note {
            doc = doc.paragraph(note.clone());
        }
        // The reply's date, and the letter it went to the council under once recorded, as
        // the printed volumes close each reply.
        let mut closing = Vec::new();
        if let Some(day) = e.replied_on {
            closing.push(format!("答復日期：{}", roc_long_date(day)));
        }
        if !e.letter_number.is_empty() {
            closing.push(format!("發文字號：{}", e.letter_number));
        }
        if !closing.is_empty() {
            doc = doc.paragraph(closing.join("\n"));
        }
        if let Some(day) = e.corrected_on {
            doc = doc.paragraph(format!(
                "※{}，更正內容見本彙編「勘誤」或先前函送之勘誤。",
                crate::corrections::flag(day)
            ));
        }
        if !e.promised.is_empty() {
            doc = doc.heading(3, "會後補資料");
            for p in &e.promised {
                doc = doc.paragraph(p.sentence());
            }
        }
    }
    if !v.outstanding.is_empty() {
        let rows = v
            .outstanding
            .iter()
            .map(|e| {
                vec![
                    e.label(),
                    e.councilors.join("、"),
                    e.topic.clone(),
                    e.bureaus_or_none(),
                ]
            })
            .collect();
        doc = doc
            .page_break()
            .heading_at(2, "尚未完成答復之質詢", OUTSTANDING.into())
            .table(&["編號", "議員", "質詢議題", "答復機關"], rows);
    }
    if !v.corrections.is_empty() {
        doc = doc.page_break().heading_at(2, "勘誤", CORRECTIONS.into());
        for c in &v.corrections {
            doc = doc
                .heading(3, format!("{}　{}", c.label, c.topic))
                .paragraph(format!(
                    "質詢議員：{}　勘誤日期：{}",
                    c.councilors.join("、"),
                    roc_long_date(c.approved_on)
                ))
                .paragraph(format!("勘誤原因：{}", c.why))
                .paragraph(c.original_heading())
                .paragraph(c.original.clone())
                .paragraph("更正為")
                .paragraph(c.body.clone());
        }
    }
    doc
}

const CORRECTIONS: &str = "corrections";

const OUTSTANDING: &str = "outstanding";
