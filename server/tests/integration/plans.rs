//! The plan guard: every query of the case list (each filter), of every role's start page
//! and of similar questions is EXPLAINed over generated data, and a large table read without an index fails the
//! test. Not a timer: it fails the same way on a fast machine and a slow one.

use crate::harness::{fresh_database_url, TestApp};
use app::{
    cases::{
        db::{
            list_statements, queue_statements, similar_statement, walk_statement, Search, Statement,
        },
        search::{shingles, Probe},
        CaseFilter, CaseKind, CaseStatus, ListKey, PageFrom,
    },
    db::{filter::bind_all, Backend},
};
use sqlx::{AnyPool, Row};

/// Tables that grow with the cases; reading one without an index is what the guard forbids.
const LARGE: [&str; 7] = [
    "cases",
    "assignments",
    "case_councilors",
    "case_events",
    "sub_answers",
    "case_search",
    "topic_pieces",
];

/// The large tables and the report's kept figures, which grow with them.
fn large() -> impl Iterator<Item = &'static str> {
    LARGE.into_iter().chain(app::reports::db::rollup::TABLES)
}

/// The aliases the queries give the large tables.
const LARGE_ALIASES: [&str; 8] = ["c", "a", "l", "cc", "e", "s", "p", "f"];

/// SQLite's plan of `statement`, a line a step.
async fn sqlite_plan(db: &mut sqlx::AnyConnection, statement: &Statement) -> Vec<String> {
    bind_all(
        sqlx::query(&format!("EXPLAIN QUERY PLAN {}", statement.sql)),
        &statement.args,
    )
    .fetch_all(db)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>("detail"))
    .collect()
}

/// Puts into `sqlite_stat1` what ANALYZE measured on the bench's 25,511 cases, and has the
/// connection `db` reread it (`ANALYZE sqlite_schema`): SQLite's plans follow the statistics,
/// and those of the test's 1,500 generated cases choose differently.
async fn bench_statistics(db: &mut sqlx::AnyConnection) {
    for statement in [
        "DELETE FROM sqlite_stat1 WHERE tbl IN ('cases', 'case_councilors', 'case_events')",
        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES \
         ('cases', 'cases_due_idx', '25511 8 1'), \
         ('cases', 'cases_status_due_idx', '25511 2835 7'), \
         ('cases', 'cases_status_kind_number_idx', '25511 2835 1276 13 1'), \
         ('cases', 'cases_kind_number_idx', '25511 6378 20 1'), \
         ('cases', 'cases_kind_received_idx', '25511 6378 6'), \
         ('cases', 'cases_session_idx', '25511 798 269 1'), \
         ('cases', 'cases_owing_due_idx', '5843 30 1 1'), \
         ('case_councilors', 'case_councilors_councilor_idx', '26810 107'), \
         ('case_councilors', 'sqlite_autoindex_case_councilors_1', '26810 1 1'), \
         ('case_events', 'case_events_case_idx', '165866 7 1'), \
         ('case_events', 'case_events_not_an_answer_idx', '0 0')",
        "ANALYZE sqlite_schema",
    ] {
        sqlx::query(statement).execute(&mut *db).await.unwrap();
    }
}

/// The plan of `statement`, a line a step; on PostgreSQL with sequential scans priced out.
async fn plan(pool: &AnyPool, postgres: bool, statement: &Statement) -> Vec<String> {
    let mut tx = pool.begin().await.unwrap();
    if postgres {
        // With sequential scans priced out, one still chosen means no index could serve.
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await
            .unwrap();
        bind_all(
            sqlx::query(&format!("EXPLAIN {}", statement.sql)),
            &statement.args,
        )
        .fetch_all(&mut *tx)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect()
    } else {
        sqlite_plan(&mut tx, statement).await
    }
}

/// A fresh database of the suite's backend with 1,500 generated cases (recorded by
/// chen.sec), and whether it is PostgreSQL.
async fn generated() -> (TestApp, bool) {
    let url = fresh_database_url().await;
    let app = TestApp::spawn_on(&url).await;
    app.create_user("chen.sec", "secretariat", None).await;
    app.generate(1_500).await;
    (app, url.starts_with("postgres"))
}

/// What is wrong with the plan of `statement`, if anything.
async fn problem(pool: &AnyPool, postgres: bool, statement: &Statement) -> Option<String> {
    let lines = plan(pool, postgres, statement).await;
    let bad = lines.iter().find(|line| {
        if postgres {
            large().any(|t| line.contains(&format!("Seq Scan on {t}")))
        } else {
            // `SCAN c` reads every row; `SCAN c USING … INDEX` walks an index in order.
            // A virtual table (the FTS5 search index) scanned with no constraint after
            // `INDEX 0:` reads every document.
            let line = line.trim();
            LARGE_ALIASES.into_iter().chain(large()).any(|t| {
                line == format!("SCAN {t}")
                    || line.starts_with(&format!("SCAN {t} VIRTUAL TABLE INDEX"))
                        && line.ends_with(':')
            })
        }
    })?;
    Some(format!(
        "{bad}\n  in: {}\n  plan:\n    {}",
        statement.sql,
        lines.join("\n    ")
    ))
}

