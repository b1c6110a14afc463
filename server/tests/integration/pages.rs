use crate::harness::{location, TestApp};
use reqwest::StatusCode;

#[tokio::test]
async fn the_login_page_is_served_in_traditional_chinese() {
    let app = TestApp::spawn().await;
    let res = app.page(&app.client(), "/login").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains(r#"lang="zh-Hant-TW""#));
    assert!(body.contains("帳號") && body.contains("密碼") && body.contains("登入"));
}

#[tokio::test]
async fn someone_not_signed_in_is_sent_to_the_login_page() {
    let app = TestApp::spawn().await;
    for path in ["/", "/admin/users"] {
        let res = app.page(&app.client(), path).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&res).as_deref(), Some("/login"), "{path}");
    }
}

#[tokio::test]
async fn the_user_admin_page_refuses_every_role_but_admin() {
    let app = TestApp::spawn().await;
    for (name, role, bureau) in [
        ("sec", "secretariat", None),
        ("liaison", "bureau_liaison", Some("UDD")),
        ("approver", "bureau_approver", Some("DOT")),
        ("reviewer", "reviewer", None),
    ] {
        let client = app.signed_in(name, role, bureau).await;
        let res = app.page(&client, "/admin/users").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{role}");
        let body = res.text().await.unwrap();
        assert!(body.contains("沒有權限"), "{role}");
        assert!(!body.contains("新增使用者"), "{role} must not see the form");
    }
}

#[tokio::test]
async fn an_admin_sees_the_user_list() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("root.admin", "admin", None).await;
    app.create_user("lin.udd", "bureau_liaison", Some("UDD"))
        .await;
    let res = app.page(&client, "/admin/users").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("使用者管理"));
    assert!(
        body.contains("lin.udd") && body.contains("都市發展局"),
        "{body}"
    );
}

#[tokio::test]
async fn a_bureau_user_sees_their_bureau_on_their_start_page() {
    let app = TestApp::spawn().await;
    let client = app
        .signed_in("lin.udd", "bureau_liaison", Some("UDD"))
        .await;
    let body = app.page(&client, "/").await.text().await.unwrap();
    assert!(body.contains("都市發展局"), "{body}");
    assert!(body.contains("本局待辦案件"));
    assert!(
        !body.contains("使用者管理"),
        "no admin link for bureau users"
    );
}

#[tokio::test]
async fn an_unknown_page_answers_404_in_chinese() {
    let app = TestApp::spawn().await;
    let res = app.page(&app.client(), "/no/such/page").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("找不到"));
}

#[tokio::test]
async fn pages_link_the_favicon_and_the_old_favicon_address_points_to_it() {
    let app = TestApp::spawn().await;
    let body = app
        .page(&app.client(), "/login")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains(r#"<link rel="icon" href="/favicon.svg""#));
    let res = app.page(&app.client(), "/favicon.ico").await;
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&res).as_deref(), Some("/favicon.svg"));
}

#[tokio::test]
async fn a_page_links_its_builds_files_by_content_and_they_are_kept_a_year_without_asking() {
    let site = std::env::temp_dir().join(format!("fht-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/fuhuitong.js"), "export default 1;").unwrap();
    std::fs::write(site.join("pkg/fuhuitong.wasm"), b"\0asm").unwrap();
    std::fs::write(site.join("pkg/fuhuitong.css"), "body{}").unwrap();
    let first = TestApp::spawn().await;
    let app = first.another_server_with_site(site.to_str().unwrap()).await;
    let page = app
        .page(&app.client(), "/login")
        .await
        .text()
        .await
        .unwrap();
    let (_, rest) = page.split_once("/pkg/").expect("a link under /pkg/");
    let version = rest.split('/').next().unwrap().to_owned();
    assert_eq!(version.len(), 12, "{rest}");
    for (file, kind) in [
        ("fuhuitong.js", "text/javascript"),
        ("fuhuitong.wasm", "application/wasm"),
        ("fuhuitong.css", "text/css"),
    ] {
        assert!(
            page.contains(&format!("/pkg/{version}/{file}")),
            "{file} is linked"
        );
        let res = app
            .page(&app.client(), &format!("/pkg/{version}/{file}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(kind));
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
    // Another build's link still gets the file, but is asked for again; nothing else is
    // served from there.
    let other = app
        .page(&app.client(), "/pkg/000000000000/fuhuitong.js")
        .await;
    assert_eq!(other.status(), StatusCode::OK);
    assert_eq!(other.headers()["cache-control"], "no-cache");
    for path in ["/pkg/x/..%2Fapp.db", "/pkg/x/hash.txt", "/pkg/x/.env"] {
        assert_eq!(
            app.page(&app.client(), path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // A new build is a new name.
    std::fs::write(site.join("pkg/fuhuitong.js"), "export default 2;").unwrap();
    let rebuilt = first.another_server_with_site(site.to_str().unwrap()).await;
    let page = rebuilt
        .page(&rebuilt.client(), "/login")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&format!("/pkg/{version}/")));
    std::fs::remove_dir_all(&site).unwrap();
}
