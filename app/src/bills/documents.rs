//! The briefing pack a caucus is handed: a cover, the agenda, and one page per bill (why it
//! matters, what it changes, where it stands). The server writes it as ODT and PDF; the
//! briefing's print page shows the same.

use super::{Briefing, PresentedBill};
use crate::{city::City, dates::roc_date, document::Document};

fn stage_line(b: &PresentedBill) -> String {
    format!("{}（{}）", b.bill.stage.label(), roc_date(b.bill.stage_on))
}

/// The pack of `briefing`, as the city's papers are set.
pub fn pack(briefing: &Briefing, city: &City) -> Document {
    let mut doc = Document::new(briefing.file_name())
        .heading(1, format!("{}重大議法案報告", city.government))
        .centered(format!("{}黨團", briefing.caucus))
        .centered(briefing.session.clone())
        .centered(format!("時間：{}", briefing.when()));
    if !briefing.place.is_empty() {
        doc = doc.centered(format!("地點：{}", briefing.place));
    }
    if !briefing.attendees.is_empty() {
        doc = doc.centered(format!("出席：{}", briefing.attendees));
    }
    doc = doc
        .centered(city.government.clone())
        .page_break()
        .heading(2, "議程");
    let rows = briefing
        .bills
        .iter()
        .enumerate()
        .map(|(i, b)| {
            vec![
                (i + 1).to_string(),
                b.bill.title.clone(),
                b.bill.bureau.clone(),
                b.bill.kind.label().to_owned(),
                stage_line(b),
            ]
        })
        .collect();
    doc = doc.table(&["序", "案名", "主辦機關", "種類", "審議進度"], rows);
    for (i, b) in briefing.bills.iter().enumerate() {
        doc = doc
            .page_break()
            .heading(2, format!("{}、{}", i + 1, b.bill.title))
            .paragraph(format!("主辦機關：{}", b.bill.bureau))
            .paragraph(format!("種類：{}", b.bill.kind.label()));
        if !b.bill.council_number.is_empty() {
            doc = doc.paragraph(format!("議會案號：{}", b.bill.council_number));
        }
        if !b.bill.committee.is_empty() {
            doc = doc.paragraph(format!("審查委員會：{}", b.bill.committee));
        }
        doc = doc
            .paragraph(format!("審議進度：{}", stage_line(b)))
            .heading(3, "為何重要")
            .paragraph(b.why.clone());
        if !b.changes.is_empty() {
            doc = doc.heading(3, "主要內容").paragraph(b.changes.clone());
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        bills::{BillKind, BillRow, BriefingStatus, Stage},
        document::Block,
    };
    use chrono::NaiveDate;

    fn briefing() -> Briefing {
        let day = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let bill = |id: i64, title: &str| PresentedBill {
            bill: BillRow {
                id,
                bureau_id: 1,
                bureau: "都市發展局".into(),
                kind: BillKind::OrdinanceAmended,
                title: title.into(),
                committee: "工務委員會".into(),
                council_number: String::new(),
                major: true,
                stage: Stage::Committee,
                stage_on: day,
            },
            why: "為何".into(),
            changes: String::new(),
            position: None,
        };
        Briefing {
            id: 1,
            session_id: 1,
            session: "第14屆第4次定期大會".into(),
            caucus: "甲".into(),
            held_on: day,
            starts_at: "10:00".into(),
            place: String::new(),
            attendees: "市長".into(),
            status: BriefingStatus::Scheduled,
            outcome_note: String::new(),
            bills: vec![bill(1, "第一案"), bill(2, "第二案")],
            asks: vec![],
            major_bills: vec![],
            councilors: vec![],
            may_write: true,
        }
    }

    #[test]
    fn the_pack_has_a_cover_an_agenda_and_a_page_per_bill() {
        let city = City::default();
        let doc = pack(&briefing(), &city);
        let breaks = doc
            .blocks
            .iter()
            .filter(|b| **b == Block::PageBreak)
            .count();
        assert_eq!(breaks, 3, "cover | agenda | bill | bill");
        let agenda = doc.blocks.iter().find_map(|b| match b {
            Block::Table { rows, .. } => Some(rows.clone()),
            _ => None,
        });
        assert_eq!(agenda.unwrap().len(), 2);
        assert!(doc
            .blocks
            .contains(&Block::Centered("時間：115/12/10 10:00".into())));
        // No place typed: no empty 地點 line on the cover.
        assert!(!doc
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Centered(t) if t.starts_with("地點"))));
    }
}
