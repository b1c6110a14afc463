//! The synonym table: the admin keeps it, the keyword search and similar questions read it,
//! and text pasted from a PDF is found as typed.

use crate::harness::TestApp;
use reqwest::Client;

async fn record(app: &TestApp, sec: &Client, number: i64, topic: &str, councilor: usize) -> i64 {
    let r = app.reference().await;
    let mut form = app.question_form(number, topic).await;
    form.retain(|(k, _)| *k != "form[councilor_ids][]");
    form.push(("form[councilor_ids][]", r.councilors[councilor].to_string()));
    app.ok(sec, "cases/record-question", &form)
        .await
        .parse()
        .unwrap()
}

async fn list(app: &TestApp, client: &Client, q: &str) -> String {
    let res = app
        .page(client, &format!("/cases?q={}", app::url::percent_encode(q)))
        .await;
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn similar(app: &TestApp, sec: &Client, topic: &str) -> Vec<i64> {
    let found: Vec<app::cases::search::SimilarCase> = app
        .call(sec, "cases/similar", &[("topic", topic.into())])
        .await
        .json()
        .await
        .unwrap();
    found.iter().map(|c| c.number).collect()
}

#[tokio::test]
async fn a_group_the_admin_adds_is_searched_at_once_and_marked_in_either_spelling() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let admin = app.signed_in("ko.admin", "admin", None).await;
    record(&app, &sec, 1, "微笑單車站點不足", 0).await;
    record(&app, &sec, 2, "YouBike 2.0 調度", 0).await;
    record(&app, &sec, 3, "公車路線調整", 0).await;

    let html = list(&app, &sec, "youbike").await;
    assert!(!html.contains("站點不足"), "no group yet");

    app.ok(
        &admin,
        "admin/synonyms/add",
        &[("words", "YouBike、微笑單車".into())],
    )
    .await;
    let html = list(&app, &sec, "youbike").await;
    assert!(html.contains("<mark>微笑單車</mark>站點不足"), "{html}");
    assert!(html.contains("<mark>YouBike</mark> 2.0 調度"), "{html}");
    assert!(!html.contains("公車路線調整"));
    // The other way round too, and typed in full width.
    let html = list(&app, &sec, "微笑單車").await;
    assert!(html.contains("<mark>YouBike</mark> 2.0 調度"), "{html}");
    let html = list(&app, &sec, "ＹｏｕＢｉｋｅ").await;
    assert!(html.contains("<mark>微笑單車</mark>站點不足"), "{html}");

    // The admin's page lists it; the change is in the audit log in words.
    let page = app
        .page(&admin, "/admin/synonyms")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("value=\"YouBike 微笑單車\""), "{page}");
    let audit = app.page(&admin, "/admin/audit").await.text().await.unwrap();
    assert!(audit.contains("同義詞：YouBike 微笑單車"), "{audit}");
}

#[tokio::test]
async fn the_every_day_groups_come_with_the_database_and_the_admin_rewrites_or_removes_them() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let admin = app.signed_in("ko.admin", "admin", None).await;
    record(&app, &sec, 1, "大同區社會住宅進度", 0).await;
    assert!(list(&app, &sec, "社宅")
        .await
        .contains("<mark>社會住宅</mark>"));

    let groups: Vec<app::synonyms::SynonymGroup> = app
        .call(&admin, "admin/synonyms", &[])
        .await
        .json()
        .await
        .unwrap();
    let housing = groups
        .iter()
        .find(|g| g.words.contains(&"社宅".to_owned()))
        .expect("社宅 is there from the start");
    app.ok(
        &admin,
        "admin/synonyms/save",
        &[
            ("id", housing.id.to_string()),
            ("words", "社宅 社會住宅 公宅".into()),
        ],
    )
    .await;
    assert!(list(&app, &sec, "公宅")
        .await
        .contains("<mark>社會住宅</mark>"));
    app.ok(
        &admin,
        "admin/synonyms/remove",
        &[("id", housing.id.to_string())],
    )
    .await;
    assert!(!list(&app, &sec, "社宅")
        .await
        .contains("大同區社會住宅進度"));
    let audit = app.page(&admin, "/admin/audit").await.text().await.unwrap();
    assert!(audit.contains("修改前：同義詞＝社宅 社會住宅"), "{audit}");
    assert!(audit.contains("刪除：社宅 社會住宅 公宅"), "{audit}");
}

#[tokio::test]
async fn a_group_of_one_word_or_with_a_word_of_another_group_is_refused_and_only_the_admin_may_edit(
) {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    let admin = app.signed_in("ko.admin", "admin", None).await;
    let res = app
        .call(&admin, "admin/synonyms/add", &[("words", "社宅".into())])
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("至少兩個"));
    let res = app
        .call(
            &admin,
            "admin/synonyms/add",
            &[("words", "公宅 社會住宅".into())],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("「社會住宅」已在另一組同義詞中"));
    for endpoint in [
        "admin/synonyms",
        "admin/synonyms/add",
        "admin/synonyms/remove",
    ] {
        let res = app
            .call(
                &sec,
                endpoint,
                &[("words", "甲 乙".into()), ("id", "1".into())],
            )
            .await;
        assert_eq!(res.status(), 403, "{endpoint}");
    }
    let groups: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM synonym_groups")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(groups, 4, "nothing was added or removed");
}

#[tokio::test]
async fn similar_questions_are_the_top_five_by_pieces_in_common_and_read_synonyms() {
    let app = TestApp::spawn().await;
    let sec = app.signed_in("chen.sec", "secretariat", None).await;
    // A compound topic's neighbours each share one half of it.
    record(&app, &sec, 1, "北投區社宅興建進度", 1).await;
    record(&app, &sec, 2, "北投區停車場規劃", 1).await;
    record(&app, &sec, 3, "北投區社會住宅興建進度", 1).await;
    record(&app, &sec, 4, "信義區公園綠地維護", 1).await;
    for n in 5..=10 {
        record(&app, &sec, n, &format!("第{n}次停車場收費檢討"), 1).await;
    }
    let found = similar(&app, &sec, "北投區社宅興建進度與停車場規劃").await;
    assert_eq!(found.len(), 5, "{found:?}");
    // Most pieces in common first: the same topic in either spelling (社會住宅 has more
    // pieces than 社宅, so it may rank first), then the parking half (北投區, 停車場規劃),
    // then two of the cases that share only 停車場.
    let mut same = found[..2].to_vec();
    same.sort();
    assert_eq!(same, [1, 3], "{found:?}");
    assert_eq!(found[2], 2, "{found:?}");
    assert!(!found.contains(&4), "nothing in common");

    // Text pasted from a PDF with a Kangxi radical (⾞ U+2F9E for 車) finds the same.
    let pasted = "北投區停\u{2F9E}場規劃";
    assert_eq!(similar(&app, &sec, pasted).await.first(), Some(&2));
    let html = list(&app, &sec, "停\u{2F9E}場").await;
    assert!(html.contains("北投區<mark>停車場</mark>規劃"), "{html}");
}
