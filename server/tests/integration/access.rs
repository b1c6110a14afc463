//! Who may do what: the role × action table of the case workflow, tried by every role,
//! including bureaus that have no part in the case and reach it by id.

use crate::harness::TestApp;
use app::cases::CaseStatus;
use reqwest::{Client, StatusCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Secretariat,
    Reviewer,
    Admin,
    /// Liaison of the lead bureau (都發局).
    LeadLiaison,
    /// Approver of the lead bureau.
    LeadApprover,
    /// Liaison of the co-bureau (交通局).
    CoLiaison,
    /// Liaison of a bureau with no part in the case (工務局).
    Stranger,
}

const EVERYONE: [Who; 7] = [
    Who::Secretariat,
    Who::Reviewer,
    Who::Admin,
    Who::LeadLiaison,
    Who::LeadApprover,
    Who::CoLiaison,
    Who::Stranger,
];

/// Where a case must be for the action to make sense.
#[derive(Debug, Clone, Copy)]
enum Stage {
    /// Filed by a councilor office through its status link, waiting to be taken in.
    Filed,
    Unassigned,
    Assigned,
    InProgress,
    AwaitingSignOff,
    SignedOff,
    InReview,
    Tracking,
    /// A budget rider, assigned to the lead bureau with the co-bureau, both accepted.
    Resolution,
    /// That, with the city's reconsideration asked and the council's answer awaited.
    ResolutionAsked,
}

/// The table: endpoint, extra form fields, the stage it needs, and who may.
/// endpoint, extra form fields, the stage it needs, and who may.
type Row = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    Stage,
    Vec<Who>,
);

