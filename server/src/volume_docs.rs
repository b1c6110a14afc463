//! The written-reply volume as ODT and PDF: compiled in the background from the volume page
//! (`/volume/compile`, progress at `/volume/jobs/:id`, the file kept), at once for other
//! clients (`/volume.odt`, `/volume.pdf`), as sent to the council (`/volume/send`), and
//! from `fuhuitong export volume`. Same content as the print page: cover, contents with page
//! numbers, each question with its reply, the outstanding questions at the end.

use crate::{document::Document, download, pdf};
use app::{
    audit::{
        db::{record, Actor, Entry},
        AuditAction,
    },
    auth::Role,
    dates::roc_date,
    error::AppError,
    state::{AppState, ClientAddr},
    volume::{Volume, VolumeFilter, VolumeFormat, COMPILE_FORM, SEND_FORM},
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
        .route("/volume.odt", get(now_odt))
        .route("/volume.pdf", get(now_pdf))
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
    let doc = document(volume);
    match format {
        VolumeFormat::Odt => doc.to_odt().map_err(|e| AppError::internal("odt", e)),
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
    Extension(state): Extension<AppState>,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    session: Session,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let filter = form_filter(&form);
    let back = volume_page(filter.as_ref());
    let result = async {
        let user = crate::flash::form_caller(&session, &state, READERS).await?;
        let filter = filter
            .clone()
            .ok_or_else(|| AppError::validation("session", "請選擇會期。"))?;
        let format = form
            .get("format")
            .and_then(|f| VolumeFormat::parse(f))
            .ok_or_else(|| AppError::validation("format", "請選擇檔案格式。"))?;
        // The session must exist before anything is stored or started.
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM council_sessions WHERE id = $1")
                .bind(filter.session)
                .fetch_optional(&state.db)
                .await?;
        if known.is_none() {
            return Err(AppError::NotFound);
        }
        let now = state.now().timestamp();
        let id = app::volume::db::create_job(&state.db, &filter, format, user.id, now).await?;
        let entry = Entry::new(AuditAction::VolumeCompiled, "volume_job", id)
            .data(serde_json::json!({ "session_id": filter.session, "format": format.as_str() }));
        let mut tx = app::db::begin(&state.db).await?;
        record(
            &mut tx,
            now,
            &Actor::user(user.id, &user.username),
            &client,
            &entry,
        )
        .await?;
        tx.commit().await?;
        tokio::spawn(run_job(
            state.clone(),
            fonts,
            queue.clone(),
            user.id,
            id,
            filter,
            format,
        ));
        Ok(id)
    }
    .await;
    crate::flash::form_answer(
        &session,
        crate::flash::wants_html(&headers),
        result,
        |id| format!("/volume/jobs/{id}"),
        &back,
        COMPILE_FORM,
    )
    .await
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
        let volume = app::volume::db::volume(&db, &filter, today).await?;
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
async fn job_file(
    Extension(state): Extension<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    if let Err(refused) = download::reader(&session, &state, READERS).await {
        return refused;
    }
    kept(
        app::volume::db::job_file(&state.db, id).await,
        "找不到這個檔案，或檔案尚未產生完成。",
    )
}

/// A volume file kept in the database (name, type, bytes), as a download.
fn kept(file: Result<Option<(String, String, Vec<u8>)>, sqlx::Error>, missing: &str) -> Response {
    match file {
        Ok(Some((name, content_type, data))) => {
            let ascii = if content_type == pdf::MEDIA_TYPE {
                "volume.pdf"
            } else {
                "volume.odt"
            };
            download::attachment(data, &content_type, ascii, &name)
        }
        Ok(None) => (StatusCode::NOT_FOUND, missing.to_owned()).into_response(),
        Err(e) => download::error(e.into()),
    }
}

/// Records that the volume the form describes was sent to the council on the day given:
/// compiles it now in the format chosen (ODT unless PDF is asked for), keeps that exact
/// file, and marks each reply in it as sent.
async fn send(
    Extension(state): Extension<AppState>,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    Extension(ClientAddr(client)): Extension<ClientAddr>,
    session: Session,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let filter = form_filter(&form);
    let page = volume_page(filter.as_ref());
    let result = async {
        let user = crate::flash::form_caller(&session, &state, &[Role::Secretariat]).await?;
        let filter = filter
            .clone()
            .ok_or_else(|| AppError::validation("session", "請選擇會期。"))?;
        let sent_on = form
            .get("sent_on")
            .and_then(|d| app::dates::parse_date(d))
            .ok_or_else(|| {
                AppError::validation("sent_on", "請輸入函送議會的日期，例如 113/05/10。")
            })?;
        let format = match form.get("format").map(String::as_str) {
            None | Some("") => VolumeFormat::Odt,
            Some(f) => VolumeFormat::parse(f)
                .ok_or_else(|| AppError::validation("format", "請選擇檔案格式。"))?,
        };
        let today = state.today();
        if sent_on > today {
            return Err(AppError::validation("sent_on", "函送日期不能晚於今天。"));
        }
        let volume = app::volume::db::volume(&state.db, &filter, today).await?;
        if volume.entries.is_empty() {
            return Err(AppError::validation(
                "sent_on",
                "這份彙編沒有任何已審查通過的答復，無須函送。",
            ));
        }
        let bytes = {
            let _turn = queue.turn(user.id).await;
            render(volume.clone(), format, fonts, |_, _| {}).await?
        };
        let name = format!(
            "{}_{}.{}",
            volume.title(),
            roc_date(sent_on).replace('/', ""),
            format.extension()
        );
        let now = state.now().timestamp();
        let mut tx = app::db::begin(&state.db).await?;
        let id = app::volume::db::record_sending(
            &mut tx,
            &filter,
            &volume,
            (&name, format.media_type(), &bytes),
            sent_on,
            &user,
            now,
        )
        .await?;
        let entry = Entry::new(AuditAction::VolumeSent, "volume", id).data(serde_json::json!({
            "session_id": filter.session,
            "sent_on": sent_on,
            "replies": volume.entries.len(),
            "format": format.as_str(),
        }));
        record(
            &mut tx,
            now,
            &Actor::user(user.id, &user.username),
            &client,
            &entry,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
    .await;
    crate::flash::form_answer(
        &session,
        crate::flash::wants_html(&headers),
        result,
        |_| format!("{page}#sent"),
        &page,
        SEND_FORM,
    )
    .await
}

/// The exact file that went to the council.
async fn sent_file(
    Extension(state): Extension<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    if let Err(refused) = download::reader(&session, &state, READERS).await {
        return refused;
    }
    kept(
        app::volume::db::sent_file(&state.db, id).await,
        "找不到這份彙編。",
    )
}

async fn now_odt(
    state: Extension<AppState>,
    fonts: Extension<pdf::FontPaths>,
    queue: Extension<RenderQueue>,
    session: Session,
    query: Query<HashMap<String, String>>,
) -> Response {
    now(state, fonts, queue, session, query, VolumeFormat::Odt).await
}

async fn now_pdf(
    state: Extension<AppState>,
    fonts: Extension<pdf::FontPaths>,
    queue: Extension<RenderQueue>,
    session: Session,
    query: Query<HashMap<String, String>>,
) -> Response {
    now(state, fonts, queue, session, query, VolumeFormat::Pdf).await
}

/// The volume as a file at once, for scripts and other clients (the page compiles in the
/// background instead).
async fn now(
    Extension(state): Extension<AppState>,
    Extension(fonts): Extension<pdf::FontPaths>,
    Extension(queue): Extension<RenderQueue>,
    session: Session,
    Query(query): Query<HashMap<String, String>>,
    format: VolumeFormat,
) -> Response {
    let user = match download::reader(&session, &state, READERS).await {
        Ok(user) => user,
        Err(refused) => return refused,
    };
    let Some(filter) = form_filter(&query) else {
        return (StatusCode::BAD_REQUEST, "請選擇會期。").into_response();
    };
    let today = state.today();
    let result = async {
        let volume = app::volume::db::volume(&state.db, &filter, today).await?;
        let name = file_name(&volume, format);
        // In the same line as the page's compilations.
        let _turn = queue.turn(user.id).await;
        let bytes = render(volume, format, fonts, |_, _| {}).await?;
        Ok::<_, AppError>((bytes, name))
    }
    .await;
    match result {
        Ok((bytes, name)) => download::attachment(
            bytes,
            format.media_type(),
            &format!("volume.{}", format.extension()),
            &name,
        ),
        Err(err) => download::error(err),
    }
}

/// The volume as a document, the same for ODT and PDF: a cover, the contents on their own
/// pages with each question's page number, then each question under its own heading (the
/// navigator and the PDF's bookmarks list them), the outstanding questions last.
pub fn document(v: &Volume) -> Document {
    let anchor = |e: &app::volume::Entry| format!("q{}", e.case_id);
    let mut contents: Vec<(String, String)> = v
        .entries
        .iter()
        .map(|e| {
            (
                format!("{}　{}（{}）", e.label(), e.topic, e.councilors.join("、")),
                anchor(e),
            )
        })
        .collect();
    if !v.outstanding.is_empty() {
        contents.push(("尚未完成答復之質詢".into(), OUTSTANDING.into()));
    }
    let mut doc = Document::new(v.title())
        .paragraph("臺北市政府")
        .heading(1, v.title())
        .paragraph(format!("中華民國 {}", roc_date(v.compiled_on)))
        .paragraph(format!(
            "已審查通過之書面答復 {} 題；尚未完成答復 {} 題。",
            v.entries.len(),
            v.outstanding.len()
        ))
        .page_break()
        .heading(2, "目錄")
        .contents(contents)
        .page_break();
    for e in &v.entries {
        doc = doc
            .heading_at(2, format!("{}　{}", e.label(), e.topic), anchor(e))
            .paragraph(format!("質詢議員：{}", e.councilors.join("、")))
            .paragraph(format!(
                "質詢類別：{}（{}）",
                e.sitting_type,
                roc_date(e.sitting_date)
            ))
            .paragraph(format!("答復機關：{}", e.bureaus.join("、")))
            .heading(3, "質詢內容")
            .paragraph(e.body.clone())
            .heading(3, "答復內容")
            .paragraph(e.reply.clone());
    }
    if !v.outstanding.is_empty() {
        let rows = v
            .outstanding
            .iter()
            .map(|e| {
                vec![
                    e.label(),
                    e.councilors.join("、"),
                    e.topic.clone(),
                    e.bureaus.join("、"),
                ]
            })
            .collect();
        doc = doc
            .page_break()
            .heading_at(2, "尚未完成答復之質詢", OUTSTANDING.into())
            .table(&["編號", "議員", "質詢議題", "答復機關"], rows);
    }
    doc
}

const OUTSTANDING: &str = "outstanding";

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
