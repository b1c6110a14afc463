//! `seed-demo`: reference data from the seed report (Taipei City Government Secretariat,
//! March 2024) and one demo user per role. Councilors are fictional on purpose: demo data
//! must never put words in a real person's mouth.

use app::{
    admin::NewUser,
    auth::password::hash_password,
    error::AppError,
    reference::{
        db::{
            bureau_id_by_code, upsert_bureau, upsert_councilor, upsert_session, upsert_term,
            NewCouncilor,
        },
        SessionKind,
    },
    state::AppState,
};
use rand::{distributions::Alphanumeric, Rng};

/// The 29 bureaus of the petition table in section 三(一), in its order (most petitions in
/// the second half of 2023 first): code, full name, short name.
pub const BUREAUS: [(&str, &str, &str); 29] = [
    ("UDD", "都市發展局", "都發局"),
    ("DOT", "交通局", "交通局"),
    ("TCPD", "警察局", "警察局"),
    ("DOSW", "社會局", "社會局"),
    ("PWD", "工務局", "工務局"),
    ("DOE", "教育局", "教育局"),
    ("DEP", "環境保護局", "環保局"),
    ("DOED", "產業發展局", "產業局"),
    ("DOL", "勞動局", "勞動局"),
    ("DOH", "衛生局", "衛生局"),
    ("DCA", "民政局（含區公所）", "民政局"),
    ("DOS", "體育局", "體育局"),
    ("DOIT_T", "觀光傳播局", "觀傳局"),
    ("DORTS", "捷運工程局", "捷運局"),
    ("LAW", "法務局", "法務局"),
    ("DOP", "人事處", "人事處"),
    ("TRTC", "臺北大眾捷運股份有限公司", "捷運公司"),
    ("DGE", "政風處", "政風處"),
    ("DOC", "文化局", "文化局"),
    ("TFD", "消防局", "消防局"),
    ("DLA", "地政局", "地政局"),
    ("UPC", "都市計畫委員會", "都委會"),
    ("DOF", "財政局", "財政局"),
    ("RDEC", "研究發展考核委員會", "研考會"),
    ("MSB", "兵役局", "兵役局"),
    ("SEC", "秘書處", "秘書處"),
    ("DOIT", "資訊局", "資訊局"),
    ("IPC", "原住民族事務委員會", "原民會"),
    ("HAC", "客家事務委員會", "客委會"),
];

/// Made-up councilors: names, parties and districts are fictional.
const COUNCILORS: [(&str, &str, &str); 12] = [
    ("林雨彤", "青禾黨", "示範第一選區"),
    ("陳冠霖", "青禾黨", "示範第一選區"),
    ("黃思妤", "晨光聯盟", "示範第二選區"),
    ("張博翔", "晨光聯盟", "示範第二選區"),
    ("李佩宸", "青禾黨", "示範第三選區"),
    ("王承恩", "無黨籍", "示範第三選區"),
    ("吳靜宜", "晨光聯盟", "示範第四選區"),
    ("劉家豪", "青禾黨", "示範第四選區"),
    ("蔡欣怡", "社區行動黨", "示範第五選區"),
    ("楊子毅", "晨光聯盟", "示範第五選區"),
    ("許嘉芸", "青禾黨", "示範第六選區"),
    ("鄭宇軒", "無黨籍", "示範平地原住民選區"),
];

/// One account per role: username, display name, role, bureau code.
const DEMO_USERS: [(&str, &str, &str, &str); 5] = [
    ("demo-admin", "系統管理者（示範）", "admin", ""),
    (
        "demo-secretariat",
        "秘書處 周聯絡（示範）",
        "secretariat",
        "",
    ),
    (
        "demo-liaison",
        "都發局 何聯絡（示範）",
        "bureau_liaison",
        "UDD",
    ),
    (
        "demo-approver",
        "都發局 邱主任秘書（示範）",
        "bureau_approver",
        "UDD",
    ),
    ("demo-reviewer", "副秘書長室 羅專員（示範）", "reviewer", ""),
];

/// Gives every demo account without an address one under the demo domain (never a real
/// one), so the demo shows what each person would be mailed.
pub async fn seed_demo_addresses(state: &AppState) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE users SET email = username || '@demo.example.gov.tw' \
         WHERE username LIKE 'demo-%' AND email IS NULL",
    )
    .execute(&state.db)
    .await?
    .rows_affected())
}

/// Gives each made-up councilor's office one address under the demo domain, so a link
/// issued in the demo can be mailed and answers send their notices to the `.eml` folder.
pub async fn seed_demo_office_contacts(state: &AppState) -> Result<u64, sqlx::Error> {
    let mut added = 0;
    for (n, (name, _, _)) in COUNCILORS.iter().enumerate() {
        added += sqlx::query(
            "INSERT INTO councilor_contacts (councilor_id, address, added_by, added_at) \
             SELECT c.id, $1, u.id, $2 FROM councilors c JOIN users u ON u.username = 'demo-secretariat' \
             WHERE c.name = $3 AND NOT EXISTS (SELECT 1 FROM councilor_contacts k WHERE k.councilor_id = c.id)",
        )
        .bind(format!("office{:02}@council.demo.example.gov.tw", n + 1))
        .bind(state.now().timestamp())
        .bind(*name)
        .execute(&state.db)
        .await?
        .rows_affected();
    }
    Ok(added)
}