#[tokio::test]
async fn no_list_or_queue_query_reads_a_large_table_without_an_index() {
    let url = fresh_database_url().await;
    let postgres = url.starts_with("postgres");
    let app = TestApp::spawn_on(&url).await;
    app.create_user("chen.sec", "secretariat", None).await;
    app.create_user("ho.udd", "bureau_liaison", Some("UDD"))
        .await;
    app.create_user("chiu.udd", "bureau_approver", Some("UDD"))
        .await;
    app.create_user("lo.rev", "reviewer", None).await;
    app.generate(1_500).await;

    let today = chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
    let (session, councilor): (i64, i64) = sqlx::query_as(
        "SELECT session_id, councilor_id FROM cases JOIN case_councilors ON case_id = id LIMIT 1",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let name: String = sqlx::query_scalar("SELECT name FROM councilors WHERE id = $1")
        .bind(councilor)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(name.chars().count() >= 3, "{name}");
    let filters = [
        CaseFilter::default(),
        CaseFilter {
            session: Some(session),
            ..Default::default()
        },
        CaseFilter {
            kind: Some(CaseKind::DataRequest),
            ..Default::default()
        },
        CaseFilter {
            kind: Some(CaseKind::Resolution),
            ..Default::default()
        },
        CaseFilter {
            councilor: Some(councilor),
            ..Default::default()
        },
        CaseFilter {
            bureau: Some(app.bureau("DOT").await),
            ..Default::default()
        },
        CaseFilter {
            status: Some(CaseStatus::InReview),
            ..Default::default()
        },
        CaseFilter {
            overdue: true,
            ..Default::default()
        },
        CaseFilter {
            tracking: true,
            ..Default::default()
        },
        // The reviewer's queue narrowed by an internal flag (a bureau: of the cases it leads).
        CaseFilter {
            status: Some(CaseStatus::InReview),
            flag: Some(app::background::Flag::Media),
            ..Default::default()
        },
        // Sorted by due date, either way, alone and filtered (paged by number).
        CaseFilter {
            sort: Some(app::cases::ListSort::DueFirst),
            ..Default::default()
        },
        CaseFilter {
            sort: Some(app::cases::ListSort::DueLast),
            status: Some(CaseStatus::Assigned),
            ..Default::default()
        },
        CaseFilter {
            sort: Some(app::cases::ListSort::Oldest),
            ..Default::default()
        },
        // Keywords of any length are looked up in the trigram index: alone, several (one of
        // them a councilor's name), with other filters.
        CaseFilter {
            q: "社".into(),
            ..Default::default()
        },
        CaseFilter {
            q: "社宅".into(),
            ..Default::default()
        },
        CaseFilter {
            q: "停 社會住宅".into(),
            kind: Some(CaseKind::Question),
            ..Default::default()
        },
        CaseFilter {
            q: "社會住宅".into(),
            ..Default::default()
        },
        CaseFilter {
            q: format!("Taipei 停車場 {name}"),
            ..Default::default()
        },
        CaseFilter {
            q: "捷運站".into(),
            status: Some(CaseStatus::Closed),
            ..Default::default()
        },
        // The page after a row starts at the row in the list's index.
        CaseFilter {
            from: Some(PageFrom::After(ListKey {
                kind: CaseKind::Question,
                number: 40,
                id: 100,
            })),
            ..Default::default()
        },
        CaseFilter {
            status: Some(CaseStatus::Closed),
            from: Some(PageFrom::Before(ListKey {
                kind: CaseKind::DataRequest,
                number: 4,
                id: 800,
            })),
            ..Default::default()
        },
    ];
    let mut problems = Vec::new();
    let mut checked = 0;
    for name in ["chen.sec", "ho.udd", "chiu.udd", "lo.rev"] {
        let who = app.current_user(name).await;
        for filter in &filters {
            let search = Search::prepare(&app.state.db, &filter.q).await.unwrap();
            let (count, rows) = list_statements(filter, &search, &who, today, 3).unwrap();
            // A common word's first page is walked on PostgreSQL only (`list`).
            let walk = walk_statement(filter, &search, &who, today, 1)
                .unwrap()
                .filter(|_| postgres);
            for statement in [count, rows].into_iter().chain(walk) {
                checked += 1;
                problems.extend(problem(&app.state.db, postgres, &statement).await);
            }
        }
        for queue in queue_statements(&who).unwrap() {
            checked += 1;
            problems.extend(problem(&app.state.db, postgres, &queue.statement).await);
        }
        // Similar questions: a topic's pieces, and a topic too short for pieces.
        let backend = if postgres {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        for (topic, exclude) in [("社會住宅興建進度與停車場", Some(7)), ("社宅", None)]
        {
            let probe = Probe {
                topic: topic.into(),
                exclude,
                ..Default::default()
            };
            let synonyms = app::cases::db::synonyms(&app.state.db).await.unwrap();
            let shingles = shingles(topic, &synonyms);
            let statement = similar_statement(backend, &who, &probe, &shingles).unwrap();
            checked += 1;
            problems.extend(problem(&app.state.db, postgres, &statement).await);
        }
    }
    assert!(checked >= 128, "checked {checked} queries");
    assert!(
        problems.is_empty(),
        "{} of {checked} queries read a large table without an index:\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[tokio::test]
async fn the_start_pages_reconsideration_warning_reads_resolutions_by_their_index() {
    let (app, postgres) = generated().await;
    let today = chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
    let statement = app::resolutions::db::closing_windows_statement(today);
    let problem = problem(&app.state.db, postgres, &statement).await;
    assert!(problem.is_none(), "{}", problem.unwrap_or_default());
}

#[tokio::test]
async fn the_reports_kept_figures_are_read_and_kept_through_indexes() {
    use app::reports::{db, Range};
    let (app, postgres) = generated().await;
    db::rollup::refresh(&app.state.db).await.unwrap();
    let pool = &app.state.db;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM cases ORDER BY id LIMIT 3")
        .fetch_all(pool)
        .await
        .unwrap();
    let days = ["2020-03-02", "2024-03-15"].map(str::to_owned).into();

    let today = chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
    let decade = Range {
        from: chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    };
    let mut statements = db::figures::statements(Range::half_year_of(today), today);
    statements.extend(db::figures::statements(decade, today));
    statements.extend(db::rollup::update_statements(&ids, &days));
    let mut problems = Vec::new();
    for statement in &statements {
        problems.extend(problem(pool, postgres, statement).await);
    }
    assert_eq!(statements.len(), 8 + 8 + 5 + 6 + 4 + 2);
    assert!(
        problems.is_empty(),
        "{} of {} statements read a large table without an index:\n{}",
        problems.len(),
        statements.len(),
        problems.join("\n\n")
    );
}

#[tokio::test]
async fn generated_cases_have_timelines_that_end_in_their_status_and_an_unbroken_chain() {
    let app = TestApp::spawn().await;
    app.create_user("chen.sec", "secretariat", None).await;
    let (questions, requests) = app.generate(400).await;
    assert_eq!(questions + requests, 400);
    assert!(questions > requests && requests > 0);
    let reports = app::chain::verify(&app.state.db).await.unwrap();
    assert!(reports.iter().all(|r| r.broken.is_none()), "{reports:?}");
    // The last status change of every case's timeline is the case's status.
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT c.id, c.status, e.data FROM cases c JOIN case_events e ON e.case_id = c.id \
         ORDER BY c.id, e.seq",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let mut last: std::collections::BTreeMap<i64, (String, String)> = Default::default();
    for (id, status, data) in rows {
        let data: app::cases::events::EventData = serde_json::from_str(&data).unwrap();
        let entry = last.entry(id).or_insert((status, "unassigned".into()));
        if let Some(change) = data.status {
            entry.1 = change.to.as_str().into();
        }
    }
    assert_eq!(last.len(), 400, "every case has a timeline");
    for (id, (status, from_timeline)) in last {
        assert_eq!(status, from_timeline, "case {id}");
    }
    // A second run refuses rather than doubling the data.
    assert!(server::demo::generate::generate(&app.state, 10)
        .await
        .is_err());
}

#[tokio::test]
async fn postgresql_reads_the_secretariats_chase_from_the_owing_index_alone() {
    let url = fresh_database_url().await;
    if !url.starts_with("postgres") {
        // SQLite's plans are held by the test below.
        return;
    }
    let app = TestApp::spawn_on(&url).await;
    app.create_user("chen.sec", "secretariat", None).await;
    app.generate(1_500).await;
    sqlx::query("VACUUM ANALYZE cases")
        .execute(&app.state.db)
        .await
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
    let chase = plan(&app.state.db, true, &app::cases::db::chase_statement(today))
        .await
        .join("\n");
    assert!(
        chase.contains("Index Only Scan using cases_owing_due_idx"),
        "{chase}"
    );
}

#[tokio::test]
async fn sqlite_reads_the_owing_cases_and_the_filed_ones_without_walking_every_case() {
    let url = fresh_database_url().await;
    if url.starts_with("postgres") {
        // PostgreSQL's indexes for these are 0029's; the test above guards its plans.
        return;
    }
    let app = TestApp::spawn_on(&url).await;
    app.create_user("chen.sec", "secretariat", None).await;
    app.create_user("ho.udd", "bureau_liaison", Some("UDD"))
        .await;
    app.generate(1_500).await;
    let today = chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
    // The plans follow the statistics: the bench's (5,843 owing, none filed), where SQLite
    // walked every closed case before 0030.
    let mut db = app.state.db.acquire().await.unwrap();
    bench_statistics(&mut db).await;
    let mut plan = async |statement: Statement| sqlite_plan(&mut db, &statement).await.join("\n");

    // Through the status index or a partial one, never walking every case in due or id
    // order (cases_due_idx, or `SCAN c`: the closed ones too).
    let walks_every_case =
        |plan: &str| plan.contains("cases_due_idx") || plan.lines().any(|l| l == "SCAN c");
    let chase = plan(app::cases::db::chase_statement(today)).await;
    assert!(!walks_every_case(&chase), "{chase}");
    assert!(chase.contains("cases_owing_due_idx"), "{chase}");
    let queues = |name: &'static str| {
        let app = &app;
        async move { queue_statements(&app.current_user(name).await).unwrap() }
    };
    for (name, title) in [
        ("ho.udd", "本局待辦案件"),
        ("chen.sec", "議員辦公室送件待受理"),
    ] {
        let queue = queues(name)
            .await
            .into_iter()
            .find(|q| q.title == title)
            .unwrap();
        let queue = plan(queue.statement).await;
        assert!(!walks_every_case(&queue), "{title}: {queue}");
    }
}

#[tokio::test]
async fn the_councilor_brief_starts_from_the_few_not_an_answer_events_and_the_newest_answers() {
    use app::briefs::db::{earlier_walk_statement, not_answers_statement};
    let (app, postgres) = generated().await;
    let pool = &app.state.db;
    let (session, term) = app.largest_session().await;
    let (councilors, sessions) = app.term_of(term).await;
    assert!(councilors.len() > 10 && !sessions.is_empty());
    let not_answers = not_answers_statement(&councilors, session);
    let walk = earlier_walk_statement(&councilors, &sessions, app::briefs::db::EARLIER_WALK);
    for statement in [&not_answers, &walk] {
        let problem = problem(pool, postgres, statement).await;
        assert!(problem.is_none(), "{}", problem.unwrap_or_default());
    }
    if !postgres {
        // SQLite takes a partial index only where the statement repeats its condition: the
        // 答非所問 statement names its own, or it fell back to probing every case of the
        // session. (The walk of the newest answers reads the term's sessions and sorts them
        // here; PostgreSQL's walks cases_answered_updated_idx, checked above not to scan.)
        // The plans follow the statistics: the bench's (165,866 events, none 答非所問).
        let mut db = pool.acquire().await.unwrap();
        bench_statistics(&mut db).await;
        let plan = sqlite_plan(&mut db, &not_answers).await.join("\n");
        assert!(plan.contains("case_events_not_an_answer_idx"), "{plan}");
    }
}

#[tokio::test]
async fn the_agenda_counts_its_parts_in_one_pass_and_reads_the_shown_part_by_id() {
    use app::meetings::db::{leads_statement, tracked_statement};
    let (app, postgres) = generated().await;
    let pool = &app.state.db;
    let (bureau, ids): (i64, Vec<i64>) = {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT a.bureau_id, c.id FROM cases c JOIN assignments a ON a.case_id = c.id \
             AND a.role = 'lead' AND a.state = 'accepted' WHERE c.status = 'tracking' \
             ORDER BY a.bureau_id, c.id",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let bureau = rows.first().expect("generated cases under tracking").0;
        let ids = rows.iter().filter(|r| r.0 == bureau).map(|r| r.1).collect();
        (bureau, ids)
    };
    let statements = [
        leads_statement(1),
        tracked_statement(Some((bureau, &ids))),
        tracked_statement(None),
    ];
    let mut problems = Vec::new();
    for statement in &statements {
        problems.extend(problem(pool, postgres, statement).await);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // The shown part starts from its cases' ids, not from every tracked case.
    let part = plan(pool, postgres, &statements[1]).await.join("\n");
    let by_id = if postgres {
        "using cases_pkey on cases c"
    } else {
        "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"
    };
    assert!(part.contains(by_id), "{part}");
}