fn table() -> Vec<Row> {
    use Who::*;
    vec![
        (
            "cases/detail",
            vec![],
            Stage::InProgress,
            vec![
                Secretariat,
                Reviewer,
                Admin,
                LeadLiaison,
                LeadApprover,
                CoLiaison,
            ],
        ),
        (
            "cases/assign",
            vec![("lead_bureau_id", "LEAD")],
            Stage::Unassigned,
            vec![Secretariat],
        ),
        (
            "cases/add-co-bureau",
            vec![("bureau_id", "OTHER")],
            Stage::Assigned,
            vec![Secretariat],
        ),
        (
            "cases/accept",
            vec![],
            Stage::Assigned,
            vec![LeadLiaison, LeadApprover, CoLiaison],
        ),
        (
            "cases/reject",
            vec![("reason", "非本局權責")],
            Stage::Assigned,
            vec![LeadLiaison, LeadApprover, CoLiaison],
        ),
        (
            "cases/sub-answer",
            vec![("body", "協辦意見")],
            Stage::InProgress,
            vec![CoLiaison],
        ),
        (
            "cases/reply",
            vec![("reply", "新的答復"), ("reply_version", "1")],
            Stage::InProgress,
            vec![LeadLiaison],
        ),
        (
            "cases/due",
            vec![("due_on", "113/04/30"), ("due_reason", "議員同意")],
            Stage::InProgress,
            vec![Secretariat],
        ),
        (
            "cases/background",
            vec![
                ("note", "議員擬召開記者會。"),
                ("flags[]", "media"),
                ("background_version", "0"),
            ],
            Stage::InProgress,
            vec![LeadLiaison, LeadApprover],
        ),
        (
            "cases/interim",
            vec![
                ("form[known]", "已完成初步統計。"),
                ("form[why]", "須向中央調閱資料。"),
                ("form[new_due_on]", "113/05/31"),
                ("form[agreement]", "later"),
                ("form[agreed_with]", "議員辦公室王助理"),
            ],
            Stage::InProgress,
            vec![LeadLiaison, LeadApprover],
        ),
        (
            "letters/record",
            vec![
                ("which", "incoming"),
                ("form[number]", "議議字第1130001234號"),
            ],
            Stage::InProgress,
            vec![Secretariat],
        ),
        (
            "letters/record",
            vec![
                ("which", "outgoing"),
                ("form[number]", "府都新字第1133012345號"),
            ],
            Stage::Tracking,
            vec![Secretariat, LeadLiaison, LeadApprover],
        ),
        (
            "corrections/submit",
            vec![
                ("form[body]", "更正後的答復內容。"),
                ("form[why]", "原答復誤植數字。"),
            ],
            Stage::Tracking,
            vec![Secretariat, LeadLiaison, LeadApprover],
        ),
        (
            "promises/record",
            vec![
                ("form[promised_by]", "都市發展局局長"),
                ("form[what]", "會後補充統計"),
                ("form[bureau_id]", "LEAD"),
            ],
            Stage::InProgress,
            vec![Secretariat],
        ),
        (
            "cases/step",
            vec![("step", "submit")],
            Stage::InProgress,
            vec![LeadLiaison],
        ),
        (
            "cases/step",
            vec![("step", "sign_off")],
            Stage::AwaitingSignOff,
            vec![LeadApprover],
        ),
        (
            "cases/step",
            vec![("step", "send_back"), ("comment", "請修正")],
            Stage::AwaitingSignOff,
            vec![LeadApprover],
        ),
        (
            "cases/step",
            vec![("step", "pass_to_review")],
            Stage::SignedOff,
            vec![Secretariat],
        ),
        (
            "cases/step",
            vec![("step", "return_from_check"), ("comment", "請補充")],
            Stage::SignedOff,
            vec![Secretariat],
        ),
        (
            "cases/step",
            vec![("step", "approve")],
            Stage::InReview,
            vec![Reviewer],
        ),
        (
            "cases/step",
            vec![("step", "return_from_review"), ("comment", "請補充")],
            Stage::InReview,
            vec![Reviewer],
        ),
        (
            "cases/step",
            vec![("step", "release")],
            Stage::Tracking,
            vec![Reviewer],
        ),
        ("filings/take-in", vec![], Stage::Filed, vec![Secretariat]),
        (
            "cases/progress",
            vec![("form[body]", "執行情形"), ("form[percent]", "50")],
            Stage::Resolution,
            vec![LeadLiaison, LeadApprover, CoLiaison],
        ),
        (
            "resolutions/reconsideration",
            vec![
                ("form[asked_on]", "113/03/14"),
                ("form[letter_number]", "府法字第1號"),
                ("form[reason]", "窒礙難行"),
            ],
            Stage::Resolution,
            vec![Secretariat],
        ),
        (
            "resolutions/reconsideration-outcome",
            vec![("outcome", "sustained"), ("outcome_on", "113/03/15")],
            Stage::ResolutionAsked,
            vec![Secretariat],
        ),
        (
            "resolutions/not-executable",
            vec![
                ("form[sent_on]", "113/03/14"),
                ("form[letter_number]", "府社字第1號"),
                ("form[reply]", "經費不足"),
            ],
            Stage::Resolution,
            vec![Reviewer],
        ),
        (
            "filings/refuse",
            vec![("reason", "重複送件")],
            Stage::Filed,
            vec![Secretariat],
        ),
    ]
}

struct Cast {
    clients: Vec<(Who, Client)>,
}

impl Cast {
    async fn new(app: &TestApp) -> Self {
        let mut clients = Vec::new();
        for (who, name, role, bureau) in [
            (Who::Secretariat, "m.sec", "secretariat", None),
            (Who::Reviewer, "m.rev", "reviewer", None),
            (Who::Admin, "m.admin", "admin", None),
            (Who::LeadLiaison, "m.udd", "bureau_liaison", Some("UDD")),
            (
                Who::LeadApprover,
                "m.udd.boss",
                "bureau_approver",
                Some("UDD"),
            ),
            (Who::CoLiaison, "m.dot", "bureau_liaison", Some("DOT")),
            (Who::Stranger, "m.pwd", "bureau_liaison", Some("PWD")),
        ] {
            clients.push((who, app.signed_in(name, role, bureau).await));
        }
        Self { clients }
    }

    fn get(&self, who: Who) -> &Client {
        &self.clients.iter().find(|(w, _)| *w == who).unwrap().1
    }
}

static NUMBER: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(100);

