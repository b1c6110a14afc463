//! 找相似案件 on the question form: the draft is posted here (never put into a URL, where a
//! question's whole text would land in addresses and logs, and from where a link could fill
//! someone's form), kept in the session for the form's next request, and the officer is
//! sent back to the form, which shows what was typed with the similar cases under it.

use crate::web::{
    answer::{self, Back},
    flash::keep_draft,
};
use app::{
    auth::Role,
    caller::{Caller, Refused},
    cases::pages::SIMILAR_DRAFT_PATH,
};
use axum::{http::HeaderMap, response::Response, routing::post, Router};
use tower_sessions::Session;

const FORM_PAGE: &str = "/cases/new/question";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(SIMILAR_DRAFT_PATH, post(similar))
}

async fn similar(
    caller: Result<Caller, Refused>,
    session: Session,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        caller?.allowed(&[Role::Secretariat])?;
        // The question form's own fields only.
        let fields = fields.into_iter().filter(|(k, _)| k.starts_with("form["));
        keep_draft(&session, FORM_PAGE, fields.collect()).await;
        Ok(())
    }
    .await;
    let back = Back {
        page: FORM_PAGE,
        form: "similar",
        fragment: "",
    };
    answer::form(
        &session,
        &headers,
        result,
        |_| format!("{FORM_PAGE}#similar-cases"),
        back,
    )
    .await
}
