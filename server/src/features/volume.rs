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
    volume::{ops, turns, Volume, VolumeFilter, VolumeFormat, COMPILE_FORM, SEND_FORM},
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

/// Turns at writing volumes, shared by every server on the database
/// ([`app::volume::turns`]). Writing one takes a core and, for a PDF of a large session,
/// hundreds of megabytes (40 at once once took 1.2 GB and made others' pages 1.8 s slow),
/// so the cluster writes at most `RENDER_SLOTS` at once and each user one: the rest wait
/// their turn, shown as 排隊中 on their job's page. Each server runs a worker that takes up
/// queued jobs, and jobs whose server stopped, as turns come free.
#[derive(Clone)]
pub struct RenderQueue {
    slots: i64,
    /// Wakes this server's worker when a job is queued here, rather than at its next look.
    wake: std::sync::Arc<tokio::sync::Notify>,
}

/// A turn to write a volume, renewed while held; given back when dropped.
pub struct Turn {
    db: sqlx::AnyPool,
    slot: i64,
    holder: String,
    renewing: tokio::task::JoinHandle<()>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.renewing.abort();
        let (db, slot, holder) = (self.db.clone(), self.slot, std::mem::take(&mut self.holder));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(e) = turns::give_back(&db, slot, &holder).await {
                    // Its lease runs out by itself.
                    tracing::warn!("giving back a volume turn: {e}");
                }
            });
        }
    }
}

/// How often a waiting server looks for a turn or a job that another server's queued.
const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// A name for one turn or run, unique across servers: the process and a random number.
fn holder() -> String {
    format!("{}:{:016x}", std::process::id(), rand::random::<u64>())
}

impl RenderQueue {
    /// At most `slots` volumes written at once in the cluster.
    pub fn new(slots: usize) -> Self {
        Self {
            slots: i64::try_from(slots.max(1)).unwrap_or(1),
            wake: Default::default(),
        }
    }

    /// One volume at a time per two cores of this machine, at least one.
    pub fn per_machine() -> usize {
        std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
    }

    /// A short document (an execution report, a briefing pack) as PDF, written in the same
    /// line as volumes: the caller waits for a turn, the writing runs off the async threads.
    pub async fn pdf(
        &self,
        c: &app::caller::Caller,
        fonts: &pdf::FontPaths,
        doc: app::document::Document,
    ) -> Result<Vec<u8>, AppError> {
        let _turn = self.turn(&c.state, c.user.id).await?;
        let fonts = fonts.clone();
        tokio::task::spawn_blocking(move || {
            let fonts = pdf::Fonts::load(&fonts).map_err(|e| match e {
                pdf::PdfError::Write(e) => AppError::internal("pdf fonts", e),
                missing => {
                    tracing::error!("pdf fonts: {missing}");
                    AppError::Unavailable(missing.to_string())
                }
            })?;
            pdf::render(&doc, &fonts, &mut |_, _| {}).map_err(|e| AppError::internal("pdf", e))
        })
        .await
        .map_err(|e| AppError::internal("pdf render", e))?
    }

    /// Waits until `user` has no other volume being written and the cluster has room.
    pub async fn turn(&self, state: &AppState, user: i64) -> Result<Turn, AppError> {
        let holder = holder();
        let slot = loop {
            let now = state.now().timestamp();
            match turns::take_slot(&state.db, self.slots, user, &holder, now).await? {
                Some(slot) => break slot,
                None => tokio::time::sleep(std::time::Duration::from_millis(250)).await,
            }
        };
        let renewing = {
            let (state, holder) = (state.clone(), holder.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(renew_every()).await;
                    let now = state.now().timestamp();
                    if let Err(e) = turns::renew_slot(&state.db, slot, &holder, now).await {
                        tracing::warn!("renewing a volume turn: {e}");
                    }
                }
            })
        };
        Ok(Turn {
            db: state.db.clone(),
            slot,
            holder,
            renewing,
        })
    }

    /// Starts this server's worker: it takes up waiting jobs while the cluster has turns.
    /// Only inside a Tokio runtime (a router built outside one, e.g. to list routes, has
    /// none).
    pub fn spawn_worker(&self, state: AppState, fonts: pdf::FontPaths) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let queue = self.clone();
        runtime.spawn(async move {
            if let Err(e) = turns::ensure_slots(&state.db, queue.slots).await {
                tracing::warn!("volume turns: {e}");
            }
            let mut touched: Option<i64> = None;
            loop {
                loop {
                    let (holder, now) = (holder(), state.now().timestamp());
                    match turns::claim_job(&state.db, queue.slots, &holder, now).await {
                        Ok(Some(job)) => {
                            tokio::spawn(run_job(state.clone(), fonts.clone(), job, holder));
                        }
                        Ok(None) => break,
                        Err(e) => {
                            tracing::warn!("taking up a volume job: {e}");
                            break;
                        }
                    }
                }
                let now = state.now().timestamp();
                if touched.is_none_or(|t| now - t >= 20) {
                    touched = Some(now);
                    if let Err(e) = turns::still_waiting(&state.db, now).await {
                        tracing::warn!("volume jobs waiting: {e}");
                    }
                }
                tokio::select! {
                    _ = queue.wake.notified() => {}
                    _ = tokio::time::sleep(LOOK_EVERY) => {}
                }
            }
        });
    }

    /// Tells this server's worker that a job was queued.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

