//! Bills and caucus briefings over HTTP. Each fn: the caller, the parsed form, one call into
//! `db`, which checks the role and the object inside its transaction.

use super::{
    Bill, BillForm, Briefing, BriefingForm, BriefingsData, CallForm, SessionBills, StageForm,
};
use crate::{auth::Role, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::{BILL_READERS, BRIEFING_READERS};
#[cfg(feature = "ssr")]
use crate::{audit::db::Kept, caller::Caller, error::with_status};

/// Who records bills: a bureau's own users, and the secretariat for any bureau.
pub const BILL_WRITERS: &[Role] = &[Role::Secretariat, Role::BureauLiaison, Role::BureauApprover];

/// Runs one write in a transaction of its own and commits it; a refusal to touch the object
/// `$id` of kind `$kept` (it exists, but not for this caller) is audited.
#[cfg(feature = "ssr")]
macro_rules! in_tx {
    ($c:ident, $kept:expr, $id:expr, |$tx:ident| $body:expr) => {{
        let result = async {
            let mut $tx = $c.begin().await?;
            let value = $body.await?;
            $tx.commit().await?;
            Ok(value)
        }
        .await;
        $c.refused($kept, $id, result).await
    }};
}

#[server(prefix = "/api", endpoint = "bills/session")]
pub async fn bills_page(session: Option<i64>) -> Result<SessionBills, AppError> {
    with_status(
        async {
            let c = Caller::with_role(BILL_READERS).await?;
            super::db::session_bills(&c, session).await
        }
        .await,
    )
}

/// The start page's reminder of the call for bills, for whoever owes or awaits answers.
#[server(prefix = "/api", endpoint = "bills/reminder")]
pub async fn call_reminder() -> Result<Option<super::CallReminder>, AppError> {
    with_status(
        async {
            let c = Caller::signed_in().await?;
            super::db::call_reminder(&c).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bills/record")]
pub async fn record_bill(form: BillForm) -> Result<i64, AppError> {
    with_status(
        async {
            let c = Caller::with_role(BILL_WRITERS).await?;
            let new = form.parse().map_err(|e| e.with_input(form.echo()))?;
            let mut tx = c.begin().await?;
            let id = super::db::record(&c, &mut tx, &new)
                .await
                .map_err(|e| e.with_input(form.echo()))?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/bills/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bills/bill")]
pub async fn bill_page(id: i64) -> Result<Bill, AppError> {
    with_status(
        async {
            let c = Caller::with_role(BILL_READERS).await?;
            let result = super::db::bill(&c, id).await;
            c.refused(Kept::Bill, id, result).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bills/stage")]
pub async fn record_stage(
    bill_id: i64,
    version: i64,
    #[server(default)] form: StageForm,
) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(BILL_WRITERS).await?;
            in_tx!(c, Kept::Bill, bill_id, |tx| super::db::record_stage(
                &c, &mut tx, bill_id, &form, version
            ))
            .map_err(|e: AppError| e.keeping(&form.keep()))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bills/edit")]
pub async fn edit_bill(bill_id: i64, version: i64, form: BillForm) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(BILL_WRITERS).await?;
            in_tx!(c, Kept::Bill, bill_id, |tx| super::db::edit(
                &c, &mut tx, bill_id, &form, version
            ))
            .map_err(|e: AppError| e.with_input(form.echo()))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bills/major")]
pub async fn mark_major(bill_id: i64, #[server(default)] major: String) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let major = major == "true";
            in_tx!(c, Kept::Bill, bill_id, |tx| super::db::mark_major(
                &c, &mut tx, bill_id, major
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bills/call")]
pub async fn send_call(#[server(default)] form: CallForm) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let result = async {
                let call = form.parse(c.today())?;
                let mut tx = c.begin().await?;
                super::db::send_call(&c, &mut tx, &call).await?;
                tx.commit().await?;
                leptos_axum::redirect(&format!("/bills?session={}", call.session_id));
                Ok(())
            }
            .await;
            result.map_err(|e: AppError| e.keeping(&form.keep()))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "bills/nothing")]
pub async fn say_nothing(session_id: i64) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::BureauLiaison, Role::BureauApprover]).await?;
            let mut tx = c.begin().await?;
            super::db::say_nothing(&c, &mut tx, session_id).await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "briefings/list")]
pub async fn briefings_page(session: Option<i64>) -> Result<BriefingsData, AppError> {
    with_status(
        async {
            let c = Caller::with_role(BRIEFING_READERS).await?;
            super::db::briefings_page(&c, session).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "briefings/schedule")]
pub async fn schedule_briefing(form: BriefingForm) -> Result<i64, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let new = form.parse().map_err(|e| e.with_input(form.echo()))?;
            let mut tx = c.begin().await?;
            let id = super::db::schedule(&c, &mut tx, &new)
                .await
                .map_err(|e| e.with_input(form.echo()))?;
            tx.commit().await?;
            leptos_axum::redirect(&format!("/briefings/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "briefings/briefing")]
pub async fn briefing_page(id: i64) -> Result<(Briefing, crate::city::City), AppError> {
    with_status(
        async {
            let c = Caller::with_role(BRIEFING_READERS).await?;
            let result = super::db::briefing(&c, id).await;
            let briefing = c.refused(Kept::Briefing, id, result).await?;
            Ok((briefing, c.state.city.as_ref().clone()))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "briefings/bills")]
pub async fn choose_briefing_bills(
    briefing_id: i64,
    #[server(default)] bill_ids: Vec<String>,
) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let ids = super::parse_bill_ids(&bill_ids)?;
            in_tx!(
                c,
                Kept::Briefing,
                briefing_id,
                |tx| super::db::choose_bills(&c, &mut tx, briefing_id, &ids)
            )
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "briefings/outcome")]
pub async fn record_briefing_outcome(
    briefing_id: i64,
    #[server(default)] bill_ids: Vec<String>,
    #[server(default)] positions: Vec<String>,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let note =
                crate::input::optional_text("note", &note, "報告紀要", super::NOTE_MAX_CHARS)?;
            in_tx!(c, Kept::Briefing, briefing_id, |tx| async {
                let presented = super::db::presented(&mut tx, briefing_id).await?;
                let positions = super::parse_positions(&bill_ids, &positions, &presented)?;
                super::db::record_outcome(&c, &mut tx, briefing_id, &positions, &note).await
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "briefings/ask")]
pub async fn add_briefing_ask(
    briefing_id: i64,
    #[server(default)] bill_id: String,
    #[server(default)] ask: String,
) -> Result<i64, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let result = async {
                let new = super::parse_ask(&bill_id, &ask)?;
                in_tx!(c, Kept::Briefing, briefing_id, |tx| super::db::add_ask(
                    &c,
                    &mut tx,
                    briefing_id,
                    &new
                ))
            }
            .await;
            result.map_err(|e: AppError| e.keeping(&[("bill_id", &bill_id), ("ask", &ask)]))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "briefings/file-ask")]
pub async fn file_briefing_ask(
    briefing_id: i64,
    ask_id: i64,
    #[server(default)] councilor_id: String,
) -> Result<i64, AppError> {
    with_status(
        async {
            let c = Caller::with_role(&[Role::Secretariat]).await?;
            let councilor = councilor_id
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::validation("councilor_id", "請選擇議員。"))?;
            let case_id = in_tx!(c, Kept::Briefing, briefing_id, |tx| super::db::file_ask(
                &c,
                &mut tx,
                briefing_id,
                ask_id,
                councilor
            ))?;
            leptos_axum::redirect(&format!("/cases/{case_id}"));
            Ok(case_id)
        }
        .await,
    )
}

/// The briefing pack, for its print page: the same document the ODT and PDF are written from.
#[server(prefix = "/api", endpoint = "briefings/pack")]
pub async fn briefing_pack(id: i64) -> Result<crate::document::Document, AppError> {
    with_status(
        async {
            let c = Caller::with_role(BRIEFING_READERS).await?;
            let result = super::db::briefing(&c, id).await;
            let briefing = c.refused(Kept::Briefing, id, result).await?;
            Ok(super::documents::pack(&briefing, &c.state.city))
        }
        .await,
    )
}
