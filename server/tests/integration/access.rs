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
    Unassigned,
    Assigned,
    InProgress,
    AwaitingSignOff,
    SignedOff,
    InReview,
    Tracking,
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

async fn case_at(app: &TestApp, cast: &Cast, stage: Stage) -> i64 {
    let sec = cast.get(Who::Secretariat);
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
            let expected = if bureau && !has_part {
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
    for who in EVERYONE {
        let res = app
            .call(cast.get(who), "cases/record-question", &form)
            .await;
        let expected = if who == Who::Secretariat {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(res.status(), expected, "{who:?}");
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
