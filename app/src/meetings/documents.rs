//! What the follow-up meeting's papers say: the agenda before it, the minutes after it.
//! Written as ODT by the server (the meeting page's links, `fuhuitong export`).

use super::{decision_sentence, Meeting, MeetingStatus};
use crate::{
    city::City,
    dates::{roc_date, roc_datetime},
    document::Document,
    error::AppError,
};

fn facts(m: &Meeting) -> Vec<String> {
    let when = if m.starts_at.is_empty() {
        roc_date(m.held_on)
    } else {
        format!("{} {}", roc_date(m.held_on), m.starts_at)
    };
    let place = if m.place.is_empty() { "—" } else { &m.place };
    vec![
        format!("時間：{when}"),
        format!("地點：{place}"),
        format!("出席：{}", m.attendees.join("、")),
    ]
}

/// The agenda of a scheduled meeting: every tracked case by lead bureau, marked.
pub fn agenda_document(m: &Meeting, city: &City) -> Result<Document, AppError> {
    if m.status != MeetingStatus::Scheduled {
        return Err(AppError::Conflict(
            "這次會議已召開，議程已成為會議紀錄；請下載會議紀錄。".into(),
        ));
    }
    let items: Vec<_> = m.agenda.iter().flat_map(|g| &g.items).collect();
    let overdue = items.iter().filter(|i| i.overdue).count();
    let silent = items.iter().filter(|i| i.no_progress).count();
    let mut doc = Document::new(format!("{} 追蹤會議議程", roc_date(m.held_on))).heading(
        1,
        format!(
            "{}追蹤會議議程（{}）",
            city.government,
            day_written(m.held_on)
        ),
    );
    for line in facts(m) {
        doc = doc.paragraph(line);
    }
    doc = doc.paragraph(format!(
        "列管案件共 {} 案；逾期 {overdue} 案，上次會議後未提報進度 {silent} 案。各機關內逾期與未提報進度的案件排在前面。",
        items.len()
    ));
    for group in &m.agenda {
        let rows = group
            .items
            .iter()
            .map(|i| {
                let mut marks = Vec::new();
                if i.overdue {
                    marks.push("逾期");
                }
                if i.no_progress {
                    marks.push("未提報進度");
                }
                if i.case.escalated {
                    marks.push("已提報上級");
                }
                let latest = match (&i.case.last_report, i.case.last_report_at) {
                    (Some(text), Some(at)) => {
                        let expected = i
                            .case
                            .expected_on
                            .map(|on| format!("\n預計 {} 完成", roc_date(on)))
                            .unwrap_or_default();
                        format!("{}：{text}{expected}", roc_datetime(at))
                    }
                    _ => "尚無進度報告".to_owned(),
                };
                vec![
                    i.case.label(),
                    i.case.topic.clone(),
                    latest,
                    marks.join("、"),
                ]
            })
            .collect();
        doc = doc
            .heading(2, format!("{}（{} 案）", group.bureau, group.items.len()))
            .table(&["案件", "議題", "最新進度", "註記"], rows);
    }
    if m.agenda.is_empty() {
        doc = doc.paragraph("目前沒有列管中的案件。");
    }
    Ok(doc)
}

/// The minutes of a held meeting, as confirmed.
pub fn minutes_document(m: &Meeting, city: &City) -> Result<Document, AppError> {
    let minutes = m
        .minutes
        .as_ref()
        .ok_or_else(|| AppError::Conflict("這次會議的決議尚未確認，還沒有會議紀錄。".into()))?;
    let counts = minutes.counts_sentence();
    let mut doc = Document::new(format!("{} 追蹤會議紀錄", roc_date(m.held_on))).heading(
        1,
        format!(
            "{}追蹤會議紀錄（{}）",
            city.government,
            day_written(m.held_on)
        ),
    );
    for line in facts(m) {
        doc = doc.paragraph(line);
    }
    doc = doc
        .paragraph(format!(
            "決議確認：{}，{}",
            minutes.confirmed_by,
            roc_datetime(minutes.confirmed_at)
        ))
        .paragraph(format!("決議：{counts}。"))
        .heading(2, "各機關決議");
    for group in &minutes.groups {
        let rows = group
            .items
            .iter()
            .map(|i| {
                vec![
                    i.label.clone(),
                    i.topic.clone(),
                    i.progress
                        .clone()
                        .unwrap_or_else(|| "尚無進度報告".to_owned()),
                    decision_sentence(i.decision, i.next_check_on, i.new_bureau.as_deref()),
                    i.remark.clone(),
                ]
            })
            .collect();
        doc = doc
            .heading(3, group.bureau.clone())
            .table(&["案件", "議題", "辦理情形", "決議", "說明"], rows);
    }
    doc = doc.heading(2, "解除列管案件");
    let released = minutes.released();
    if released.is_empty() {
        doc = doc.paragraph("本次會議未解除列管任何案件。");
    } else {
        let rows = released
            .into_iter()
            .map(|(bureau, i)| vec![i.label.clone(), i.topic.clone(), bureau.to_owned()])
            .collect();
        doc = doc.table(&["案件", "議題", "主辦機關"], rows);
    }
    // Signed on paper by the chair and the minute-taker.
    Ok(doc.paragraph("主席：＿＿＿＿＿＿＿＿　　紀錄：＿＿＿＿＿＿＿＿"))
}

/// Which document of a meeting, by its file name.
pub fn document(m: &Meeting, city: &City, file: &str) -> Result<(Document, String), AppError> {
    let day = roc_date(m.held_on).replace('/', "");
    match file {
        "agenda.odt" => Ok((agenda_document(m, city)?, format!("追蹤會議議程_{day}.odt"))),
        "minutes.odt" => Ok((
            minutes_document(m, city)?,
            format!("追蹤會議紀錄_{day}.odt"),
        )),
        _ => Err(AppError::NotFound),
    }
}

/// The meeting's day as an official heading writes it: `113年3月29日`.
fn day_written(day: chrono::NaiveDate) -> String {
    crate::dates::roc_long_date(day)
        .trim_start_matches("中華民國")
        .to_owned()
}
