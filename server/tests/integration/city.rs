//! Another city: its government, council and liaison unit come from the settings, on every
//! page and document that names them.

use crate::{harness::TestApp, meetings::Cast};
use app::city::City;
use reqwest::StatusCode;

fn not_taipei(what: &str, text: &str) {
    assert!(
        !text.contains("臺北市政府") && !text.contains("臺北市議會"),
        "{what} names the demo city"
    );
}

#[tokio::test]
async fn another_city_names_itself_on_every_page_and_document() {
    let app = TestApp::spawn_for_city(City {
        government: "新北市政府".into(),
        council: "新北市議會".into(),
        liaison_unit: "研考會".into(),
        contact: "府會聯絡組 (02) 2960-3456 分機 8888".into(),
    })
    .await;
    let cast = Cast::new(&app).await;

    let login = app
        .page(&app.client(), "/login")
        .await
        .text()
        .await
        .unwrap();
    assert!(login.contains("新北市政府 府會聯絡與質詢追蹤系統"));
    not_taipei("the login page", &login);

    // The volume: its cover's issuing unit and its title's council.
    let answered = crate::meetings::tracked(&app, &cast, 5, "板橋車站轉乘", "UDD").await;
    let session = app.reference().await.session;
    let page = app
        .page(&cast.sec, &format!("/volume?session={session}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<p class="volume-council">新北市政府</p>"#));
    assert!(page.contains("新北市議會第14屆第3次定期大會"));
    not_taipei("the volume page", &page);
    let res = app
        .page(&cast.sec, &format!("/volume.odt?session={session}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let odt = server::documents::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    assert!(odt.contains("新北市政府") && odt.contains("新北市議會第14屆"));
    not_taipei("the volume ODT", &odt);

    // The follow-up meeting's agenda.
    let res = app
        .call(
            &cast.sec,
            "meetings/schedule",
            &[
                ("form[held_on]", "113/03/29".to_owned()),
                ("form[attendees]", "副秘書長".to_owned()),
            ],
        )
        .await;
    let meeting: i64 = res.json().await.unwrap();
    let res = app
        .page(&cast.sec, &format!("/meetings/{meeting}/agenda.odt"))
        .await;
    let agenda = server::documents::odt::check::package(&res.bytes().await.unwrap()).unwrap();
    assert!(agenda.contains("新北市政府追蹤會議議程（113年3月29日）"));
    not_taipei("the agenda", &agenda);

    // The councilor office's status page, its contact line, and the page for a dead link.
    let councilor = app.reference().await.councilors[0];
    let token = crate::links::link(&app, councilor, Some(answered), "113/12/31").await;
    let status = read(&app, &format!("/s/{token}")).await;
    assert!(status.contains("案件進度｜新北市政府</title>"), "{status}");
    assert!(status.contains("新北市政府研考會　府會聯絡"));
    assert!(status.contains("聯絡窗口：府會聯絡組 (02) 2960-3456 分機 8888"));
    not_taipei("the status page", &status);
    let dead = read(&app, &format!("/s/{}", "x".repeat(43))).await;
    assert!(dead.contains("請洽新北市政府研考會府會聯絡人員"));
    not_taipei("the dead link's page", &dead);
}

/// A page as a councilor office's browser gets it: no session.
async fn read(app: &TestApp, path: &str) -> String {
    let res = app.client().get(app.url(path)).send().await.unwrap();
    res.text().await.unwrap()
}
