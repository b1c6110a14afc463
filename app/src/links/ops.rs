//! What the secretariat does with status links, each written once for the `/links` forms
//! and `fuhuitong link create`: issue one, revoke one, reissue one (revoke it and make a
//! new one with the same scope and expiry). Every change is audited, never with the token.
//! And the office's own: 答非所問 from the status page.

use super::{db, expiry, Fresh, Scope, SendReason, PATH};
use crate::{
    audit::{db::Entry, AuditAction},
    caller::Caller,
    db::Tx,
    error::AppError,
    notifications::delivery::EmailAddress,
    state::AppState,
};
use chrono::NaiveDate;

/// Where status links point (`PUBLIC_URL`), e.g. `https://fuhuitong.gov.example`.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub String);

impl PublicUrl {
    /// The full address of the link with `token`.
    pub fn link(&self, token: &str) -> String {
        format!("{}{PATH}{token}", self.0.trim_end_matches('/'))
    }
}

/// The issue form's councilor and case, as typed.
pub fn scope(councilor: &str, case: &str) -> Result<Scope, AppError> {
    let councilor_id = councilor
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::validation("councilor", "請選擇議員。"))?;
    let case_id =
        match case.trim() {
            "" => None,
            v => Some(v.parse::<i64>().map_err(|_| {
                AppError::validation("case", "案件請填案件頁網址中的號碼（數字）。")
            })?),
        };
    Ok(Scope {
        councilor_id,
        case_id,
    })
}

/// A new link for `scope`, live through `typed` (empty: the end of the councilor's term).
pub async fn issue(
    c: &Caller,
    public: &PublicUrl,
    scope: Scope,
    typed: &str,
    send: bool,
) -> Result<Fresh, AppError> {
    let term_end = db::term_end(c.db(), scope.councilor_id)
        .await?
        .ok_or_else(|| AppError::validation("councilor", "找不到所選的議員。"))?;
    let expires_on = expiry(Some(typed), term_end, c.today())?;
    let mut tx = c.begin().await?;
    let fresh = make(c, &mut tx, public, scope, expires_on, None, send).await?;
    tx.commit().await?;
    Ok(fresh)
}

