//! The written-reply volume as ODT and PDF: compiled in the background from the volume page
//! (`/volume/compile`, progress at `/volume/jobs/:id`, the file kept), at once for other
//! clients (`/volume.odt`, `/volume.pdf`), as sent to the council (`/volume/send`), and
//! from `fuhuitong export volume`. Same content as the print page: cover, contents with page
//! numbers, each question with its reply, the outstanding questions at the end.

use crate::{
    documents::{odt, pdf},
    web::answer::{self, Back},
};
use app::{
    auth::Role,
    caller::{Caller, Refused},
    error::AppError,
    state::AppState,
    volume::{ops, Volume, VolumeFilter, VolumeFormat, COMPILE_FORM, SEND_FORM},
};
use axum::{
    extract::{Path, Query},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Extension, Router,
};
use std::collections::HashMap;
use tower_sessions::Session;

/// Who reads volumes: the secretariat, which compiles and sends them, and the reviewer.
const READERS: &[Role] = &[Role::Secretariat, Role::Reviewer];

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/volume.odt",
            get(|c, f, q, query| now(c, f, q, query, VolumeFormat::Odt)),
        )
        .route(
            "/volume.pdf",
            get(|c, f, q, query| now(c, f, q, query, VolumeFormat::Pdf)),
        )
        .route("/volume/compile", post(compile))
        .route("/volume/jobs/{id}/file", get(job_file))
        .route("/volume/send", post(send))
        .route("/volumes/{id}/file", get(sent_file))
}

/// Who may write a volume now. Writing one takes a core and, for a PDF of a large session,
/// hundreds of megabytes (40 at once once took 1.2 GB and made others' pages 1.8 s slow),
/// so each user has one written at a time and each server [`RenderQueue::per_server`]:
/// the rest wait their turn, shown as 排隊中 on their job's page.
#[derive(Clone)]
pub struct RenderQueue {
    server: std::sync::Arc<tokio::sync::Semaphore>,
    users: std::sync::Arc<std::sync::Mutex<HashMap<i64, std::sync::Arc<tokio::sync::Semaphore>>>>,
}

/// A turn to write a volume; the next in line goes when it is dropped.
pub struct Turn {
    _user: tokio::sync::OwnedSemaphorePermit,
    _server: tokio::sync::OwnedSemaphorePermit,
}

impl RenderQueue {
    /// At most `per_server` volumes written at once by this server.
    pub fn new(per_server: usize) -> Self {
        Self {
            server: std::sync::Arc::new(tokio::sync::Semaphore::new(per_server.max(1))),
            users: Default::default(),
        }
    }

    /// One volume at a time per two cores, at least one.
    pub fn per_server() -> usize {
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
    }

    /// Waits until `user` has no other volume being written and the server has room.
    pub async fn turn(&self, user: i64) -> Turn {
        let mine = {
            let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
            // Users whose turns are all over are forgotten as the next one asks.
            // (A permit, held or awaited, holds the semaphore too.)
            users.retain(|_, s| std::sync::Arc::strong_count(s) > 1);
            users
                .entry(user)
                .or_insert_with(|| std::sync::Arc::new(tokio::sync::Semaphore::new(1)))
                .clone()
        };
        let user = mine.acquire_owned().await.expect("never closed");
        let server = self
            .server
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        Turn {
            _user: user,
            _server: server,
        }
    }
}

impl Default for RenderQueue {
    fn default() -> Self {
        Self::new(Self::per_server())
    }
}

/// The volume in `format`, written off the async threads so that a long PDF never holds up
/// other requests (the caller waits for its [`Turn`] first). A missing font is said in
/// words an administrator can act on.
pub async fn render(
    volume: Volume,
    format: VolumeFormat,
    fonts: pdf::FontPaths,
    progress: impl FnMut(usize, usize) + Send + 'static,
) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || render_now(&volume, format, &fonts, progress))
        .await
        .map_err(|e| AppError::internal("volume render", e))?
}