/// A data request an office files through its link, as the filing handler records it.
async fn filed(app: &TestApp) -> i64 {
    let scope = app::links::Scope {
        councilor_id: app.reference().await.councilors[0],
        case_id: None,
    };
    let by = app.current_user("m.sec").await.id;
    let mut tx = app::db::begin(&app.state.db).await.unwrap();
    let expires = app::dates::parse_date("115/12/24").unwrap();
    let (link, _) = app::links::db::create(&mut tx, scope, expires, by, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let fields = [
        ("topic", "權限測試"),
        ("body", "請提供資料。"),
        ("contact", "助理"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let filing =
        app::filings::Filing::parse(app::filings::FilingKind::DataRequest, &fields).unwrap();
    let (now, today) = (app.state.now().timestamp(), app.state.today());
    app::filings::db::file(&app.state.db, link, scope, &filing, vec![], now, today)
        .await
        .unwrap()
}

async fn case_at(app: &TestApp, cast: &Cast, stage: Stage) -> i64 {
    if matches!(stage, Stage::Filed) {
        return filed(app).await;
    }
    let sec = cast.get(Who::Secretariat);
    if matches!(stage, Stage::Resolution | Stage::ResolutionAsked) {
        let form = crate::resolutions::rider_form(app, "權限測試", "113/03/12").await;
        let id: i64 = app
            .ok(sec, "resolutions/record", &form)
            .await
            .parse()
            .unwrap();
        app.assign(sec, id, "UDD", &["DOT"]).await;
        for who in [Who::LeadLiaison, Who::CoLiaison] {
            app.ok(
                cast.get(who),
                "cases/accept",
                &[("case_id", id.to_string())],
            )
            .await;
        }
        if matches!(stage, Stage::ResolutionAsked) {
            app.ok(
                sec,
                "resolutions/reconsideration",
                &[
                    ("case_id", id.to_string()),
                    ("form[asked_on]", "113/03/14".into()),
                    ("form[letter_number]", "府法字第1號".into()),
                    ("form[reason]", "窒礙難行".into()),
                ],
            )
            .await;
        }
        return id;
    }
    let n = NUMBER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let id = app.record_question(sec, n, "權限測試").await;
    if matches!(stage, Stage::Unassigned) {
        return id;
    }
    app.assign(sec, id, "UDD", &["DOT"]).await;
    if matches!(stage, Stage::Assigned) {
        return id;
    }
    let lead = cast.get(Who::LeadLiaison);
    app.ok(lead, "cases/accept", &[("case_id", id.to_string())])
        .await;
    app.ok(
        cast.get(Who::CoLiaison),
        "cases/accept",
        &[("case_id", id.to_string())],
    )
    .await;
    let res = app.save_reply(lead, id, 0, "答復草稿").await;
    assert_eq!(res.status(), StatusCode::OK);
    if matches!(stage, Stage::InProgress) {
        return id;
    }
    let steps: &[(Who, &str)] = &[
        (Who::LeadLiaison, "submit"),
        (Who::LeadApprover, "sign_off"),
        (Who::Secretariat, "pass_to_review"),
    ];
    let upto = match stage {
        Stage::AwaitingSignOff => 1,
        Stage::SignedOff => 2,
        _ => 3,
    };
    for (who, step) in &steps[..upto] {
        assert_eq!(
            app.step(cast.get(*who), id, step, "").await.status(),
            StatusCode::OK,
            "{step}"
        );
    }
    if matches!(stage, Stage::Tracking) {
        let version = app.case(sec, id).await.version;
        app.ok(
            cast.get(Who::Reviewer),
            "cases/step",
            &[
                ("case_id", id.to_string()),
                ("version", version.to_string()),
                ("step", "approve".into()),
                ("keep_tracking", "on".into()),
            ],
        )
        .await;
    }
    id
}

async fn attempt(
    app: &TestApp,
    cast: &Cast,
    who: Who,
    endpoint: &str,
    fields: &[(&str, &str)],
    id: i64,
) -> StatusCode {
    let sec = cast.get(Who::Secretariat);
    let version = app.case(sec, id).await.version;
    let mut form = vec![
        (
            if endpoint == "cases/detail" {
                "id"
            } else {
                "case_id"
            },
            id.to_string(),
        ),
        ("version", version.to_string()),
    ];
    for (k, v) in fields {
        let v = match *v {
            "LEAD" => app.bureau("UDD").await.to_string(),
            "OTHER" => app.bureau("HAC").await.to_string(),
            v => v.to_owned(),
        };
        form.push((k, v));
    }
    app.call(cast.get(who), endpoint, &form).await.status()
}

#[tokio::test]
async fn every_role_can_do_its_own_steps_and_nothing_else_on_any_case() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let sec = cast.get(Who::Secretariat);
    for (endpoint, fields, stage, allowed) in table() {
        let row = format!("{endpoint} {fields:?}");
        // Refusals first, all on one case: none of them may change it.
        let id = case_at(&app, &cast, stage).await;
        let before = app.case(sec, id).await;
        for who in EVERYONE.into_iter().filter(|w| !allowed.contains(w)) {
            let status = attempt(&app, &cast, who, endpoint, &fields, id).await;
            let bureau = !matches!(who, Who::Secretariat | Who::Reviewer | Who::Admin);
            let has_part = who != Who::Stranger && !matches!(stage, Stage::Unassigned);
            let expected = if matches!(stage, Stage::Filed)
                || endpoint.starts_with("resolutions/")
                || endpoint.starts_with("promises/")
            {
                // Taking in, reconsideration, the finding of not executable and promises
                // are one city-wide role's alone: the role refuses before the case is
                // looked up, so no one learns whether it exists.
                StatusCode::FORBIDDEN
            } else if bureau && !has_part {
                // A bureau with no part is not told the case exists.
                StatusCode::NOT_FOUND
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{row} as {who:?}");
        }
        let after = app.case(sec, id).await;
        assert_eq!(
            (
                after.version,
                after.status,
                after.reply_version,
                after.timeline.len(),
                after.parts.len()
            ),
            (
                before.version,
                before.status,
                before.reply_version,
                before.timeline.len(),
                before.parts.len()
            ),
            "{row}: a refused attempt changed the case"
        );
        // Then each allowed party, each on a case of its own.
        for (i, who) in allowed.iter().enumerate() {
            let id = if i == 0 {
                id
            } else {
                case_at(&app, &cast, stage).await
            };
            let status = attempt(&app, &cast, *who, endpoint, &fields, id).await;
            assert_eq!(status, StatusCode::OK, "{row} as {who:?}");
        }
    }
}

#[tokio::test]
async fn only_the_secretariat_records_cases() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let form = app.question_form(7, "議題").await;
    let r = app.reference().await;
    let service = [
        ("form[session_id]", r.session.to_string()),
        ("form[councilor_id]", r.councilors[0].to_string()),
        ("form[received_at]", "113/03/18 10:30".to_owned()),
        ("form[category_id]", "1".to_owned()),
        ("form[topic]", "人行道破損".to_owned()),
        ("form[body]", "請派員修復。".to_owned()),
    ];
    for who in EVERYONE {
        let expected = if who == Who::Secretariat {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        let res = app
            .call(cast.get(who), "cases/record-question", &form)
            .await;
        assert_eq!(res.status(), expected, "{who:?}");
        let res = app.call(cast.get(who), "service/record", &service).await;
        assert_eq!(res.status(), expected, "service case as {who:?}");
    }
    let anonymous = app.call(&app.client(), "cases/list", &[]).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bureau_lists_only_the_cases_it_holds_a_part_in() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let sec = cast.get(Who::Secretariat);
    let ours = case_at(&app, &cast, Stage::Assigned).await;
    let theirs = app.record_question(sec, 900, "別局的案件").await;
    app.assign(sec, theirs, "PWD", &[]).await;

    let list = |who: Who| {
        let app = &app;
        let client = cast.get(who).clone();
        async move {
            let page: app::cases::CasePage = app
                .call(&client, "cases/list", &[])
                .await
                .json()
                .await
                .unwrap();
            page.rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(list(Who::LeadLiaison).await, vec![ours]);
    assert_eq!(list(Who::CoLiaison).await, vec![ours]);
    assert_eq!(list(Who::Stranger).await, vec![theirs]);
    let all = list(Who::Secretariat).await;
    assert!(all.contains(&ours) && all.contains(&theirs));
    // Even a bureau filter for another bureau shows nothing of theirs.
    let res = app
        .call(
            cast.get(Who::LeadLiaison),
            "cases/list",
            &[("filter[bureau]", app.bureau("PWD").await.to_string())],
        )
        .await;
    let page: app::cases::CasePage = res.json().await.unwrap();
    assert!(page.rows.is_empty());
    assert_eq!(app.case(sec, ours).await.status, CaseStatus::Assigned);
}

/// The HTTP that is not a server fn, and who may use it. Each is asked as a script would
/// (no `Accept: text/html`), so a refusal is its status.
const HANDLERS: [(&str, &str, &[&str]); 18] = [
    ("GET", "/cases.csv", &["sec", "rev", "admin", "udd"]),
    ("GET", "/reports/tables.csv", &["sec", "rev", "admin"]),
    ("GET", "/admin/audit.csv", &["admin"]),
    ("GET", "/meetings/1/agenda.odt", &["sec", "rev", "admin"]),
    ("GET", "/volume.odt?session=1", &["sec", "rev"]),
    ("GET", "/briefs/brief.odt", &["sec", "rev"]),
    ("GET", "/volume/jobs/1/file", &["sec", "rev"]),
    ("GET", "/volumes/1/file", &["sec", "rev"]),
    ("GET", "/cases/import/sample.csv", &["sec"]),
    ("POST", "/volume/compile", &["sec", "rev"]),
    ("POST", "/volume/send", &["sec"]),
    ("POST", "/cases/new/question/similar", &["sec"]),
    ("POST", "/api/links/issue", &["sec"]),
    ("POST", "/api/links/revoke", &["sec"]),
    ("POST", "/api/links/reissue", &["sec"]),
    ("POST", "/api/cases/import/commit", &["sec"]),
    ("POST", "/cases/import", &["sec"]),
    ("POST", "/admin/deadlines/calendar", &["admin"]),
];

#[tokio::test]
async fn every_handler_lets_in_only_its_roles_and_sends_a_browser_without_a_session_to_sign_in() {
    let app = TestApp::spawn().await;
    let cast = crate::meetings::Cast::new(&app).await;
    let admin = app.signed_in("ko.admin", "admin", None).await;
    // Someone who must first choose their own password may do nothing else.
    let fresh = app.signed_in("new.sec", "secretariat", None).await;
    sqlx::query("UPDATE users SET must_change_password = $1 WHERE username = 'new.sec'")
        .bind(true)
        .execute(&app.state.db)
        .await
        .unwrap();
    let stranger = app.client();
    let who = [
        ("sec", &cast.sec),
        ("rev", &cast.rev),
        ("admin", &admin),
        ("udd", &cast.udd),
    ];
    for (method, path, allowed) in HANDLERS {
        let send = |client: &Client, html: bool| {
            let req = match method {
                "GET" => client.get(app.url(path)),
                _ => client
                    .post(app.url(path))
                    .form(&[("id", "1"), ("councilor", "1")]),
            };
            let req = if html {
                req.header(reqwest::header::ACCEPT, "text/html")
            } else {
                req
            };
            req.send()
        };
        for (name, client) in who {
            let status = send(client, false).await.unwrap().status();
            if allowed.contains(&name) {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{name} may {method} {path}, got {status}"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{name} {method} {path}");
            }
        }
        let status = send(&fresh, false).await.unwrap().status();
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "password first: {method} {path}"
        );
        let status = send(&stranger, false).await.unwrap().status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        // A handler sends the browser to sign in; a server fn sends it back to its page
        // (here none: the home page), which does.
        let res = send(&stranger, true).await.unwrap();
        assert!(res.status().is_redirection(), "{method} {path}");
        let mut to = crate::harness::location(&res).unwrap_or_default();
        if !to.contains("/login") {
            let next = app
                .page(&stranger, to.trim_start_matches(&app.url("")))
                .await;
            to = crate::harness::location(&next).unwrap_or_default();
        }
        assert!(
            to.contains("/login"),
            "a browser without a session, {method} {path}"
        );
    }
}

/// Where the bills' actions need the world to be: a bill of 都發局 (the lead bureau's)
/// marked major, a briefing scheduled that presents it, or that briefing held with an ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BillStage {
    /// A session with no call for bills yet.
    NoCall,
    /// The call sent; a major bill of 都發局 recorded.
    Bill,
    BriefingScheduled,
    BriefingHeld,
}

#[derive(Clone, Copy)]
struct BillWorld {
    session: i64,
    bill: i64,
    version: i64,
    briefing: i64,
    ask: i64,
}

static BILLS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);

async fn bill_world(app: &TestApp, cast: &Cast, stage: BillStage) -> BillWorld {
    let sec = cast.get(Who::Secretariat);
    let sessions: Vec<i64> = sqlx::query_scalar("SELECT id FROM council_sessions ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    let mut world = BillWorld {
        session: sessions[0],
        bill: 0,
        version: 1,
        briefing: 0,
        ask: 0,
    };
    if stage == BillStage::NoCall {
        // The session before has no call: only one is sent per session.
        world.session = sessions[1];
        return world;
    }
    let calls: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bill_calls WHERE session_id = $1")
        .bind(world.session)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    if calls == 0 {
        app.ok(
            sec,
            "bills/call",
            &[("form[session_id]", world.session.to_string())],
        )
        .await;
    }
    let n = BILLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    world.bill = app
        .ok(
            cast.get(Who::LeadLiaison),
            "bills/record",
            &[
                ("form[session_id]", world.session.to_string()),
                ("form[bill_kind]", "ordinance_amended".into()),
                ("form[title]", format!("權限測試自治條例修正草案{n}")),
                ("form[why]", "權限測試".into()),
            ],
        )
        .await
        .parse()
        .unwrap();
    app.ok(
        sec,
        "bills/major",
        &[
            ("bill_id", world.bill.to_string()),
            ("major", "true".into()),
        ],
    )
    .await;
    world.version = 2;
    if stage == BillStage::Bill {
        return world;
    }
    world.briefing = app
        .ok(
            sec,
            "briefings/schedule",
            &[
                ("form[session_id]", world.session.to_string()),
                ("form[caucus]", "青禾黨".into()),
                ("form[held_on]", "113/03/20".into()),
            ],
        )
        .await
        .parse()
        .unwrap();
    app.ok(
        sec,
        "briefings/bills",
        &[
            ("briefing_id", world.briefing.to_string()),
            ("bill_ids[]", world.bill.to_string()),
        ],
    )
    .await;
    if stage == BillStage::BriefingScheduled {
        return world;
    }
    app.ok(
        sec,
        "briefings/outcome",
        &[
            ("briefing_id", world.briefing.to_string()),
            ("bill_ids[]", world.bill.to_string()),
            ("positions[]", "support".into()),
        ],
    )
    .await;
    world.ask = app
        .ok(
            sec,
            "briefings/ask",
            &[
                ("briefing_id", world.briefing.to_string()),
                ("ask", "請提供統計".into()),
            ],
        )
        .await
        .parse()
        .unwrap();
    world
}

/// Everything the bills and briefings write, counted: a refused attempt must change none.
async fn bill_writes(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM bills",
        "SELECT COUNT(*) FROM bill_events",
        "SELECT COUNT(*) FROM bill_calls",
        "SELECT COUNT(*) FROM bill_call_nothing",
        "SELECT COUNT(*) FROM caucus_briefings",
        "SELECT COUNT(*) FROM briefing_bills WHERE position IS NOT NULL",
        "SELECT COUNT(*) FROM briefing_asks",
        "SELECT COUNT(*) FROM briefing_asks WHERE case_id IS NOT NULL",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM bills",
    ] {
        counts.push(
            sqlx::query_scalar(sql)
                .fetch_one(&app.state.db)
                .await
                .unwrap(),
        );
    }
    counts
}