/// Revokes a live link: it opens nothing from now on.
pub async fn revoke(c: &Caller, id: i64) -> Result<(), AppError> {
    let mut tx = c.begin().await?;
    revoked(c, &mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes a live link and issues a new one of the same scope and expiry (an office lost
/// its address, or it went where it should not).
pub async fn reissue(
    c: &Caller,
    public: &PublicUrl,
    id: i64,
    send: bool,
) -> Result<Fresh, AppError> {
    let mut tx = c.begin().await?;
    let expires_on = db::expiry(&mut tx, id).await?;
    if expires_on < c.today() {
        return Err(AppError::validation(
            "expires",
            "這個連結已過期，請建立新的連結並指定到期日。",
        ));
    }
    let scope = revoked(c, &mut tx, id).await?;
    let fresh = make(c, &mut tx, public, scope, expires_on, Some(id), send).await?;
    tx.commit().await?;
    Ok(fresh)
}

/// An office says, through its link `link_id`, that the answer to `case_id` does not
/// answer: the case goes back to its lead bureau (no account: the link is the caller).
pub async fn not_an_answer(
    state: &AppState,
    link_id: i64,
    scope: Scope,
    case_id: i64,
    comment: &str,
) -> Result<(), AppError> {
    let mut tx = crate::db::begin(&state.db).await?;
    let now = state.now().timestamp();
    db::not_an_answer(&mut tx, link_id, scope, case_id, comment, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn revoked(c: &Caller, tx: &mut Tx, id: i64) -> Result<Scope, AppError> {
    let scope = db::revoke(tx, id, c.user.id, c.ts()).await?;
    let entry = Entry::new(AuditAction::StatusLinkRevoked, "status_link", id);
    c.audit(tx, entry).await?;
    Ok(scope)
}

/// Makes a link in `tx`, audits it (never the token) and returns it to show once.
async fn make(
    c: &Caller,
    tx: &mut Tx,
    public: &PublicUrl,
    scope: Scope,
    expires_on: NaiveDate,
    reissue_of: Option<i64>,
    send: bool,
) -> Result<Fresh, AppError> {
    let (id, token) = db::create(tx, scope, expires_on, c.user.id, c.ts()).await?;
    let entry =
        Entry::new(AuditAction::StatusLinkCreated, "status_link", id).data(serde_json::json!({
            "councilor_id": scope.councilor_id,
            "case_id": scope.case_id,
            "expires_on": expires_on,
            "reissue_of": reissue_of,
        }));
    c.audit(tx, entry).await?;
    let url = public.link(&token);
    let mailed = if send {
        use crate::notifications::db::{
            offices::{mail_link, NewLink},
            outbox::Sender,
        };
        let sender = Sender {
            base: &public.0,
            city: &c.state.city,
        };
        let link = NewLink {
            id,
            scope,
            url: &url,
            expires_on,
        };
        let reason = if reissue_of.is_some() {
            SendReason::Reissued
        } else {
            SendReason::Issued
        };
        let recorder = c.recorder();
        mail_link(
            tx,
            &sender,
            &link,
            reason,
            (&recorder, &c.client_addr),
            c.ts(),
        )
        .await?
    } else {
        0
    };
    Ok(Fresh {
        id,
        qr_svg: db::qr_svg(&url),
        url,
        mailed,
    })
}

/// Adds an address to a councilor office's contacts.
pub async fn add_contact(c: &Caller, councilor_id: i64, typed: &str) -> Result<(), AppError> {
    let address = EmailAddress::parse(typed).map_err(|_| {
        AppError::validation(
            "address",
            "請輸入議員辦公室的電子郵件地址，例如 office@example.gov.tw。",
        )
    })?;
    let mut tx = c.begin().await?;
    db::contacts::add(&mut tx, councilor_id, &address, c.user.id, c.ts()).await?;
    let entry = Entry::new(
        AuditAction::OfficeContactsChanged,
        "councilor",
        councilor_id,
    )
    .data(serde_json::json!({ "added": address.as_str() }));
    c.audit(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes one of a councilor office's addresses.
pub async fn remove_contact(c: &Caller, councilor_id: i64, id: i64) -> Result<(), AppError> {
    let mut tx = c.begin().await?;
    let removed = db::contacts::remove(&mut tx, councilor_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = Entry::new(
        AuditAction::OfficeContactsChanged,
        "councilor",
        councilor_id,
    )
    .data(serde_json::json!({ "removed": removed }));
    c.audit(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Records that an office asked not to be mailed (or may be again).
pub async fn set_opt_out(c: &Caller, councilor_id: i64, opted_out: bool) -> Result<(), AppError> {
    let mut tx = c.begin().await?;
    let before = db::contacts::set_opt_out(&mut tx, councilor_id, opted_out)
        .await?
        .ok_or(AppError::NotFound)?;
    if before != opted_out {
        let entry = Entry::new(
            AuditAction::OfficeContactsChanged,
            "councilor",
            councilor_id,
        )
        .data(serde_json::json!({ "opted_out": { "before": before, "after": opted_out } }));
        c.audit(&mut tx, entry).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_names_a_councilor_and_perhaps_one_case_by_number() {
        assert_eq!(
            scope(" 7 ", "").unwrap(),
            Scope {
                councilor_id: 7,
                case_id: None
            }
        );
        assert_eq!(scope("7", "42").unwrap().case_id, Some(42));
        assert_eq!(
            scope("", "")
                .unwrap_err()
                .field_message("councilor")
                .as_deref(),
            Some("請選擇議員。")
        );
        assert!(scope("7", "第42案").is_err());
    }

    #[test]
    fn a_link_is_the_public_address_and_the_token_with_one_slash_between() {
        let public = PublicUrl("https://fuhuitong.example/".into());
        assert_eq!(public.link("abc"), "https://fuhuitong.example/s/abc");
    }
}