pub enum DemoAccount {
    Created { username: String, password: String },
    AlreadyThere { username: String },
}

fn random_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

pub async fn seed_reference_data(state: &AppState) -> Result<(), AppError> {
    seed_reference_data_moved(state, chrono::Duration::zero()).await
}

/// The reference data with the demo session's dates moved by `shift` (see
/// `living::DEMO_TODAY`); the term and everything else as the seed has them.
pub async fn seed_reference_data_moved(
    state: &AppState,
    shift: chrono::Duration,
) -> Result<(), AppError> {
    let day =
        |iso: &str| (iso.parse::<chrono::NaiveDate>().unwrap_or_default() + shift).to_string();
    for (order, (code, name, short)) in BUREAUS.iter().enumerate() {
        upsert_bureau(&state.db, code, name, short, order as i64 + 1).await?;
    }
    // The 14th council took office on 2022-12-25 for four years. The session dates are
    // illustrative: the report says only that it sat in March 2024 (`seed-demo` moves them
    // to the days around its run).
    let term = upsert_term(&state.db, 14, "2022-12-25", "2026-12-24").await?;
    upsert_session(
        &state.db,
        term,
        SessionKind::Regular,
        3,
        &day("2024-03-05"),
        &day("2024-06-03"),
    )
    .await?;
    // The session before, which passed the year's budget: the demo's budget riders and
    // earlier motions come from it. Added after the current one, which stays the first
    // session by id and the default of every form.
    upsert_session(
        &state.db,
        term,
        SessionKind::Regular,
        2,
        &day("2023-08-29"),
        &day("2023-12-26"),
    )
    .await?;
    for (name, party, district) in COUNCILORS {
        let councilor = NewCouncilor {
            name,
            party,
            caucus: party,
            district,
        };
        upsert_councilor(&state.db, term, &councilor).await?;
    }
    Ok(())
}

/// The demo city's own ways of writing (the migration brings those every city shares);
/// a group whose first word is already in the table is left as the admin has it.
pub async fn seed_demo_synonyms(state: &AppState) -> Result<(), AppError> {
    const GROUPS: [&str; 3] = ["北捷 臺北捷運", "YouBike 微笑單車", "北市府 臺北市政府"];
    let have = app::cases::db::synonyms(&state.db).await?;
    for group in GROUPS {
        let first = group.split(' ').next().unwrap_or(group);
        if have.spellings(&app::cases::search::fold_str(first)).len() > 1 {
            continue;
        }
        sqlx::query("INSERT INTO synonym_groups (words) VALUES ($1)")
            .bind(group)
            .execute(&state.db)
            .await?;
    }
    Ok(())
}

/// Creates the demo accounts that do not exist yet. Existing ones keep their passwords.
pub async fn seed_demo_users(state: &AppState) -> Result<Vec<DemoAccount>, AppError> {
    let mut accounts = Vec::new();
    for (username, display_name, role, bureau_code) in DEMO_USERS {
        let bureau_id = match bureau_code {
            "" => String::new(),
            code => bureau_id_by_code(&state.db, code)
                .await?
                .map(|id| id.to_string())
                .unwrap_or_default(),
        };
        let password = random_password();
        let user = NewUser::parse(username, display_name, role, &bureau_id, password.clone())?;
        let hash = hash_password(&user.password).await?;
        match create_user(state, &user, &hash).await {
            Ok(_) => accounts.push(DemoAccount::Created {
                username: username.into(),
                password,
            }),
            Err(AppError::Validation { field, .. }) if field == "username" => {
                accounts.push(DemoAccount::AlreadyThere {
                    username: username.into(),
                })
            }
            Err(e) => return Err(e),
        }
    }
    Ok(accounts)
}

/// Creates an account from a maintenance task, with its audit row (by the system).
pub async fn create_user(
    state: &AppState,
    user: &NewUser,
    hash: &app::auth::password::PasswordHash,
) -> Result<i64, AppError> {
    let mut tx = app::db::begin(&state.db).await?;
    let by = app::audit::db::Recorder::system();
    let now = state.now().timestamp();
    let id = app::admin::db::create_user(&mut tx, user, hash, now, &by, "").await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn bureau_codes_and_names_are_unique() {
        let codes: HashSet<_> = BUREAUS.iter().map(|b| b.0).collect();
        let names: HashSet<_> = BUREAUS.iter().map(|b| b.1).collect();
        assert_eq!(codes.len(), 29);
        assert_eq!(names.len(), 29);
    }

    #[test]
    fn there_is_a_demo_user_for_every_role() {
        let roles: HashSet<_> = DEMO_USERS.iter().map(|u| u.2).collect();
        for role in app::auth::Role::ALL {
            assert!(roles.contains(role.as_str()), "{role}");
        }
    }

    #[test]
    fn demo_passwords_are_long_and_fresh() {
        let a = random_password();
        assert_eq!(a.len(), 16);
        assert_ne!(a, random_password());
    }
}
