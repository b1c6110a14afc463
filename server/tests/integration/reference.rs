//! Reference data the admin keeps: sessions, councilors, bureaus, sitting types, and which
//! bureau a bureau user belongs to.

use crate::harness::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn an_admin_adds_a_session_a_councilor_and_a_bureau_and_they_appear_in_the_forms() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let term: i64 = sqlx::query_scalar("SELECT id FROM council_terms WHERE number = 14")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    // Read once before the changes: the server keeps the lists, and must let them go.
    let before: app::reference::Choices =
        app.call(&sec, "choices", &[]).await.json().await.unwrap();
    assert!(!before.councilors.iter().any(|c| c.1 == "周示範"));

    app.ok(
        &admin,
        "admin/reference/session",
        &[
            ("term_id", term.to_string()),
            ("kind", "extraordinary".into()),
            ("number", "1".into()),
            ("starts_on", "113/07/01".into()),
            ("ends_on", "113/07/12".into()),
        ],
    )
    .await;
    app.ok(
        &admin,
        "admin/reference/councilor",
        &[
            ("term_id", term.to_string()),
            ("name", "周示範".into()),
            ("party", "青禾黨".into()),
            ("caucus", "青禾黨團".into()),
            ("district", "示範第七選區".into()),
        ],
    )
    .await;
    app.ok(
        &admin,
        "admin/reference/bureau",
        &[
            ("code", "tpmo".into()),
            ("name", "臺北市示範管理處".into()),
            ("short_name", "示範處".into()),
        ],
    )
    .await;
    app.ok(
        &admin,
        "admin/reference/sitting-type",
        &[("name", "臨時動議".into())],
    )
    .await;

    let choices: app::reference::Choices =
        app.call(&sec, "choices", &[]).await.json().await.unwrap();
    assert_eq!(choices.sessions[0].1, "第14屆第1次臨時會");
    assert!(choices.councilors.iter().any(|c| c.1 == "周示範"));
    assert!(choices.bureaus.iter().any(|b| b.1 == "臺北市示範管理處"));
    assert!(choices.sitting_types.iter().any(|t| t.1 == "臨時動議"));

    // Duplicates are refused on the field that clashes.
    let res = app
        .call(
            &admin,
            "admin/reference/bureau",
            &[
                ("code", "TPMO".into()),
                ("name", "別的名字".into()),
                ("short_name", "別".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: app::error::AppError = res.json().await.unwrap();
    assert!(err.field_message("code").is_some());
    let res = app
        .call(
            &admin,
            "admin/reference/councilor",
            &[("term_id", term.to_string()), ("name", "周示範".into())],
        )
        .await;
    let err: app::error::AppError = res.json().await.unwrap();
    assert!(err.field_message("name").is_some());

    let page = app
        .page(&admin, "/admin/reference")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("第14屆第1次臨時會")
            && page.contains("113/07/12")
            && page.contains("示範第七選區")
    );
}

#[tokio::test]
async fn a_retired_councilor_leaves_the_pickers_but_stays_on_old_cases() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let id = app.record_question(&sec, 1, "舊案").await;
    let r = app.reference().await;
    let before: app::reference::Choices =
        app.call(&sec, "choices", &[]).await.json().await.unwrap();
    assert!(before.councilors.iter().any(|c| c.0 == r.councilors[0]));
    app.ok(
        &admin,
        "admin/reference/active",
        &[
            ("kind", "councilor".into()),
            ("id", r.councilors[0].to_string()),
        ],
    )
    .await;
    let choices: app::reference::Choices =
        app.call(&sec, "choices", &[]).await.json().await.unwrap();
    assert!(!choices.councilors.iter().any(|c| c.0 == r.councilors[0]));
    assert_eq!(app.case(&sec, id).await.councilors.len(), 2);
    app.ok(
        &admin,
        "admin/reference/active",
        &[
            ("kind", "councilor".into()),
            ("id", r.councilors[0].to_string()),
            ("active", "1".into()),
        ],
    )
    .await;
    let choices: app::reference::Choices =
        app.call(&sec, "choices", &[]).await.json().await.unwrap();
    assert!(choices.councilors.iter().any(|c| c.0 == r.councilors[0]));

    let res = app
        .call(
            &sec,
            "admin/reference/active",
            &[("kind", "bureau".into()), ("id", "1".into())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .call(
            &admin,
            "admin/reference/active",
            &[("kind", "users".into()), ("id", "1".into())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_bureau_user_moved_to_another_bureau_sees_that_bureaus_cases() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let liaison = app
        .signed_in("ho.liaison", "bureau_liaison", Some("UDD"))
        .await;
    let id = app.record_question(&sec, 1, "交通局的案").await;
    app.assign(&sec, id, "DOT", &[]).await;
    assert_eq!(
        app.call(&liaison, "cases/detail", &[("id", id.to_string())])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'ho.liaison'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    app.ok(
        &admin,
        "admin/users/bureau",
        &[
            ("user_id", user.to_string()),
            ("bureau_id", app.bureau("DOT").await.to_string()),
        ],
    )
    .await;
    assert_eq!(
        app.call(&liaison, "cases/detail", &[("id", id.to_string())])
            .await
            .status(),
        StatusCode::OK
    );

    // A city-wide user has no bureau to move.
    let sec_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'chen.sec'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let res = app
        .call(
            &admin,
            "admin/users/bureau",
            &[
                ("user_id", sec_id.to_string()),
                ("bureau_id", app.bureau("DOT").await.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_admin_corrects_a_session_a_councilor_and_a_bureau() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root.admin", "admin", None).await;
    let data: app::reference::ReferenceData = app
        .call(&admin, "admin/reference", &[])
        .await
        .json()
        .await
        .unwrap();
    let session = &data.sessions[0];
    let councilor = &data.councilors[0];
    let udd = data.bureaus.iter().find(|b| b.code == "UDD").unwrap();

    app.ok(
        &admin,
        "admin/reference/session/update",
        &[
            ("id", session.id.to_string()),
            ("term_id", session.term_id.to_string()),
            ("kind", "regular".into()),
            ("number", "3".into()),
            ("starts_on", "113/03/05".into()),
            ("ends_on", "113/06/10".into()),
        ],
    )
    .await;
    app.ok(
        &admin,
        "admin/reference/councilor/update",
        &[
            ("id", councilor.id.to_string()),
            ("term_id", councilor.term_id.to_string()),
            ("name", councilor.name.clone()),
            ("party", "無黨籍".into()),
            ("caucus", "".into()),
            ("district", "示範第一選區".into()),
        ],
    )
    .await;
    app.ok(
        &admin,
        "admin/reference/bureau/update",
        &[
            ("id", udd.id.to_string()),
            ("code", "UDD".into()),
            ("name", "都市發展局".into()),
            ("short_name", "都發".into()),
        ],
    )
    .await;
    // Taking another bureau's code is refused on the code field.
    let res = app
        .call(
            &admin,
            "admin/reference/bureau/update",
            &[
                ("id", udd.id.to_string()),
                ("code", "DOT".into()),
                ("name", "都市發展局".into()),
                ("short_name", "都發".into()),
            ],
        )
        .await;
    let err: app::error::AppError = res.json().await.unwrap();
    assert!(err.field_message("code").is_some());

    let after: app::reference::ReferenceData = app
        .call(&admin, "admin/reference", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after.sessions[0].ends_on.to_string(), "2024-06-10");
    let c = after
        .councilors
        .iter()
        .find(|c| c.id == councilor.id)
        .unwrap();
    assert_eq!((c.party.as_str(), c.caucus.as_str()), ("無黨籍", ""));
    assert_eq!(
        after
            .bureaus
            .iter()
            .find(|b| b.id == udd.id)
            .unwrap()
            .short_name,
        "都發"
    );
    let res = app
        .call(
            &admin,
            "admin/reference/session/update",
            &[
                ("id", "4242".into()),
                ("term_id", session.term_id.to_string()),
                ("kind", "regular".into()),
                ("number", "9".into()),
                ("starts_on", "113/03/05".into()),
                ("ends_on", "113/06/10".into()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
