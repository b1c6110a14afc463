//! Councilor offices file data requests and service cases through their status links; the
//! secretariat takes them in or refuses them; service cases keep the constituent's personal
//! data from everyone who need not see it, and forget it after the retention period.

use crate::{harness::TestApp, links::link, meetings::Cast};
use app::{
    cases::{events::ActorKind, CaseStatus},
    service::PersonalView,
};
use reqwest::{multipart, redirect, Client, StatusCode};

/// A client that does not follow redirects, as an office's browser is seen by the server.
fn office() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

fn data_request_form(topic: &str) -> multipart::Form {
    multipart::Form::new()
        .text("topic", topic.to_owned())
        .text("body", "近三年各區路燈維護經費與件數。")
        .text("priority", "urgent")
        .text("contact", "助理 王小明 0912-000-111")
}

fn service_form(topic: &str) -> multipart::Form {
    service_form_in("6", topic)
}

fn service_form_in(category: &str, topic: &str) -> multipart::Form {
    multipart::Form::new()
        .text("category_id", category.to_owned())
        .text("topic", topic.to_owned())
        .text("body", "巷口路燈三盞不亮已兩週，夜間行人不便。")
        .text("district", "北投區")
        .text("address", "石牌路二段 90 巷口")
        .text("contact", "助理 林小姐 02-2822-0000")
        .text("constituent_name", "黃美玲")
        .text("constituent_phone", "0933-456-789")
}

