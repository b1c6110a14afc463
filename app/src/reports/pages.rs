//! `/reports`: the dashboard (charts, each beside its table) and the report tables of a date
//! range, with the tables as CSV and XLSX. The range is a plain GET form.

use super::{
    chart::{bars, columns, Series, BLUE, GREY, RED},
    server_fns::{load_report, ReportView},
    Table,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::ErrorPage,
    dates::roc_date,
    url::percent_encode,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <PageTitle text="統計報表｜府會通" />
        <RequireRole
            roles=&[Role::Secretariat, Role::Reviewer, Role::Admin]
            children=|_| view! { <Reports /> }
        />
    }
}

#[component]
fn Reports() -> impl IntoView {
    let query = use_query_map();
    let view = Resource::new(
        move || {
            let q = query.get();
            (
                q.get("from").unwrap_or_default(),
                q.get("to").unwrap_or_default(),
            )
        },
        |(from, to)| load_report(from, to),
    );
    view! {
        <h1>"統計報表"</h1>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match view.await {
                    Ok(v) => view! { <ReportBody v /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A chart with its title shown above it (the SVG names itself to screen readers).
fn chart(title: &'static str, svg: String) -> impl IntoView {
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <div inner_html=svg></div>
        </figure>
    }
}

fn table_view(table: Table) -> AnyView {
    // A wide table (a bureau's fifteen figures) scrolls inside its box on a phone rather
    // than pushing the page sideways; the box takes the keyboard's focus so that it can be
    // scrolled without a pointer.
    let name = table.title.clone();
    view! {
        <div class="table-scroll" tabindex="0" role="group" aria-label=name>
        <table class="data-table">
            <caption>{table.title}</caption>
            <thead>
                <tr>{table.header.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
            </thead>
            <tbody>
                {table
                    .rows
                    .into_iter()
                    .map(|row| {
                        view! {
                            <tr>
                                {row
                                    .into_iter()
                                    .map(|cell| {
                                        let numeric = matches!(cell, super::Cell::Number(_));
                                        view! { <td class:num=numeric>{cell.text()}</td> }
                                    })
                                    .collect_view()}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

fn simple(title: &str, header: &[&str], rows: Vec<Vec<String>>) -> Table {
    Table {
        title: title.to_owned(),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .enumerate()
                    .map(|(i, c)| match c.parse::<f64>() {
                        Ok(n) if i > 0 => super::Cell::Number(n),
                        _ => super::Cell::Text(c),
                    })
                    .collect()
            })
            .collect(),
    }
}

#[component]
fn ReportBody(v: ReportView) -> impl IntoView {
    let tables = v.tables();
    let r = v.report;
    let range = r.range;
    let query = format!(
        "from={}&to={}",
        percent_encode(&roc_date(range.from)),
        percent_encode(&roc_date(range.to))
    );
    let bureaus = r.bureaus.clone();
    let names =
        |rows: &[&super::BureauRow]| rows.iter().map(|b| b.bureau.clone()).collect::<Vec<_>>();

    let open: Vec<&super::BureauRow> = bureaus.iter().filter(|b| b.open > 0).collect();
    let open_chart = bars(
        "各機關目前未結與逾期案件",
        &names(&open),
        &[
            Series {
                name: "未結",
                colour: BLUE,
                values: open.iter().map(|b| b.open as f64).collect(),
            },
            Series {
                name: "逾期",
                colour: RED,
                values: open.iter().map(|b| b.overdue as f64).collect(),
            },
        ],
        " 件",
    );
    let open_table = simple(
        "各機關目前未結與逾期案件",
        &["主辦機關", "未結", "逾期"],
        open.iter()
            .map(|b| vec![b.bureau.clone(), b.open.to_string(), b.overdue.to_string()])
            .collect(),
    );

    // Every bureau with a case judged: replied, or pending past its due date.
    let replied: Vec<&super::BureauRow> = bureaus
        .iter()
        .filter(|b| b.on_time_rate().is_some())
        .collect();
    let rate_chart = bars(
        "各機關如期答復率（%）",
        &names(&replied),
        &[Series {
            name: "如期率",
            colour: BLUE,
            values: replied
                .iter()
                .map(|b| b.on_time_rate().unwrap_or(0.0))
                .collect(),
        }],
        "%",
    );
    let rate_table = simple(
        "各機關如期答復率與平均答復日數",
        &[
            "主辦機關",
            "已答復",
            "如期",
            "逾期未答復",
            "如期率（%）",
            "平均日數",
        ],
        replied
            .iter()
            .map(|b| {
                vec![
                    b.bureau.clone(),
                    b.replied.to_string(),
                    b.on_time.to_string(),
                    b.late_open.to_string(),
                    format!("{:.1}", b.on_time_rate().unwrap_or(0.0)),
                    b.average_days.map_or("—".into(), |d| format!("{d:.1}")),
                ]
            })
            .collect(),
    );

    let returned: Vec<&super::BureauRow> = bureaus
        .iter()
        .filter(|b| b.returns > 0 || b.not_answers > 0)
        .collect();
    let returns_chart = bars(
        "各機關答復遭退回與答非所問次數",
        &names(&returned),
        &[
            Series {
                name: "退回",
                colour: GREY,
                values: returned.iter().map(|b| b.returns as f64).collect(),
            },
            Series {
                name: "答非所問",
                colour: RED,
                values: returned.iter().map(|b| b.not_answers as f64).collect(),
            },
        ],
        " 次",
    );
    let returns_table = simple(
        "各機關答復遭退回與答非所問次數",
        &["主辦機關", "退回次數", "議員辦公室表示答非所問"],
        returned
            .iter()
            .map(|b| {
                vec![
                    b.bureau.clone(),
                    b.returns.to_string(),
                    b.not_answers.to_string(),
                ]
            })
            .collect(),
    );

    let meeting_names: Vec<String> = v.meetings.iter().map(|m| roc_date(m.held_on)).collect();
    let meetings_chart = bars(
        "追蹤會議：列管檢視與解除列管",
        &meeting_names,
        &[
            Series {
                name: "檢視案件",
                colour: BLUE,
                values: v.meetings.iter().map(|m| m.decisions as f64).collect(),
            },
            Series {
                name: "解除列管",
                colour: GREY,
                values: v.meetings.iter().map(|m| m.released as f64).collect(),
            },
        ],
        " 案",
    );
    let meetings_table = simple(
        "追蹤會議：列管檢視與解除列管",
        &["會議日期", "檢視案件", "解除列管"],
        v.meetings
            .iter()
            .map(|m| {
                vec![
                    roc_date(m.held_on),
                    m.decisions.to_string(),
                    m.released.to_string(),
                ]
            })
            .collect(),
    );

    let months: Vec<String> = r.months.iter().map(|m| m.month.clone()).collect();
    let trend_chart = columns(
        "每月趨勢：登錄與答復",
        &months,
        &[
            Series {
                name: "登錄",
                colour: BLUE,
                values: r.months.iter().map(|m| m.recorded as f64).collect(),
            },
            Series {
                name: "答復",
                colour: GREY,
                values: r.months.iter().map(|m| m.replied as f64).collect(),
            },
        ],
        " 件",
    );
    let trend_table = simple(
        "每月趨勢：登錄與答復",
        &["月份", "登錄", "答復"],
        r.months
            .iter()
            .map(|m| {
                vec![
                    m.month.clone(),
                    m.recorded.to_string(),
                    m.replied.to_string(),
                ]
            })
            .collect(),
    );

    let pairs = vec![
        ("各機關目前未結與逾期案件", open_chart, open_table),
        ("各機關如期答復率（%）", rate_chart, rate_table),
        (
            "各機關答復遭退回與答非所問次數",
            returns_chart,
            returns_table,
        ),
        (
            "追蹤會議：列管檢視與解除列管",
            meetings_chart,
            meetings_table,
        ),
        ("每月趨勢：登錄與答復", trend_chart, trend_table),
    ];
    view! {
        <form method="get" action="/reports" class="inline-row no-print" aria-label="統計期間">
            <label for="report-from">"期間自"</label>
            <input id="report-from" name="from" value=roc_date(range.from) size="10" />
            <label for="report-to">"至"</label>
            <input id="report-to" name="to" value=roc_date(range.to) size="10" />
            <button type="submit" class="secondary">"更新"</button>
        </form>
        <section class="panel" aria-labelledby="dashboard-heading">
            <h2 id="dashboard-heading">"儀表板"</h2>
            <p>
                {format!(
                    "目前未結案件 {} 件，其中逾期 {} 件。以下統計 {} 登錄的案件。",
                    r.open_now,
                    r.overdue_now,
                    range.label()
                )}
            </p>
            {pairs
                .into_iter()
                .map(|(title, svg, table)| {
                    view! {
                        <div class="chart-pair">
                            {chart(title, svg)}
                            {table_view(table)}
                        </div>
                    }
                    .into_any()
                })
                .collect_view()}
        </section>
        <section class="panel" aria-labelledby="tables-heading">
            <div class="panel-head">
                <h2 id="tables-heading">"報表"</h2>
                <p class="no-print">
                    <a href=format!("/reports/tables.csv?{query}") download>"下載 CSV"</a>
                    "　"
                    <a href=format!("/reports/tables.xlsx?{query}") download>"下載 Excel（XLSX）"</a>
                </p>
            </div>
            {tables
                .into_iter()
                .enumerate()
                .map(|(i, table)| {
                    let label = format!("下載「{}」CSV（單表）", table.title);
                    let href = format!("/reports/tables.csv?{query}&table={}", i + 1);
                    view! {
                        {table_view(table)}
                        <p class="no-print table-download"><a href=href download>{label}</a></p>
                    }
                })
                .collect_view()}
        </section>
    }
}
