//! Grouped and referral answers: questions on one subject answered by one reply, approved
//! together and printed once in the volume; a question answered by referring to the
//! bureau's own approved answer within the admin's window; the similar-case list offers
//! both; each way in refused to those it is not for.

use crate::{harness::TestApp, meetings::Cast};
use app::grouping::ShareKind;
use reqwest::{Client, StatusCode};

async fn link(app: &TestApp, who: &Client, how: &str, case: i64, other: i64) -> StatusCode {
    app.call(
        who,
        &format!("replies/{how}"),
        &[
            ("case_id", case.to_string()),
            ("other_id", other.to_string()),
        ],
    )
    .await
    .status()
}

/// A question recorded and accepted by `lead`'s liaison: being written.
async fn written(app: &TestApp, cast: &Cast, number: i64, topic: &str, lead: &str) -> i64 {
    let id = app.record_question(&cast.sec, number, topic).await;
    app.assign(&cast.sec, id, lead, &[]).await;
    let liaison = if lead == "UDD" { &cast.udd } else { &cast.dot };
    app.ok(liaison, "cases/accept", &[("case_id", id.to_string())])
        .await;
    id
}

#[tokio::test]
async fn grouped_questions_are_answered_once_approved_together_and_printed_once() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let anchor = written(&app, &cast, 5, "信義計畫區停車位不足", "UDD").await;
    let member = written(&app, &cast, 6, "信義計畫區停車位規劃", "UDD").await;
    let elsewhere = written(&app, &cast, 7, "信義計畫區停車位收費", "DOT").await;

    // The similar-case list offers the bureau to group its own question under this one.
    let page = app.case(&cast.udd, anchor).await;
    assert!(
        page.share_offers
            .iter()
            .any(|o| o.case_id == member && o.kind == ShareKind::Grouped),
        "{:?}",
        page.share_offers
    );
    assert!(page.share_offers.iter().all(|o| o.case_id != elsewhere));

    // Refused: another bureau's question, a bureau with no part, the secretariat.
    assert_eq!(
        link(&app, &cast.udd, "group", anchor, elsewhere).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        link(&app, &cast.dot, "group", anchor, member).await,
        StatusCode::NOT_FOUND
    );
    let admin = app.signed_in("root.admin", "admin", None).await;
    for who in [&cast.sec, &cast.rev, &admin] {
        assert_eq!(
            link(&app, who, "group", anchor, member).await,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        link(&app, &cast.udd, "group", anchor, member).await,
        StatusCode::OK
    );
    assert_eq!(
        link(&app, &cast.udd, "group", member, anchor).await,
        StatusCode::CONFLICT,
        "a grouped question is not an anchor"
    );

    // The member's reply is written on the anchor: its own editor is gone and refused.
    let m = app.case(&cast.udd, member).await;
    let through = m.shared.as_ref().unwrap().through.as_ref().unwrap();
    assert_eq!(
        (through.case_id, through.kind),
        (anchor, ShareKind::Grouped)
    );
    assert!(!m.can(app::cases::workflow::Action::EditReply));
    assert_eq!(
        app.save_reply(&cast.udd, member, m.reply_version, "自行答復")
            .await
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(m.timeline[0].action, "reply_grouped");
    let a = app.case(&cast.udd, anchor).await;
    assert_eq!(a.shared.as_ref().unwrap().members[0].case_id, member);

    // Approved on the anchor: the member is approved with the same reply, its office told.
    let reply = "信義計畫區將增設立體停車場一處，預計 115 年完工。";
    assert_eq!(
        app.save_reply(&cast.udd, anchor, a.reply_version, reply)
            .await
            .status(),
        StatusCode::OK
    );
    for (who, step) in [
        (&cast.udd, "submit"),
        (&cast.udd_boss, "sign_off"),
        (&cast.sec, "pass_to_review"),
        (&cast.rev, "approve"),
    ] {
        assert_eq!(
            app.step(who, anchor, step, "").await.status(),
            StatusCode::OK
        );
    }
    let m = app.case(&cast.sec, member).await;
    assert_eq!(m.status, app::cases::CaseStatus::Closed);
    assert_eq!(m.reply, reply);
    assert_eq!(m.timeline[0].action, "approve");
    let told: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM office_notices WHERE case_id = $1 AND reason = 'answered'",
    )
    .bind(member)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(told, 1);
    assert_eq!(
        app.call(
            &cast.udd,
            "replies/unlink",
            &[("case_id", member.to_string())]
        )
        .await
        .status(),
        StatusCode::CONFLICT,
        "answered: the grouping stands"
    );

    // The volume prints the reply once, under the anchor, and both say so.
    let session = app.reference().await.session;
    let volume = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(volume.matches(reply).count(), 1, "{volume}");
    assert!(volume.contains("本答復併同答復：質詢 第 6 號。"));
    assert!(volume.contains("本題與質詢 第 5 號併案答復，答復內容見該題。"));
}

#[tokio::test]
async fn a_question_refers_to_the_bureaus_approved_answer_only_within_the_admins_window() {
    let app = TestApp::spawn().await;
    let cast = Cast::new(&app).await;
    let source = crate::meetings::tracked(&app, &cast, 5, "信義計畫區停車位不足", "UDD").await;
    let later = written(&app, &cast, 6, "信義計畫區停車位不足問題", "UDD").await;
    let admin = app.signed_in("root.admin", "admin", None).await;

    // Offered in the similar-case list; refused to others and past the window.
    let page = app.case(&cast.udd, later).await;
    assert!(page
        .share_offers
        .iter()
        .any(|o| o.case_id == source && o.kind == ShareKind::Referral));
    assert_eq!(
        link(&app, &cast.dot, "refer", later, source).await,
        StatusCode::NOT_FOUND
    );
    let months = |m: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            app.call(
                admin,
                "admin/referral-window/save",
                &[("months", m.to_owned())],
            )
            .await
        }
    };
    assert_eq!(months("0").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.call(
            &cast.sec,
            "admin/referral-window/save",
            &[("months", "1".into())]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(months("1").await.status(), StatusCode::OK);
    cast.days_later(&app, 40).await;
    let res = app
        .call(
            &cast.udd,
            "replies/refer",
            &[
                ("case_id", later.to_string()),
                ("other_id", source.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("1 個月"));
    assert!(app.case(&cast.udd, later).await.share_offers.is_empty());

    // Within the window: the reply quotes the earlier answer, reviewed as any reply.
    app.login(&admin, "root.admin", crate::harness::PASSWORD)
        .await;
    assert_eq!(months("24").await.status(), StatusCode::OK);
    assert_eq!(
        link(&app, &cast.udd, "refer", later, source).await,
        StatusCode::OK
    );
    let c = app.case(&cast.udd, later).await;
    assert!(
        c.reply.starts_with("本案所詢事項，業於中華民國"),
        "{}",
        c.reply
    );
    assert!(c.reply.contains("以質詢 第 5 號答復"));
    assert!(c.reply.ends_with("已研議改善方案，持續辦理。"));
    assert!(c.can(app::cases::workflow::Action::EditReply));
    assert_eq!(c.timeline[0].action, "reply_referred");
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'replies_linked'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);

    // Undone while written: the quoted text stays for the bureau to edit.
    assert_eq!(
        app.call(
            &cast.udd,
            "replies/unlink",
            &[("case_id", later.to_string())]
        )
        .await
        .status(),
        StatusCode::OK
    );
    let c = app.case(&cast.udd, later).await;
    assert!(c.shared.is_none());
    assert!(c.reply.contains("以質詢 第 5 號答復"));
    assert_eq!(c.timeline[0].action, "reply_unlinked");
}