#[tokio::test]
async fn every_role_can_do_its_own_bill_and_briefing_actions_and_nothing_else() {
    use Who::*;
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let bureau_writers = vec![Secretariat, LeadLiaison, LeadApprover];
    let readers = vec![Secretariat, Reviewer, Admin, LeadLiaison, LeadApprover];
    type BillRow = (
        &'static str,
        Vec<(&'static str, &'static str)>,
        BillStage,
        Vec<Who>,
    );
    let rows: Vec<BillRow> = vec![
        ("bills/bill", vec![("id", "BILL")], BillStage::Bill, readers),
        (
            "bills/record",
            vec![
                ("form[session_id]", "SESSION"),
                ("form[bureau_id]", "LEAD"),
                ("form[bill_kind]", "report"),
                ("form[title]", "專案報告"),
                ("form[why]", "說明"),
            ],
            BillStage::Bill,
            bureau_writers.clone(),
        ),
        (
            "bills/stage",
            vec![
                ("bill_id", "BILL"),
                ("version", "VERSION"),
                ("form[stage]", "sent"),
                ("form[on]", "113/03/15"),
            ],
            BillStage::Bill,
            bureau_writers,
        ),
        (
            "bills/edit",
            vec![
                ("bill_id", "BILL"),
                ("version", "VERSION"),
                ("form[bill_kind]", "other"),
                ("form[title]", "改名的議案"),
                ("form[why]", "說明"),
            ],
            BillStage::Bill,
            vec![Secretariat, LeadLiaison, LeadApprover],
        ),
        (
            "bills/major",
            vec![("bill_id", "BILL"), ("major", "false")],
            BillStage::Bill,
            vec![Secretariat],
        ),
        (
            "bills/call",
            vec![("form[session_id]", "SESSION")],
            BillStage::NoCall,
            vec![Secretariat],
        ),
        (
            "bills/nothing",
            vec![("session_id", "SESSION")],
            BillStage::Bill,
            vec![LeadLiaison, LeadApprover, CoLiaison, Stranger],
        ),
        (
            "briefings/briefing",
            vec![("id", "BRIEFING")],
            BillStage::BriefingScheduled,
            vec![Secretariat, Reviewer, Admin],
        ),
        (
            "briefings/schedule",
            vec![
                ("form[session_id]", "SESSION"),
                ("form[caucus]", "晨光聯盟"),
                ("form[held_on]", "113/03/22"),
            ],
            BillStage::Bill,
            vec![Secretariat],
        ),
        (
            "briefings/bills",
            vec![("briefing_id", "BRIEFING"), ("bill_ids[]", "BILL")],
            BillStage::BriefingScheduled,
            vec![Secretariat],
        ),
        (
            "briefings/outcome",
            vec![
                ("briefing_id", "BRIEFING"),
                ("bill_ids[]", "BILL"),
                ("positions[]", "oppose"),
            ],
            BillStage::BriefingScheduled,
            vec![Secretariat],
        ),
        (
            "briefings/ask",
            vec![("briefing_id", "BRIEFING"), ("ask", "請說明")],
            BillStage::BriefingHeld,
            vec![Secretariat],
        ),
        (
            "briefings/file-ask",
            vec![
                ("briefing_id", "BRIEFING"),
                ("ask_id", "ASK"),
                ("councilor_id", "MEMBER"),
            ],
            BillStage::BriefingHeld,
            vec![Secretariat],
        ),
    ];
    let member: i64 =
        sqlx::query_scalar("SELECT id FROM councilors WHERE caucus = '青禾黨' ORDER BY id LIMIT 1")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    for (endpoint, fields, stage, allowed) in rows {
        let attempt = |who: Who, world: &BillWorld| {
            let form: Vec<(&str, String)> = fields
                .iter()
                .map(|(k, v)| {
                    let v = match *v {
                        "BILL" => world.bill.to_string(),
                        "VERSION" => world.version.to_string(),
                        "SESSION" => world.session.to_string(),
                        "BRIEFING" => world.briefing.to_string(),
                        "ASK" => world.ask.to_string(),
                        "MEMBER" => member.to_string(),
                        v => v.to_owned(),
                    };
                    (*k, v)
                })
                .collect();
            let app = &app;
            let client = cast.get(who).clone();
            async move {
                let mut form = form;
                for (_, v) in form.iter_mut() {
                    if v == "LEAD" {
                        *v = app.bureau("UDD").await.to_string();
                    }
                }
                app.call(&client, endpoint, &form).await.status()
            }
        };
        let world = bill_world(&app, &cast, stage).await;
        let before = bill_writes(&app).await;
        for who in EVERYONE.into_iter().filter(|w| !allowed.contains(w)) {
            // Each role is refused before anything is looked up or written.
            assert_eq!(
                attempt(who, &world).await,
                StatusCode::FORBIDDEN,
                "{endpoint} as {who:?}"
            );
        }
        assert_eq!(
            bill_writes(&app).await,
            before,
            "{endpoint}: a refused attempt wrote something"
        );
        for (i, who) in allowed.iter().enumerate() {
            // The first on the refused attempts' world, each other on one of its own.
            let world = if i == 0 {
                world
            } else {
                bill_world(&app, &cast, stage).await
            };
            assert_eq!(
                attempt(*who, &world).await,
                StatusCode::OK,
                "{endpoint} as {who:?}"
            );
        }
    }
}
