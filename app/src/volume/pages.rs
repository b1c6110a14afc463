//! `/volume`: choose a session (and optionally a sitting type, dates, a bureau or a
//! councilor), read the compiled volume as a print-ready page, have it written as ODT or
//! PDF in the background (`/volume/jobs/:id` shows how far it has come), record its sending.

use super::{
    server_fns::{load_volume, sent_volumes, volume_job, volume_jobs},
    Entry, Job, JobState, SentVolume, Volume, VolumeFilter, VolumeFormat,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::ErrorPage,
    dates::roc_date,
    reference::{server_fns::load_choices, Choices},
};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn VolumePage() -> impl IntoView {
    view! {
        <PageTitle text="書面答復彙編｜府會通" />
        <RequireRole
            roles=&[Role::Secretariat, Role::Reviewer]
            children=|user| view! { <VolumeView may_send=user.role == Role::Secretariat /> }
        />
    }
}

#[component]
fn VolumeView(may_send: bool) -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.get();
        VolumeFilter::from_query(|k| q.get(k).filter(|v| !v.trim().is_empty()))
    };
    let data = Resource::new(filter, |filter| async move {
        let choices = load_choices().await?;
        let volume = match filter.clone() {
            Some(f) => Some((
                sent_volumes(f.session).await?,
                volume_jobs(f.session).await?,
                load_volume(f).await?,
            )),
            None => None,
        };
        Ok::<_, crate::error::AppError>((choices, filter, volume))
    });
    view! {
        <h1 class="no-print">"書面答復彙編"</h1>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok((choices, filter, volume)) => view! {
                        <FilterForm choices filter=filter.clone() />
                        {match (filter, volume) {
                            (Some(f), Some((sent, jobs, v))) => view! {
                                <Files filter=f.clone() jobs />
                                <Sending filter=f.clone() sent may_send />
                                <VolumeBody v />
                            }
                                .into_any(),
                            _ => view! {
                                <p class="empty">"請選擇會期，彙編該會期已審查通過的書面答復。"</p>
                            }
                                .into_any(),
                        }}
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

fn options(items: &[(i64, String)], chosen: Option<i64>, blank: &'static str) -> AnyView {
    view! {
        <option value="">{blank}</option>
        {items
            .iter()
            .map(|(id, name)| view! { <option value=id.to_string() selected=chosen == Some(*id)>{name.clone()}</option> })
            .collect_view()}
    }
    .into_any()
}

#[component]
fn FilterForm(choices: Choices, filter: Option<VolumeFilter>) -> impl IntoView {
    let f = filter.unwrap_or_default();
    let chosen_session = (f.session != 0)
        .then_some(f.session)
        .or_else(|| choices.sessions.first().map(|s| s.0));
    view! {
        <form method="get" action="/volume" class="grid-form panel no-print" aria-label="彙編條件">
            <label for="volume-session">"會期"</label>
            <select id="volume-session" name="session" required>
                <option value="">"（請選擇會期）"</option>
                {choices
                    .sessions
                    .iter()
                    .enumerate()
                    .map(|(i, (id, name))| {
                        let chosen = chosen_session.map_or(i == 0, |c| c == *id);
                        view! { <option value=id.to_string() selected=chosen>{name.clone()}</option> }
                    })
                    .collect_view()}
            </select>
            <label for="volume-sitting">"質詢類別"</label>
            <select id="volume-sitting" name="sitting_type">{options(&choices.sitting_types, f.sitting_type, "全部類別")}</select>
            <label for="volume-from">"質詢日期自"</label>
            <input id="volume-from" name="from" placeholder=crate::dates::example_date() value=f.from.map(roc_date).unwrap_or_default() />
            <label for="volume-to">"至"</label>
            <input id="volume-to" name="to" placeholder=crate::dates::example_date() value=f.to.map(roc_date).unwrap_or_default() />
            <label for="volume-bureau">"答復機關"</label>
            <select id="volume-bureau" name="bureau">{options(&choices.bureaus, f.bureau, "全部機關")}</select>
            <label for="volume-councilor">"議員"</label>
            <select id="volume-councilor" name="councilor">{options(&choices.councilors, f.councilor, "全部議員")}</select>
            <div></div>
            <div><button type="submit">"彙編"</button></div>
        </form>
    }
}

/// The filter as hidden fields of a form that posts it to the server.
fn hidden_filter(filter: &VolumeFilter) -> AnyView {
    [
        ("session", Some(filter.session.to_string())),
        ("sitting_type", filter.sitting_type.map(|v| v.to_string())),
        ("from", filter.from.map(roc_date)),
        ("to", filter.to.map(roc_date)),
        ("bureau", filter.bureau.map(|v| v.to_string())),
        ("councilor", filter.councilor.map(|v| v.to_string())),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| view! { <input type="hidden" name=k value=v /> }))
    .collect_view()
    .into_any()
}

fn format_choice(name_prefix: &'static str) -> AnyView {
    VolumeFormat::ALL
        .iter()
        .map(|f| {
            let id = format!("{name_prefix}-{}", f.as_str());
            let label_for = id.clone();
            view! {
                <label for=label_for class="choice">
                    <input type="radio" id=id name="format" value=f.as_str() checked=*f == VolumeFormat::Odt />
                    {f.label()}
                </label>
            }
        })
        .collect_view()
        .into_any()
}

/// Writing the volume as a file: a plain post that starts the work in the background and
/// leads to its progress; the files written lately, to download again.
#[component]
fn Files(filter: VolumeFilter, jobs: Vec<Job>) -> impl IntoView {
    let refused = crate::error::flashed_error(super::COMPILE_FORM);
    view! {
        <section class="panel no-print" aria-labelledby="files-heading">
            <h2 id="files-heading">"產生檔案"</h2>
            <form method="post" action="/volume/compile" class="inline-row" aria-label="產生彙編檔案">
                {hidden_filter(&filter)}
                {refused.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                <fieldset class="inline-choices">
                    <legend>"檔案格式"</legend>
                    {format_choice("compile-format")}
                </fieldset>
                <button type="submit">"產生檔案"</button>
            </form>
            <p class="field-hint">"檔案在背景產生，完成後保留一週供下載。列印請使用瀏覽器的列印功能（已排版為 A4）。"</p>
            {(!jobs.is_empty()).then(|| view! {
                <table class="data-table">
                    <caption>"最近產生的檔案"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"產生時間"</th>
                            <th scope="col">"格式"</th>
                            <th scope="col">"狀態"</th>
                            <th scope="col">"申請人"</th>
                            <th scope="col">"檔案"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {jobs.into_iter().map(|j| view! {
                            <tr>
                                <td>{crate::dates::roc_datetime(j.created_at)}</td>
                                <td>{j.format.as_str().to_uppercase()}</td>
                                <td><a href=format!("/volume/jobs/{}", j.id)>{j.state.label()}</a></td>
                                <td>{j.requested_by.clone()}</td>
                                <td>{(j.state == JobState::Done).then(|| view! {
                                    <a href=format!("/volume/jobs/{}/file", j.id) download>{j.file_name.clone().unwrap_or_default()}</a>
                                })}</td>
                            </tr>
                        }.into_any()).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

/// The volumes already sent, and (for the secretariat) the form that records sending this
/// one: a plain post to the server, which keeps the exact file.
#[component]
fn Sending(filter: VolumeFilter, sent: Vec<SentVolume>, may_send: bool) -> impl IntoView {
    let refused = crate::error::flashed_error(super::SEND_FORM);
    view! {
        <section class="panel no-print" id="sent" aria-labelledby="sent-heading">
            <h2 id="sent-heading">"函送議會"</h2>
            {if sent.is_empty() {
                view! { <p class="empty">"本會期尚未函送書面答復彙編。"</p> }.into_any()
            } else {
                view! {
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">"函送日期"</th>
                                <th scope="col">"發文字號"</th>
                                <th scope="col">"彙編"</th>
                                <th scope="col" class="num">"答復題數"</th>
                                <th scope="col" class="num">"尚未完成"</th>
                                <th scope="col">"紀錄人"</th>
                                <th scope="col">"檔案"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {sent.into_iter().map(|v| view! {
                                <tr>
                                    <td>{roc_date(v.sent_on)}</td>
                                    <td>{v.letter_number}</td>
                                    <td>{v.title}</td>
                                    <td class="num">{v.replies}</td>
                                    <td class="num">{v.outstanding}</td>
                                    <td>{v.recorded_by}</td>
                                    <td><a href=format!("/volumes/{}/file", v.id) download>{format!("函送之檔案（{}）", v.format.as_str().to_uppercase())}</a></td>
                                </tr>
                            }.into_any()).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {may_send.then(|| view! {
                <form method="post" action="/volume/send" class="inline-row" aria-label="記錄函送議會">
                    {hidden_filter(&filter)}
                    {refused.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    <label for="sent-on">"函送日期"</label>
                    <input id="sent-on" name="sent_on" placeholder=crate::dates::example_date() required />
                    <label for="letter-number">"發文字號（選填）"</label>
                    <input id="letter-number" name="letter_number" maxlength="40" placeholder=format!("府議字第{}0012345號", crate::dates::example_date().split('/').next().unwrap_or_default()) />
                    <fieldset class="inline-choices">
                        <legend>"函送檔案格式"</legend>
                        {format_choice("send-format")}
                    </fieldset>
                    <button type="submit">"記錄函送議會"</button>
                </form>
                <p class="field-hint">"記錄後，本彙編的檔案原樣保存，其中各題顯示為已函送議會。"</p>
            })}
        </section>
    }
}

fn anchor(e: &Entry) -> String {
    format!("q-{}", e.case_id)
}

#[component]
fn VolumeBody(v: Volume) -> impl IntoView {
    let title = v.title();
    let count = v.entries.len();
    let outstanding = v.outstanding.len();
    let corrections = v.corrections.len();
    let corrected = if corrections > 0 {
        format!("另有勘誤 {corrections} 則。")
    } else {
        String::new()
    };
    view! {
        <p class="no-print downloads">
            {format!("已審查通過 {count} 題，尚未完成 {outstanding} 題。{corrected}")}
        </p>
        <article class="volume">
            <header class="volume-cover">
                <p class="volume-council">{v.government.clone()}</p>
                <h2>{title}</h2>
                <p>{crate::dates::roc_long_date(v.compiled_on)}</p>
            </header>
            <nav class="volume-toc" aria-label="目錄">
                <h2>"目錄"</h2>
                <ol>
                    {v.entries
                        .iter()
                        .map(|e| view! {
                            <li><a href=format!("#{}", anchor(e))>{format!("{}　{}（{}）", e.label(), e.topic, e.councilors.join("、"))}</a></li>
                        })
                        .collect_view()}
                    {(outstanding > 0).then(|| view! { <li><a href="#outstanding">"尚未完成答復之質詢"</a></li> })}
                    {(corrections > 0).then(|| view! { <li><a href="#corrections">"勘誤"</a></li> })}
                </ol>
            </nav>
            {v.entries.into_iter().map(|e| view! { <EntryView e /> }.into_any()).collect_view()}
            {(outstanding > 0).then(|| view! {
                <section class="volume-outstanding" id="outstanding">
                    <h2>"尚未完成答復之質詢"</h2>
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th scope="col">"編號"</th>
                                <th scope="col">"議員"</th>
                                <th scope="col">"質詢議題"</th>
                                <th scope="col">"答復機關"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {v.outstanding.into_iter().map(|e| view! {
                                <tr>
                                    <td>{e.label()}</td>
                                    <td>{e.councilors.join("、")}</td>
                                    <td>{e.topic.clone()}</td>
                                    <td>{e.bureaus_or_none()}</td>
                                </tr>
                            }.into_any()).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}
            {(corrections > 0).then(|| view! { <Corrections list=v.corrections /> })}
        </article>
    }
}

/// The corrections section: each corrected answer as it was sent and as it now reads.
#[component]
fn Corrections(list: Vec<super::CorrectionEntry>) -> impl IntoView {
    view! {
        <section class="volume-corrections" id="corrections">
            <h2>"勘誤"</h2>
            {list.into_iter().map(|c| view! {
                <section class="volume-entry" id=format!("correction-{}", c.id)>
                    <h3>{format!("{}　{}", c.label, c.topic)}</h3>
                    <dl class="facts">
                        <dt>"質詢議員"</dt>
                        <dd>{c.councilors.join("、")}</dd>
                        <dt>"勘誤日期"</dt>
                        <dd>{crate::dates::roc_long_date(c.approved_on)}</dd>
                        <dt>"勘誤原因"</dt>
                        <dd>{c.why.clone()}</dd>
                    </dl>
                    <h4>{c.original_heading()}</h4>
                    <div class="prose">{c.original}</div>
                    <h4>"更正為"</h4>
                    <div class="prose">{c.body}</div>
                </section>
            }.into_any()).collect_view()}
        </section>
    }
}

#[component]
fn EntryView(e: Entry) -> impl IntoView {
    let (id, heading) = (anchor(&e), format!("{}　{}", e.label(), e.topic));
    view! {
        <section class="volume-entry" id=id>
            <h3>{heading}</h3>
            <dl class="facts">
                <dt>"質詢議員"</dt>
                <dd>{e.councilors.join("、")}</dd>
                <dt>"質詢類別"</dt>
                <dd>{format!("{}（{}）", e.sitting_type, roc_date(e.sitting_date))}</dd>
                <dt>"答復機關"</dt>
                <dd>{e.bureaus.join("、")}</dd>
            </dl>
            <h4>"質詢內容"</h4>
            <div class="prose">{e.body}</div>
            <h4>"答復內容"</h4>
            {(!e.reply_elsewhere).then(|| view! { <div class="prose">{e.reply.clone()}</div> })}
            {e.shared_note.clone().map(|n| view! { <p class="shared-note" role="note">{n}</p> })}
            {e.corrected_on.map(|d| view! {
                <p class="correction-flag" role="note">{format!("※{}，更正內容見「勘誤」。", crate::corrections::flag(d))}</p>
            })}
            {(e.replied_on.is_some() || !e.letter_number.is_empty()).then(|| view! {
                <p class="volume-reply-closing">
                    {e.replied_on.map(|d| format!("答復日期：{}", crate::dates::roc_long_date(d)))}
                    {(!e.letter_number.is_empty()).then(|| view! { <br />{format!("發文字號：{}", e.letter_number)} })}
                </p>
            })}
            {(!e.promised.is_empty()).then(|| view! {
                <h4>"會後補資料"</h4>
                <ul class="plain-list">
                    {e.promised.iter().map(|p| view! { <li>{p.sentence()}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// `/volume/jobs/:id`: how far a file being written has come (the page reloads itself every
/// two seconds until it is finished, with or without JavaScript), then the file.
#[component]
pub fn VolumeJobPage() -> impl IntoView {
    view! {
        <PageTitle text="產生書面答復彙編檔案｜府會通" />
        <RequireRole
            roles=&[Role::Secretariat, Role::Reviewer]
            children=|_| view! { <JobView /> }
        />
    }
}

#[component]
fn JobView() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.get().get("id").and_then(|v| v.parse::<i64>().ok());
    let job = Resource::new(id, |id| async move {
        match id {
            Some(id) => volume_job(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <h1>"產生書面答復彙編檔案"</h1>
        <Suspense fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match job.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok(j) => view! { <JobStatus j /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn JobStatus(j: Job) -> impl IntoView {
    let back = format!("/volume?{}", j.query);
    let percent = j.percent();
    let filter = VolumeFilter::from_query(|k| {
        crate::url::query_value(&j.query, k).filter(|v| !v.is_empty())
    });
    view! {
        {(!j.state.finished()).then(|| view! { <Meta http_equiv="refresh" content="2" /> })}
        <section class="panel" aria-labelledby="job-heading">
            <h2 id="job-heading">{format!("{} 檔案", j.format.as_str().to_uppercase())}</h2>
            <p role="status">{format!("{}：{percent}%", j.state.label())}</p>
            <progress max="100" value=percent.to_string() aria-label="產生進度">{format!("{percent}%")}</progress>
            {(j.total > 1 && !j.state.finished()).then(|| view! {
                <p class="field-hint">{format!("已排版 {} / {} 段。這個頁面每兩秒更新一次；您也可以先離開，稍後在彙編頁面下載。", j.done, j.total)}</p>
            })}
            {match j.state {
                JobState::Done => view! {
                    <p>
                        <a class="button" href=format!("/volume/jobs/{}/file", j.id) download>
                            {format!("下載 {}", j.file_name.clone().unwrap_or_default())}
                        </a>
                    </p>
                }.into_any(),
                JobState::Failed | JobState::Interrupted => view! {
                    <p class="form-error" role="alert">
                        {j.error.clone().unwrap_or_else(|| "檔案產生到一半中斷了（伺服器可能已重新啟動），請重新產生。".into())}
                    </p>
                    {filter.map(|f| view! {
                        <form method="post" action="/volume/compile" aria-label="重新產生">
                            {hidden_filter(&f)}
                            <input type="hidden" name="format" value=j.format.as_str() />
                            <button type="submit">"重新產生"</button>
                        </form>
                    })}
                }.into_any(),
                _ => ().into_any(),
            }}
            <p><a href=back>"回到書面答復彙編"</a></p>
        </section>
    }
}
