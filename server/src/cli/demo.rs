//! `seed-demo`.

use app::state::AppState;

/// `seed-demo`: the reference data, one account per role, the living demo's cases, and
/// with `--cases N` that many generated cases.
pub(super) async fn seed(
    state: &AppState,
    config: &crate::config::Config,
    cases: Option<usize>,
) -> Result<(), Box<dyn std::error::Error>> {
    let shift = demo_shift(state).await?;
    crate::demo::reference::seed_reference_data_moved(state, shift).await?;
    crate::demo::reference::seed_demo_synonyms(state).await?;
    println!("已載入參考資料：29 個局處、第14屆第3次定期大會、示範議員、搜尋同義詞。");
    println!("示範帳號（密碼只顯示這一次）：");
    for account in crate::demo::reference::seed_demo_users(state).await? {
        match account {
            crate::demo::reference::DemoAccount::Created { username, password } => {
                println!("  {username:<18} {password}")
            }
            crate::demo::reference::DemoAccount::AlreadyThere { username } => {
                println!("  {username:<18} （已存在，密碼不變）")
            }
        }
    }
    match crate::demo::living::seed_demo_cases(state, shift).await? {
        crate::demo::living::DemoCases::Created {
            questions,
            data_requests,
        } => println!(
            "已載入示範案件：質詢 {questions} 題、索資 {data_requests} 件（第14屆第3次定期大會）。"
        ),
        crate::demo::living::DemoCases::AlreadyThere => {
            println!("示範案件已存在，未重複載入。")
        }
    }
    crate::demo::reference::seed_demo_addresses(state).await?;
    crate::demo::reference::seed_demo_office_contacts(state).await?;
    let runner = crate::features::delivery::Runner::new(state.clone(), config)?;
    let (digests, sent) = runner.demo_morning().await?;
    let whither = match &config.mail.smtp_url {
        Some(_) => "經由 SMTP_URL 的郵件伺服器".to_owned(),
        None => format!(
            "寫在 {}（管理者可在「寄送紀錄」開啟）",
            crate::features::delivery::mail::folder(config).display()
        ),
    };
    println!("已寄出示範帳號的通知信與今天的每日摘要 {digests} 封，共 {sent} 封，{whither}。");
    if let Some(count) = cases {
        let started = std::time::Instant::now();
        let (questions, requests) = crate::demo::generate::generate(state, count)
            .await
            .map_err(|e| format!("{e}"))?;
        println!(
            "已產生案件：質詢 {questions} 題、索資 {requests} 件（第11至14屆），費時 {:.1} 秒。",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// How far to move the demo's dates: to the days around today on a first run; as far as
/// the first run did when the demo session already has its cases (their dates stay).
async fn demo_shift(state: &AppState) -> Result<chrono::Duration, Box<dyn std::error::Error>> {
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT s.starts_on FROM council_sessions s JOIN council_terms t ON t.id = s.term_id \
         WHERE t.number = 14 AND s.kind = 'regular' AND s.number = 3 \
         AND EXISTS (SELECT 1 FROM cases c WHERE c.session_id = s.id)",
    )
    .fetch_optional(&state.db)
    .await?;
    Ok(
        match existing.and_then(|d| d.parse::<chrono::NaiveDate>().ok()) {
            Some(start) => start - chrono::NaiveDate::from_ymd_opt(2024, 3, 5).unwrap_or_default(),
            None => crate::demo::living::demo_shift(state.today()),
        },
    )
}