/// Posts a filing; returns the answer.
async fn file(app: &TestApp, token: &str, kind: &str, form: multipart::Form) -> reqwest::Response {
    office()
        .post(app.url(&format!("/s/{token}/new/{kind}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Files and follows the answer back to the new case's id.
async fn filed(app: &TestApp, token: &str, kind: &str, form: multipart::Form) -> i64 {
    let res = file(app, token, kind, form).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let to = crate::harness::location(&res).unwrap();
    assert!(to.starts_with(&format!("/s/{token}?filed=")), "{to}");
    to.split("filed=")
        .nth(1)
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn status_page(app: &TestApp, token: &str) -> String {
    office()
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_office_files_a_data_request_with_a_file_and_the_secretariat_takes_it_in_and_assigns_it()
{
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let councilor = app.reference().await.councilors[0];
    let token = link(&app, councilor, None, "115/12/24").await;

    let page = status_page(&app, &token).await;
    assert!(
        page.contains(&format!("href=\"/s/{token}/new/data-request\"")),
        "{page}"
    );
    let form = office()
        .get(app.url(&format!("/s/{token}/new/data-request")))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    assert_eq!(form.headers()["cache-control"], "no-store");
    assert!(form.text().await.unwrap().contains("今天還可送出 10 件"));

    let with_file = data_request_form("路燈維護經費").part(
        "files",
        multipart::Part::bytes("區別,經費\n北投,100\n".as_bytes().to_vec())
            .file_name("參考格式.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let id = filed(&app, &token, "data-request", with_file).await;
    let page = office()
        .get(app.url(&format!("/s/{token}?filed={id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("已送出「路燈維護經費」"), "{page}");
    assert!(page.contains("已送出，待受理"), "{page}");

    // The secretariat finds it waiting, recorded by the office's link.
    let case = app.case(&cast.sec, id).await;
    assert_eq!(case.status, CaseStatus::Filed);
    assert_eq!(case.timeline.last().unwrap().actor_kind, ActorKind::Link);
    let filing = case.filing.clone().unwrap();
    assert_eq!(filing.contact, "助理 王小明 0912-000-111");
    assert!(case.can_decide_filing);
    assert!(
        case.actions.is_empty(),
        "nothing but taking it in, until it is"
    );
    // The secretariat, and only it, hears of it.
    let told: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.role, n.kind FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.case_id = $1",
    )
    .bind(id)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(told, vec![("secretariat".into(), "office_filed".into())]);
    let queues = app.ok(&cast.sec, "cases/queues", &[]).await;
    assert!(queues.contains("議員辦公室送件待受理") && queues.contains("路燈維護經費"));
    // Its file: the secretariat downloads it; a bureau with no part in it cannot.
    let file_id = filing.files[0].0;
    let got = app
        .page(&cast.sec, &format!("/filings/files/{file_id}"))
        .await;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.text().await.unwrap(), "區別,經費\n北投,100\n");
    let theirs = app
        .page(&cast.udd, &format!("/filings/files/{file_id}"))
        .await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);

    // Only the secretariat decides; then it is a case like any other.
    let res = app
        .call(&cast.dot, "filings/take-in", &[("case_id", id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    app.ok(&cast.sec, "filings/take-in", &[("case_id", id.to_string())])
        .await;
    let again = app
        .call(&cast.sec, "filings/take-in", &[("case_id", id.to_string())])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(app.case(&cast.sec, id).await.status, CaseStatus::Unassigned);
    app.assign(&cast.sec, id, "DOT", &[]).await;
    let page = status_page(&app, &token).await;
    assert!(page.contains("已收件") && page.contains("交通局"), "{page}");
}

#[tokio::test]
async fn a_refused_filing_shows_its_reason_to_the_office_and_counts_in_no_report() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let councilor = app.reference().await.councilors[1];
    let token = link(&app, councilor, None, "115/12/24").await;
    let id = filed(&app, &token, "service", service_form("石牌路口路燈不亮")).await;
    let res = app
        .call(
            &cast.sec,
            "filings/refuse",
            &[("case_id", id.to_string()), ("reason", "  ".into())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.ok(
        &cast.sec,
        "filings/refuse",
        &[
            ("case_id", id.to_string()),
            ("reason", "已由 1999 市民專線受理，案號 A113-0042。".into()),
        ],
    )
    .await;
    let case = app.case(&cast.sec, id).await;
    assert_eq!(case.status, CaseStatus::Refused);
    assert!(!case.can_decide_filing);
    let page = status_page(&app, &token).await;
    assert!(
        page.contains("不受理理由") && page.contains("A113-0042"),
        "{page}"
    );
    // Neither the refused case nor anything else of the office counts as the city's case.
    app::reports::db::rollup::refresh(&app.state.db)
        .await
        .unwrap();
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM report_facts WHERE case_id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(counted, 0);
}

#[tokio::test]
async fn a_link_files_at_most_its_daily_limit_and_not_at_all_once_switched_off() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let councilor = app.reference().await.councilors[0];
    let token = link(&app, councilor, None, "115/12/24").await;
    app.ok(
        &cast.sec,
        "filings/per-day/save",
        &[("per_day", "2".into())],
    )
    .await;
    filed(&app, &token, "data-request", data_request_form("第一件")).await;
    filed(&app, &token, "data-request", data_request_form("第二件")).await;
    let third = file(&app, &token, "data-request", data_request_form("第三件")).await;
    assert_eq!(third.status(), StatusCode::CONFLICT);
    let body = third.text().await.unwrap();
    assert!(
        body.contains("已達每日上限") && body.contains("第三件"),
        "{body}"
    );
    // The next day the link files again.
    cast.days_later(&app, 1).await;
    filed(&app, &token, "data-request", data_request_form("隔日一件")).await;

    // Switched off by the secretariat: no links on the page, the form and the post refused.
    let link_id: i64 = sqlx::query_scalar("SELECT id FROM status_links ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    app.ok(
        &cast.sec,
        "filings/switch",
        &[("link", link_id.to_string())],
    )
    .await;
    assert!(!status_page(&app, &token)
        .await
        .contains("/new/data-request"));
    let form = office()
        .get(app.url(&format!("/s/{token}/new/service")))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    let post = file(&app, &token, "service", service_form("不該送出")).await;
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
    // A link to one case never files.
    let one = crate::meetings::tracked(&app, &cast, 3, "單案連結", "UDD").await;
    let one_case = link(&app, councilor, Some(one), "115/12/24").await;
    let post = file(
        &app,
        &one_case,
        "data-request",
        data_request_form("不該送出"),
    )
    .await;
    assert_eq!(post.status(), StatusCode::FORBIDDEN);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE topic = '不該送出'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(count, 0);
    // And a bureau cannot switch a link.
    let res = app
        .call(
            &cast.dot,
            "filings/switch",
            &[("link", link_id.to_string()), ("on", "on".into())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_office_form_with_mistakes_comes_back_with_each_one_and_what_was_typed_escaped() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let councilor = app.reference().await.councilors[0];
    let token = link(&app, councilor, None, "115/12/24").await;
    let evil = "<img src=x onerror=alert(1)>";
    let form = multipart::Form::new()
        .text("topic", evil)
        .text("constituent_phone", "請打給我");
    let res = file(&app, &token, "service", form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = res.text().await.unwrap();
    assert!(!body.contains("<img"), "{body}");
    assert!(
        body.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{body}"
    );
    for words in ["請選擇案件類別。", "請輸入陳情事項。", "電話請填數字"] {
        assert!(body.contains(words), "{words}: {body}");
    }
    // What the office types reaches officers escaped too.
    let id = filed(&app, &token, "data-request", data_request_form(evil)).await;
    let page = app
        .page(&cast.sec, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains(evil) && page.contains("&lt;img src=x"),
        "{page}"
    );
}

/// A service case recorded by the secretariat from a phone call, for `councilor`.
async fn service_case(app: &TestApp, cast: &Cast, councilor: i64, topic: &str) -> i64 {
    let r = app.reference().await;
    app.ok(
        &cast.sec,
        "service/record",
        &[
            ("form[session_id]", r.session.to_string()),
            ("form[councilor_id]", councilor.to_string()),
            ("form[received_at]", "113/03/18 10:30".into()),
            ("form[category_id]", "2".into()),
            ("form[topic]", topic.into()),
            ("form[body]", "公車站牌遷移後，長者候車處無遮蔭。".into()),
            ("form[district]", "士林區".into()),
            ("form[address]", "中正路 300 號前".into()),
            ("form[office_contact]", "助理 張先生".into()),
            ("form[constituent_name]", "蔡阿嬤".into()),
            ("form[constituent_phone]", "02-2881-0000".into()),
        ],
    )
    .await
    .parse()
    .unwrap()
}

#[tokio::test]
async fn a_constituents_name_and_phone_reach_the_secretariat_and_the_assigned_bureau_only() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let councilor = app.reference().await.councilors[0];
    let id = service_case(&app, &cast, councilor, "公車站遮雨棚").await;
    let case = app.case(&cast.sec, id).await;
    assert_eq!(case.kind, app::cases::CaseKind::Service);
    // Seven working days from Monday 113/03/18.
    assert_eq!(case.due_on.to_string(), "2024-03-27");
    let facts = case.service.unwrap();
    assert_eq!(facts.category, "交通");
    assert!(matches!(&facts.constituent, PersonalView::Shown(p) if p.phone == "02-2881-0000"));
    app.assign(&cast.sec, id, "DOT", &[]).await;
    let dot = app.case(&cast.dot, id).await.service.unwrap();
    assert!(matches!(dot.constituent, PersonalView::Shown(_)));
    let rev = app.case(&cast.rev, id).await.service.unwrap();
    assert_eq!(rev.constituent, PersonalView::Withheld);
    let res = app
        .call(&cast.udd, "cases/detail", &[("id", id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Never in an event, on the status page or in the case list's download.
    let events: Vec<String> = sqlx::query_scalar("SELECT data FROM case_events WHERE case_id = $1")
        .bind(id)
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert!(events.iter().all(|e| !e.contains("蔡阿嬤")), "{events:?}");
    let token = link(&app, councilor, None, "115/12/24").await;
    let page = status_page(&app, &token).await;
    assert!(page.contains("公車站遮雨棚"), "{page}");
    assert!(!page.contains("蔡阿嬤") && !page.contains("2881"), "{page}");
    let csv = app
        .page(&cast.sec, &format!("/cases.csv?ids[]={id}&ticked=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("公車站遮雨棚") && !csv.contains("蔡阿嬤"),
        "{csv}"
    );
    let html = app
        .page(&cast.dot, &format!("/cases/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("蔡阿嬤") && html.contains("中正路 300 號前"),
        "{html}"
    );
}

#[tokio::test]
async fn personal_data_is_deleted_once_a_closed_service_case_has_rested_for_the_retention_period() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let admin = app.signed_in("admin.it", "admin", None).await;
    app.ok(
        &admin,
        "admin/personal-data-days/save",
        &[("days", "30".into())],
    )
    .await;
    let refused = app
        .call(
            &cast.sec,
            "admin/personal-data-days/save",
            &[("days", "40".into())],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let councilor = app.reference().await.councilors[0];
    let open = service_case(&app, &cast, councilor, "仍在辦理").await;
    let id = service_case(&app, &cast, councilor, "已結案").await;
    app.assign(&cast.sec, id, "DOT", &[]).await;
    app.ok(&cast.dot, "cases/accept", &[("case_id", id.to_string())])
        .await;
    let version = app.case(&cast.dot, id).await.reply_version;
    let res = app
        .save_reply(&cast.dot, id, version, "已於 3 月 20 日增設候車亭遮雨棚。")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    for (who, step) in [
        (&cast.dot, "submit"),
        (&cast.dot_boss, "sign_off"),
        (&cast.sec, "pass_to_review"),
        (&cast.rev, "approve"),
    ] {
        assert_eq!(
            app.step(who, id, step, "").await.status(),
            StatusCode::OK,
            "{step}"
        );
    }
    assert_eq!(app.case(&cast.sec, id).await.status, CaseStatus::Closed);
    // The report counts them by category, as a full recount does.
    let pool = &app.state.db;
    app::reports::db::rollup::refresh(pool).await.unwrap();
    let march = app::reports::Range {
        from: chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
    };
    let today = app.state.today();
    let kept = app::reports::db::figures::report(pool, march, today)
        .await
        .unwrap();
    let full = app::reports::compute(
        &app::reports::db::recount(pool).await.unwrap(),
        march,
        today,
    );
    assert_eq!(kept, full);
    let traffic = &kept.categories[0];
    assert_eq!(
        (
            traffic.category.as_str(),
            traffic.cases,
            traffic.replied,
            traffic.open
        ),
        ("交通", 2, 1, 1)
    );
    assert_eq!(kept.bureaus[0].service_cases, 1);
    let today = app.state.today();
    let now = app.state.now().timestamp();
    let removed = app::service::db::remove_expired(&app.state.db, now, today)
        .await
        .unwrap();
    assert_eq!(removed, 0, "not before the period has passed");

    cast.days_later(&app, 30).await;
    let (now, today) = (app.state.now().timestamp(), app.state.today());
    let removed = app::service::db::remove_expired(&app.state.db, now, today)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    let kept: Vec<i64> = sqlx::query_scalar("SELECT case_id FROM service_personal_data")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(kept, vec![open], "an open case keeps its constituent");
    let case = app.case(&cast.sec, id).await;
    assert_eq!(
        case.service.unwrap().constituent,
        PersonalView::Removed(today)
    );
    let last = case.timeline.first().unwrap();
    assert_eq!(last.action, "personal_data_removed");
    assert_eq!(last.actor_kind, ActorKind::System);
    // Run again, nothing more to do.
    let again = app::service::db::remove_expired(&app.state.db, now, today)
        .await
        .unwrap();
    assert_eq!(again, 0);
}

#[tokio::test]
async fn the_lead_bureau_schedules_a_site_inspection_and_the_office_reads_its_day_and_outcome() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let councilor = app.reference().await.councilors[0];
    let id = service_case(&app, &cast, councilor, "人行道高低差").await;
    let (dot, pwd) = (app.bureau("DOT").await, app.bureau("PWD").await);
    let visit = |who: &'static str| {
        let app = &app;
        let cast = &cast;
        async move {
            let client = match who {
                "sec" => &cast.sec,
                "dot" => &cast.dot,
                "udd" => &cast.udd,
                _ => &cast.rev,
            };
            app.call(
                client,
                "service/visit",
                &[
                    ("case_id", id.to_string()),
                    ("kind", "inspection".into()),
                    ("held_on", "113/03/22".into()),
                    ("starts_at", "14:00".into()),
                    ("place", "中正路 300 號前".into()),
                    ("bureau[]", dot.to_string()),
                    ("attendees[]", "交通局 王科長".into()),
                    ("bureau[]", pwd.to_string()),
                    ("attendees[]", "工務局 李股長".into()),
                ],
            )
            .await
            .status()
        }
    };
    // Before assignment only the secretariat arranges; a bureau without the lead may not.
    app.assign(&cast.sec, id, "DOT", &[]).await;
    assert_eq!(visit("udd").await, StatusCode::NOT_FOUND);
    assert_eq!(visit("rev").await, StatusCode::FORBIDDEN);
    assert_eq!(visit("dot").await, StatusCode::OK);
    let case = app.case(&cast.sec, id).await;
    let facts = case.service.unwrap();
    let v = &facts.visits[0];
    assert_eq!(v.starts_at, "14:00");
    assert_eq!(v.bureaus.len(), 2);
    assert_eq!(case.timeline[0].action, "schedule_visit");
    let refused = app
        .call(
            &cast.dot,
            "service/visit",
            &[
                ("case_id", id.to_string()),
                ("kind", "coordination".into()),
                ("held_on", "明天".into()),
                ("place", "".into()),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.ok(
        &cast.dot,
        "service/visit-outcome",
        &[
            ("visit_id", v.id.to_string()),
            (
                "outcome",
                "現場確認高低差約 5 公分，工務局將於 4 月上旬整平。".into(),
            ),
        ],
    )
    .await;
    let twice = app
        .call(
            &cast.dot,
            "service/visit-outcome",
            &[
                ("visit_id", v.id.to_string()),
                ("outcome", "再記一次".into()),
            ],
        )
        .await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    let token = link(&app, councilor, None, "115/12/24").await;
    let page = status_page(&app, &token).await;
    assert!(
        page.contains("會勘 113/03/22 14:00，中正路 300 號前"),
        "{page}"
    );
    assert!(page.contains("4 月上旬整平"), "{page}");
    assert!(
        !page.contains("王科長"),
        "officers' names stay inside: {page}"
    );
}

#[tokio::test]
async fn the_admin_keeps_the_categories_and_a_retired_one_leaves_the_forms_but_not_old_cases() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let admin = app.signed_in("admin.it", "admin", None).await;
    let id: i64 = app
        .ok(
            &admin,
            "admin/reference/service-category",
            &[("name", "路樹".into())],
        )
        .await
        .parse()
        .unwrap();
    let twice = app
        .call(
            &admin,
            "admin/reference/service-category",
            &[("name", "路樹".into())],
        )
        .await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let by_sec = app
        .call(
            &cast.sec,
            "admin/reference/service-category",
            &[("name", "雜項".into())],
        )
        .await;
    assert_eq!(by_sec.status(), StatusCode::FORBIDDEN);
    let councilor = app.reference().await.councilors[0];
    let token = link(&app, councilor, None, "115/12/24").await;
    let form = office()
        .get(app.url(&format!("/s/{token}/new/service")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains(&format!("<option value=\"{id}\">路樹</option>")),
        "{form}"
    );
    app.ok(
        &admin,
        "admin/reference/active",
        &[("kind", "service_category".into()), ("id", id.to_string())],
    )
    .await;
    let form = office()
        .get(app.url(&format!("/s/{token}/new/service")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!form.contains("路樹"), "{form}");
    let retired = file(
        &app,
        &token,
        "service",
        service_form_in(&id.to_string(), "行道樹傾倒"),
    )
    .await;
    assert_eq!(retired.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
