//! `create-user`: the first accounts, before there is an admin to make them.

use app::{
    admin::NewUser, auth::password::hash_password, reference::db::bureau_id_by_code,
    state::AppState,
};
use std::io::{BufRead, IsTerminal};

/// `create-user`: the password asked for on the terminal, or read from standard input.
pub(super) async fn create_user(
    state: &AppState,
    username: &str,
    role: &str,
    bureau: Option<String>,
    display_name: Option<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let bureau_id = match bureau {
        None => String::new(),
        Some(code) => bureau_id_by_code(&state.db, &code.to_uppercase())
            .await?
            .map(|id| id.to_string())
            .ok_or_else(|| {
                format!("no bureau with code `{code}`; run seed-demo or check the code")
            })?,
    };
    let password = read_password()?;
    let display_name = display_name.unwrap_or_else(|| username.to_owned());
    let user = NewUser::parse(username, &display_name, role, &bureau_id, password)
        .map_err(|e| format!("{e}"))?;
    let hash = hash_password(&user.password).await?;
    crate::demo::reference::create_user(state, &user, &hash)
        .await
        .map_err(|e| format!("{e}"))?;
    println!("已建立使用者 {} ({})。", user.username.as_str(), user.role);
    Ok(())
}

fn read_password() -> Result<String, Box<dyn std::error::Error>> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("密碼 (password): ")?;
        let again = rpassword::prompt_password("再輸入一次 (again): ")?;
        if first != again {
            return Err("兩次輸入的密碼不同 (passwords differ)".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
