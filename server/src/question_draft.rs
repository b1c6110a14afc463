//! 找相似案件 on the question form: the draft is posted here (never put into a URL, where a
//! question's whole text would land in addresses and logs, and from where a link could fill
//! someone's form), kept in the session for the form's next request, and the officer is
//! sent back to the form, which shows what was typed with the similar cases under it.

use app::{auth::Role, cases::pages::SIMILAR_DRAFT_PATH, state::AppState};
use axum::{
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Extension, Router,
};
use tower_sessions::Session;

const FORM_PAGE: &str = "/cases/new/question";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(SIMILAR_DRAFT_PATH, post(similar))
}

async fn similar(
    Extension(state): Extension<AppState>,
    session: Session,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let caller = crate::flash::form_caller(&session, &state, &[Role::Secretariat]).await;
    let fields = caller.map(|_| {
        // The question form's own fields only.
        fields
            .into_iter()
            .filter(|(k, _)| k.starts_with("form["))
            .collect::<Vec<_>>()
    });
    match fields {
        Ok(fields) => {
            crate::flash::keep_draft(&session, FORM_PAGE, fields).await;
            Redirect::to(&format!("{FORM_PAGE}#similar-cases")).into_response()
        }
        Err(err) => {
            crate::flash::form_answer(
                &session,
                true,
                Err::<(), _>(err),
                |_| String::new(),
                FORM_PAGE,
                "similar",
            )
            .await
        }
    }
}