fn renew_every() -> std::time::Duration {
    std::time::Duration::from_secs(u64::try_from(turns::LEASE_SECS / 3).unwrap_or(20))
}

impl Default for RenderQueue {
    fn default() -> Self {
        Self::new(Self::per_machine())
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
        queue.wake();
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

/// Runs a job this server took up, with its turn: compiles the volume and keeps the file.
/// As it goes it tells the job page how far it has come (at most twice a second) and renews
/// its lease; it stops if another server took the job up meanwhile, whose run then keeps
/// the one file.
async fn run_job(state: AppState, fonts: pdf::FontPaths, job: turns::Claimed, holder: String) {
    let db = state.db.clone();
    let result = async {
        let filter = VolumeFilter::from_query(|k| {
            app::url::query_value(&job.query, k).filter(|v| !v.is_empty())
        })
        .ok_or_else(no_session)?;
        let format = VolumeFormat::parse(&job.format)
            .ok_or_else(|| AppError::internal("volume job", "unknown format"))?;
        let volume = app::volume::db::volume(&db, &state.city, &filter, state.today()).await?;
        let name = file_name(&volume, format);
        let (tell, mut heard) = tokio::sync::watch::channel((0usize, 1usize));
        let mut work = Box::pin(render(volume, format, fonts, move |done, total| {
            tell.send_replace((done, total));
        }));
        let mut renew =
            tokio::time::interval_at(tokio::time::Instant::now() + renew_every(), renew_every());
        let bytes = loop {
            tokio::select! {
                bytes = &mut work => break bytes?,
                _ = renew.tick() => {
                    if !turns::renew_job(&db, &job, &holder, state.now().timestamp()).await? {
                        tracing::warn!(job = job.id, "volume job taken up elsewhere; stopping");
                        return Ok(());
                    }
                }
                _ = tokio::time::sleep(std::time::Duration::from_millis(500)) => {
                    if heard.has_changed().unwrap_or(false) {
                        let (done, total) = *heard.borrow_and_update();
                        app::volume::db::job_progress(
                            &db, job.id, job.attempt, done as i64, total as i64,
                            state.now().timestamp(),
                        )
                        .await?;
                    }
                }
            }
        };
        let file = (name.as_str(), format.media_type(), bytes.as_slice());
        let now = state.now().timestamp();
        if !app::volume::db::job_done(&db, job.id, job.attempt, file, now).await? {
            tracing::warn!(
                job = job.id,
                "volume job taken up elsewhere; its file is kept there"
            );
        }
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(err) = result {
        // `AppError`'s words are for users; what went wrong inside was logged already.
        let now = state.now().timestamp();
        if let Err(e) =
            app::volume::db::job_failed(&db, job.id, job.attempt, &err.to_string(), now).await
        {
            tracing::error!("volume job {}: {e}", job.id);
        }
    }
    if let Err(e) = turns::give_back(&db, job.slot, &holder).await {
        tracing::warn!("giving back a volume turn: {e}");
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
            let _turn = queue.turn(&c.state, c.user.id).await?;
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
    let _turn = queue.turn(&c.state, c.user.id).await?;
    let bytes = render(volume, format, fonts, |_, _| {}).await?;
    let ascii = format!("volume.{}", format.extension());
    Ok(answer::attachment(
        bytes,
        format.media_type(),
        &ascii,
        &name,
    ))
}
