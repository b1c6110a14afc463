//! The report read from the daily sums (`rollup`): a few rows per day of the range, and the
//! open cases (few, by a partial index) for what depends on today. Equal to
//! `reports::compute` over every case's facts; the integration tests hold it to that.

use super::super::{
    BureauRow, CategoryRow, CouncilorRow, DeliveryFigures, MonthRow, Range, Report, SittingRow,
};
use crate::{
    cases::CaseKind,
    db::{
        filter::{Arg, Statement},
        unexpected,
    },
    reference::{session_title, SessionKind},
};
use chrono::{Datelike, NaiveDate};
use sqlx::{AnyPool, Row};
use std::collections::HashMap;

/// A range as whole months (read from the monthly sums) and the days before and after them
/// (read from the daily sums): `[first month, last month, from, day before the first
/// month, day after the last month, to]`. An empty part is a range that matches nothing.
fn split(range: Range) -> Vec<Arg> {
    let first_of = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let first_full = if range.from.day() == 1 {
        range.from
    } else {
        first_of(range.from)
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(range.from)
    };
    let after_last_full = first_of(range.to + chrono::Duration::days(1));
    let month = |d: NaiveDate| format!("{}-{:02}", d.year(), d.month());
    let text = |s: String| Arg::Text(s);
    if first_full >= after_last_full {
        // No whole month: every day from the daily sums.
        return vec![
            text("1".into()),
            text("0".into()),
            text(range.from.to_string()),
            text(range.to.to_string()),
            text("1".into()),
            text("0".into()),
        ];
    }
    let last_full = after_last_full - chrono::Duration::days(1);
    vec![
        text(month(first_full)),
        text(month(last_full)),
        text(range.from.to_string()),
        text((first_full - chrono::Duration::days(1)).to_string()),
        text(after_last_full.to_string()),
        text(range.to.to_string()),
    ]
}