/// `render` on the calling thread (the command line and the benchmark).
pub fn render_now(
    volume: &Volume,
    format: VolumeFormat,
    fonts: &pdf::FontPaths,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<u8>, AppError> {
    let doc = app::volume::document::document(volume);
    match format {
        VolumeFormat::Odt => odt::write(&doc).map_err(|e| AppError::internal("odt", e)),
        VolumeFormat::Pdf => {
            let fonts = pdf::Fonts::load(fonts).map_err(|e| match e {
                pdf::PdfError::Write(e) => AppError::internal("pdf fonts", e),
                missing => {
                    tracing::error!("pdf fonts: {missing}");
                    AppError::Unavailable(missing.to_string())
                }
            })?;
            pdf::render(&doc, &fonts, &mut progress).map_err(|e| AppError::internal("pdf", e))
        }
    }
}

/// The file name a volume is downloaded under.
pub fn file_name(volume: &Volume, format: VolumeFormat) -> String {
    format!("{}.{}", volume.title(), format.extension())
}

fn form_filter(form: &HashMap<String, String>) -> Option<VolumeFilter> {
    VolumeFilter::from_query(|k| form.get(k).cloned().filter(|v| !v.trim().is_empty()))
}

fn volume_page(filter: Option<&VolumeFilter>) -> String {
    filter.map_or_else(
        || "/volume".to_owned(),
        |f| format!("/volume?{}", f.query()),
    )
}

/// Starts compiling the volume the form describes, in the format chosen, and goes to the
/// job's page, which shows how far it has come and offers the file when done.
async fn compile(
    caller: Result<Caller, Refused>,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    session: Session,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let filter = form_filter(&form);
    let result = async {
        let c = caller?.allowed(READERS)?;
        let filter = filter.clone().ok_or_else(no_session)?;
        let format = ops::compile_format(form.get("format").map(String::as_str))?;
        let id = ops::start_job(&c, &filter, format).await?;
        let job = run_job(c.state.clone(), fonts, queue, c.user.id, id, filter, format);
        tokio::spawn(job);
        Ok(id)
    }
    .await;
    let page = volume_page(filter.as_ref());
    let back = Back {
        page: &page,
        form: COMPILE_FORM,
        fragment: "",
    };
    answer::form(
        &session,
        &headers,
        result,
        |id| format!("/volume/jobs/{id}"),
        back,
    )
    .await
}

fn no_session() -> AppError {
    AppError::validation("session", "請選擇會期。")
}

/// Compiles a job's volume when its turn comes and keeps the file; while it waits, and then
/// as it goes (at most twice a second), it tells the job page that it is alive.
pub async fn run_job(
    state: AppState,
    fonts: pdf::FontPaths,
    queue: RenderQueue,
    user: i64,
    id: i64,
    filter: VolumeFilter,
    format: VolumeFormat,
) {
    let db = state.db.clone();
    let result = async {
        let turn = queue.turn(user);
        tokio::pin!(turn);
        let _turn = loop {
            tokio::select! {
                turn = &mut turn => break turn,
                _ = tokio::time::sleep(std::time::Duration::from_secs(20)) => {
                    app::volume::db::job_waiting(&db, id, state.now().timestamp()).await?;
                }
            }
        };
        let today = state.today();
        let volume = app::volume::db::volume(&db, &state.city, &filter, today).await?;
        let name = file_name(&volume, format);
        app::volume::db::job_progress(&db, id, 0, 1, state.now().timestamp()).await?;
        let (tell, mut heard) = tokio::sync::watch::channel((0usize, 1usize));
        let mut work = Box::pin(render(volume, format, fonts, move |done, total| {
            tell.send_replace((done, total));
        }));
        let bytes = loop {
            tokio::select! {
                bytes = &mut work => break bytes?,
                _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => {
                    if heard.has_changed().unwrap_or(false) {
                        let (done, total) = *heard.borrow_and_update();
                        app::volume::db::job_progress(
                            &db, id, done as i64, total as i64, state.now().timestamp(),
                        )
                        .await?;
                    }
                }
            }
        };
        app::volume::db::job_done(
            &db,
            id,
            &name,
            format.media_type(),
            &bytes,
            state.now().timestamp(),
        )
        .await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(err) = result {
        // `AppError`'s words are for users; what went wrong inside was logged already.
        if let Err(e) =
            app::volume::db::job_failed(&db, id, &err.to_string(), state.now().timestamp()).await
        {
            tracing::error!("volume job {id}: {e}");
        }
    }
}

/// A finished job's file.
async fn job_file(c: Caller, Path(id): Path<i64>) -> Result<Response, AppError> {
    let c = c.allowed(READERS)?;
    let file = app::volume::db::job_file(c.db(), id).await?;
    Ok(kept(file, "找不到這個檔案，或檔案尚未產生完成。"))
}

/// A volume file kept in the database (name, type, bytes), as a download.
fn kept(file: Option<(String, String, Vec<u8>)>, missing: &str) -> Response {
    let Some((name, media_type, data)) = file else {
        return (StatusCode::NOT_FOUND, missing.to_owned()).into_response();
    };
    let format = VolumeFormat::of_media_type(&media_type).unwrap_or(VolumeFormat::Odt);
    let ascii = format!("volume.{}", format.extension());
    answer::attachment(data, &media_type, &ascii, &name)
}

/// Records that the volume the form describes was sent to the council on the day given:
/// compiles it now in the format chosen (ODT unless PDF is asked for), keeps that exact
/// file, and marks each reply in it as sent.
async fn send(
    caller: Result<Caller, Refused>,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    session: Session,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let filter = form_filter(&form);
    let result = async {
        let c = caller?.allowed(&[Role::Secretariat])?;
        let filter = filter.clone().ok_or_else(no_session)?;
        let field = |k: &str| form.get(k).map(String::as_str);
        let (sent_on, format) = ops::sending_form(field("sent_on"), field("format"))?;
        let letter = ops::letter_number(field("letter_number"))?;
        let volume = app::volume::db::volume(c.db(), &c.state.city, &filter, c.today()).await?;
        ops::check_sending(&volume, sent_on, c.today())?;
        let bytes = {
            let _turn = queue.turn(c.user.id).await;
            render(volume.clone(), format, fonts, |_, _| {}).await?
        };
        ops::record_sent(&c, &filter, &volume, format, &bytes, (sent_on, &letter)).await
    }
    .await;
    let page = volume_page(filter.as_ref());
    let back = Back {
        page: &page,
        form: SEND_FORM,
        fragment: "",
    };
    answer::form(&session, &headers, result, |_| format!("{page}#sent"), back).await
}

/// The exact file that went to the council.
async fn sent_file(c: Caller, Path(id): Path<i64>) -> Result<Response, AppError> {
    let c = c.allowed(READERS)?;
    let file = app::volume::db::sent_file(c.db(), id).await?;
    Ok(kept(file, "找不到這份彙編。"))
}

/// The volume as a file at once, for scripts and other clients (the page compiles in the
/// background instead).
async fn now(
    c: Caller,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    Query(query): Query<HashMap<String, String>>,
    format: VolumeFormat,
) -> Result<Response, AppError> {
    let c = c.allowed(READERS)?;
    let Some(filter) = form_filter(&query) else {
        return Ok((StatusCode::BAD_REQUEST, "請選擇會期。").into_response());
    };
    let volume = app::volume::db::volume(c.db(), &c.state.city, &filter, c.today()).await?;
    let name = file_name(&volume, format);
    // In the same line as the page's compilations.
    let _turn = queue.turn(c.user.id).await;
    let bytes = render(volume, format, fonts, |_, _| {}).await?;
    let ascii = format!("volume.{}", format.extension());
    Ok(answer::attachment(
        bytes,
        format.media_type(),
        &ascii,
        &name,
    ))
}

#[cfg(test)]
mod tests {
    use super::RenderQueue;
    use std::time::Duration;

    async fn waits<F: std::future::Future>(f: F) -> bool {
        tokio::time::timeout(Duration::from_millis(50), f)
            .await
            .is_err()
    }

    #[tokio::test]
    async fn a_user_has_one_volume_written_at_a_time_and_the_next_goes_when_it_is_done() {
        let queue = RenderQueue::new(4);
        let first = queue.turn(1).await;
        assert!(
            waits(queue.turn(1)).await,
            "a second turn of the same user waits"
        );
        let _other = queue.turn(2).await;
        drop(first);
        assert!(!waits(queue.turn(1)).await);
    }

    #[tokio::test]
    async fn a_server_writes_at_most_its_share_at_once() {
        let queue = RenderQueue::new(2);
        let (_a, _b) = (queue.turn(1).await, queue.turn(2).await);
        assert!(waits(queue.turn(3)).await, "a third user waits for room");
    }
}