/// The statements `report` runs, in order, for the plan guard.
pub fn statements(range: Range, today: NaiveDate) -> Vec<Statement> {
    let span = || {
        vec![
            Arg::Text(range.from.to_string()),
            Arg::Text(range.to.to_string()),
        ]
    };
    let with_today = || {
        let mut args = span();
        args.push(Arg::Text(today.to_string()));
        args
    };
    let st = |sql: &str, args: Vec<Arg>| Statement {
        sql: sql.to_owned(),
        args,
    };
    vec![
        // 0: cases that started in the range, by kind and lead bureau.
        st(
            "SELECT kind, bureau_id, CAST(SUM(recorded) AS BIGINT) AS recorded, \
               CAST(SUM(replied) AS BIGINT) AS replied, CAST(SUM(on_time) AS BIGINT) AS on_time, \
               CAST(SUM(days) AS BIGINT) AS days, CAST(SUM(returns) AS BIGINT) AS returns, \
               CAST(SUM(not_answers) AS BIGINT) AS not_answers, \
               CAST(SUM(on_time_extended) AS BIGINT) AS on_time_extended \
             FROM (SELECT kind, bureau_id, recorded, replied, on_time, days, returns, not_answers, \
                     on_time_extended \
                   FROM report_months WHERE month BETWEEN $1 AND $2 \
                   UNION ALL \
                   SELECT kind, bureau_id, recorded, replied, on_time, days, returns, not_answers, \
                     on_time_extended \
                   FROM report_days WHERE day BETWEEN $3 AND $4 OR day BETWEEN $5 AND $6) x \
             GROUP BY kind, bureau_id",
            split(range),
        ),
        // 1: cases recorded per month.
        st(
            "SELECT month, CAST(SUM(recorded) AS BIGINT) AS n \
             FROM (SELECT month, recorded FROM report_months WHERE month BETWEEN $1 AND $2 \
                   UNION ALL \
                   SELECT substr(day, 1, 7) AS month, recorded FROM report_days \
                   WHERE day BETWEEN $3 AND $4 OR day BETWEEN $5 AND $6) x \
             GROUP BY month",
            split(range),
        ),
        // 2: replies per month.
        st(
            "SELECT substr(day, 1, 7) AS month, CAST(SUM(replied) AS BIGINT) AS n \
             FROM report_reply_days WHERE day BETWEEN $1 AND $2 GROUP BY substr(day, 1, 7)",
            span(),
        ),
        // 3: questions by session and sitting type, with their names.
        st(
            "SELECT q.questions, t.number AS term_number, s.number AS session_number, \
               s.kind AS session_kind, st.name AS sitting_type \
             FROM (SELECT session_id, sitting_type_id, CAST(SUM(questions) AS BIGINT) AS questions \
                   FROM report_sittings WHERE day BETWEEN $1 AND $2 \
                   GROUP BY session_id, sitting_type_id) q \
             JOIN council_sessions s ON s.id = q.session_id \
             JOIN council_terms t ON t.id = s.term_id \
             LEFT JOIN sitting_types st ON st.id = q.sitting_type_id \
             ORDER BY t.number, s.starts_on, s.id, st.sort_order, st.id",
            span(),
        ),
        // 4: cases by councilor and kind, with their names.
        st(
            "SELECT co.name, q.kind, q.cases, q.replied, q.on_time, q.not_answers \
             FROM (SELECT councilor_id, kind, CAST(SUM(cases) AS BIGINT) AS cases, \
                     CAST(SUM(replied) AS BIGINT) AS replied, \
                     CAST(SUM(on_time) AS BIGINT) AS on_time, \
                     CAST(SUM(not_answers) AS BIGINT) AS not_answers \
                   FROM (SELECT councilor_id, kind, cases, replied, on_time, not_answers \
                         FROM report_councilor_months WHERE month BETWEEN $1 AND $2 \
                         UNION ALL \
                         SELECT councilor_id, kind, cases, replied, on_time, not_answers \
                         FROM report_councilor_days \
                         WHERE day BETWEEN $3 AND $4 OR day BETWEEN $5 AND $6) x \
                   GROUP BY councilor_id, kind) q \
             JOIN councilors co ON co.id = q.councilor_id",
            split(range),
        ),
        // 5: open cases by lead bureau, whenever they started: how many, how many overdue
        // today, and how many of those started in the range.
        st(
            "SELECT bureau_id, COUNT(*) AS open, \
               CAST(SUM(CASE WHEN due_on < $3 THEN 1 ELSE 0 END) AS BIGINT) AS overdue, \
               CAST(SUM(CASE WHEN due_on < $3 AND start_on BETWEEN $1 AND $2 THEN 1 ELSE 0 END) \
                 AS BIGINT) AS late_open \
             FROM report_facts WHERE open = 1 GROUP BY bureau_id",
            with_today(),
        ),
        // 6: the councilors of the range's open cases already past their due date.
        st(
            "SELECT co.name, COUNT(*) AS late_open FROM report_facts f \
             JOIN case_councilors cc ON cc.case_id = f.case_id \
             JOIN councilors co ON co.id = cc.councilor_id \
             WHERE f.open = 1 AND f.due_on < $3 AND f.start_on BETWEEN $1 AND $2 \
             GROUP BY co.name",
            with_today(),
        ),
        // 7: service cases of the range by category, from their few detail rows. `|| ''`
        // keeps the day range off report_facts_start_idx: PostgreSQL's generic plan for a
        // bound range guesses 0.5% of the facts and read the whole range through it (all
        // 249,000 for a decade, 108 ms) to join 500 service cases, against 500 lookups.
        st(
            "SELECT sc.name AS category, sc.sort_order, COUNT(*) AS cases, \
               CAST(SUM(f.replied) AS BIGINT) AS replied, \
               CAST(SUM(f.on_time) AS BIGINT) AS on_time, CAST(SUM(f.open) AS BIGINT) AS open, \
               CAST(SUM(CASE WHEN f.open = 1 AND f.due_on < $3 THEN 1 ELSE 0 END) AS BIGINT) \
                 AS late_open \
             FROM service_details sd JOIN report_facts f ON f.case_id = sd.case_id \
             JOIN service_categories sc ON sc.id = sd.category_id \
             WHERE f.start_on || '' BETWEEN $1 AND $2 GROUP BY sc.name, sc.sort_order",
            with_today(),
        ),
    ]
}

/// The figures of `range` as of `today`; see `reports::compute` for what each counts.
pub async fn report(pool: &AnyPool, range: Range, today: NaiveDate) -> Result<Report, sqlx::Error> {
    // One after another: a report under load should not hold seven of the pool's
    // connections at once.
    let mut results = Vec::new();
    for s in statements(range, today) {
        results.push(
            crate::db::filter::bind_all(sqlx::query(&s.sql), &s.args)
                .fetch_all(pool)
                .await?,
        );
    }
    let [by_bureau, recorded, replied, sittings, by_councilor, open, late_councilors, by_category]: [Vec<
        sqlx::any::AnyRow,
    >; 8] = results
        .try_into()
        .map_err(|_| unexpected("report statements"))?;
    let bureau_names: HashMap<i64, (String, i64)> =
        sqlx::query_as::<_, (i64, String, i64)>("SELECT id, name, sort_order FROM bureaus")
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|(id, name, order)| (id, (name, order)))
            .collect();

    let mut deliveries = DeliveryFigures::default();
    let mut bureaus: HashMap<i64, BureauRow> = HashMap::new();
    let mut days: HashMap<i64, i64> = HashMap::new();
    for r in &by_bureau {
        let kind = CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
        let bureau: i64 = r.try_get("bureau_id")?;
        let (recorded, replied, on_time): (i64, i64, i64) = (
            r.try_get("recorded")?,
            r.try_get("replied")?,
            r.try_get("on_time")?,
        );
        let extended: i64 = r.try_get("on_time_extended")?;
        if kind == CaseKind::DataRequest {
            deliveries.received += recorded;
            deliveries.on_time += on_time;
            deliveries.on_time_extended += extended;
            deliveries.late += replied - on_time;
            deliveries.pending += recorded - replied;
        }
        let Some(row) = bureau_row(&mut bureaus, &bureau_names, bureau) else {
            continue;
        };
        match kind {
            CaseKind::Question => row.questions += recorded,
            CaseKind::DataRequest => row.data_requests += recorded,
            CaseKind::Service => row.service_cases += recorded,
            CaseKind::Resolution => row.resolutions += recorded,
        }
        row.replied += replied;
        row.on_time += on_time;
        row.on_time_extended += extended;
        row.returns += r.try_get::<i64, _>("returns")?;
        row.not_answers += r.try_get::<i64, _>("not_answers")?;
        *days.entry(bureau).or_default() += r.try_get::<i64, _>("days")?;
    }

    let (mut open_now, mut overdue_now) = (0, 0);
    for r in &open {
        let (open, overdue): (i64, i64) = (r.try_get("open")?, r.try_get("overdue")?);
        open_now += open;
        overdue_now += overdue;
        let Some(row) = bureau_row(&mut bureaus, &bureau_names, r.try_get("bureau_id")?) else {
            continue;
        };
        row.open += open;
        row.overdue += overdue;
        row.late_open += r.try_get::<i64, _>("late_open")?;
    }
    let mut bureaus: Vec<BureauRow> = bureaus
        .into_iter()
        .map(|(id, mut row)| {
            row.average_days = (row.replied > 0)
                .then(|| days.get(&id).copied().unwrap_or(0) as f64 / row.replied as f64);
            row
        })
        .collect();
    super::super::sort_bureaus(&mut bureaus);

    let sittings = sittings
        .iter()
        .map(|r| {
            let kind = SessionKind::parse(r.try_get("session_kind")?)
                .ok_or_else(|| unexpected("session kind"))?;
            Ok(SittingRow {
                session: session_title(
                    r.try_get("term_number")?,
                    r.try_get("session_number")?,
                    kind,
                ),
                sitting_type: r
                    .try_get::<Option<String>, _>("sitting_type")?
                    .unwrap_or_default(),
                questions: r.try_get("questions")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;

    // By name, as the page shows them: a councilor re-elected is one line.
    let mut councilors: HashMap<String, CouncilorRow> = HashMap::new();
    for r in &by_councilor {
        let name: String = r.try_get("name")?;
        let kind = CaseKind::parse(r.try_get("kind")?).ok_or_else(|| unexpected("kind"))?;
        let row = councilors
            .entry(name.clone())
            .or_insert_with(|| CouncilorRow {
                councilor: name,
                ..Default::default()
            });
        let cases: i64 = r.try_get("cases")?;
        match kind {
            CaseKind::Question => row.questions += cases,
            CaseKind::DataRequest => row.data_requests += cases,
            CaseKind::Service => row.service_cases += cases,
            CaseKind::Resolution => row.resolutions += cases,
        }
        row.replied += r.try_get::<i64, _>("replied")?;
        row.on_time += r.try_get::<i64, _>("on_time")?;
        row.not_answers += r.try_get::<i64, _>("not_answers")?;
    }
    for r in &late_councilors {
        if let Some(row) = councilors.get_mut(&r.try_get::<String, _>("name")?) {
            row.late_open += r.try_get::<i64, _>("late_open")?;
        }
    }
    let mut councilors: Vec<CouncilorRow> = councilors.into_values().collect();
    super::super::sort_councilors(&mut councilors);

    let per_month = |rows: &[sqlx::any::AnyRow]| -> Result<HashMap<String, i64>, sqlx::Error> {
        rows.iter()
            .map(|r| Ok((r.try_get("month")?, r.try_get("n")?)))
            .collect()
    };
    let (recorded, replied) = (per_month(&recorded)?, per_month(&replied)?);
    let months = super::super::months_of(range)
        .into_iter()
        .map(|first| {
            let key = format!("{}-{:02}", first.year(), first.month());
            MonthRow {
                month: super::super::month_label(first),
                recorded: recorded.get(&key).copied().unwrap_or(0),
                replied: replied.get(&key).copied().unwrap_or(0),
            }
        })
        .collect();

    let mut categories = by_category
        .iter()
        .map(|r| {
            Ok(CategoryRow::of(
                r.try_get("category")?,
                r.try_get("sort_order")?,
                [
                    r.try_get("cases")?,
                    r.try_get("replied")?,
                    r.try_get("on_time")?,
                    r.try_get("late_open")?,
                    r.try_get("open")?,
                ],
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    super::super::sort_categories(&mut categories);

    Ok(Report {
        range,
        sittings,
        deliveries,
        bureaus,
        councilors,
        months,
        open_now,
        overdue_now,
        categories,
    })
}

/// The line of bureau `id`, made on first use; none for 0 (no lead bureau).
fn bureau_row<'a>(
    bureaus: &'a mut HashMap<i64, BureauRow>,
    names: &HashMap<i64, (String, i64)>,
    id: i64,
) -> Option<&'a mut BureauRow> {
    let (name, order) = names.get(&id)?;
    Some(bureaus.entry(id).or_insert_with(|| BureauRow {
        bureau: name.clone(),
        order: *order,
        ..Default::default()
    }))
}
