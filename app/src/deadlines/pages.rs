//! Admin: deadline rules and the working-day calendar.

use super::{
    server_fns::{
        load_deadline_settings, AddCalendarDay, ImportCalendar, RemoveCalendarDay, SaveRule,
    },
    Counting, DayKind,
};
use crate::components::PageTitle;
use crate::{
    auth::{guard::RequireRole, Role},
    components::{form_result, ErrorPage, FieldError, FormError},
    dates::roc_date,
};
use leptos::prelude::*;

/// Where a calendar file is uploaded, and the name its refusal is flashed under.
pub const CALENDAR_UPLOAD_PATH: &str = "/admin/deadlines/calendar";
pub const CALENDAR_UPLOAD_FORM: &str = "calendar-upload";

/// What the latest import changed: shown with or without JavaScript, and after a reload.
#[component]
fn LastImportNote(last: super::LastImport) -> impl IntoView {
    let source = match last.source.as_str() {
        "national" => "系統內建的全國行事曆".to_owned(),
        "" => "貼上的內容".to_owned(),
        file => format!("檔案「{file}」"),
    };
    let by = if last.by.is_empty() {
        String::new()
    } else {
        format!("，{}", last.by)
    };
    let what = last
        .change
        .map(|c| c.sentence())
        .unwrap_or_else(|| "（未記錄變動內容）".into());
    view! {
        <p class="notice" role="status">
            {format!("最近一次匯入（{}{by}，{source}）：{what}", crate::dates::roc_datetime(last.at))}
        </p>
    }
}

#[component]
pub fn DeadlinesPage() -> impl IntoView {
    view! {
        <PageTitle text="期限規則與行事曆｜府會通" />
        <RequireRole roles=&[Role::Admin] children=|_| view! { <Deadlines /> } />
    }
}

#[component]
fn Deadlines() -> impl IntoView {
    let save = ServerAction::<SaveRule>::new();
    let add = ServerAction::<AddCalendarDay>::new();
    let remove = ServerAction::<RemoveCalendarDay>::new();
    let import = ServerAction::<ImportCalendar>::new();
    let settings = Resource::new(
        move || {
            save.version().get()
                + add.version().get()
                + remove.version().get()
                + import.version().get()
        },
        |_| load_deadline_settings(),
    );
    let save_error = form_result(save.value());
    let add_error = form_result(add.value());
    let remove_error = form_result(remove.value());
    let import_error = form_result(import.value());
    let uploaded = crate::error::flashed_error(CALENDAR_UPLOAD_FORM);
    view! {
        <h1>"期限規則與行事曆"</h1>
        <Transition fallback=|| view! { <p class="loading">"載入中…"</p> }>
            {Suspend::new(async move {
                match settings.await {
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                    Ok(s) => view! {
                        {s.last_import.clone().map(|last| view! { <LastImportNote last /> })}
                        <section class="panel">
                            <h2>"期限規則"</h2>
                            <p class="hint">"質詢自質詢日起算，索資自收件日起算；以日曆天計算而期限落在放假日時，順延至次一上班日。"</p>
                            <FormError error=save_error />
                            <FieldError error=save_error field="days" />
                            <FieldError error=save_error field="counting" />
                            <table class="data-table">
                                <thead><tr><th scope="col">"規則"</th><th scope="col">"天數"</th><th scope="col">"計算方式"</th><th></th></tr></thead>
                                <tbody>
                                    {s.rules.into_iter().map(|r| {
                                        let form_id = format!("rule-{}", r.kind.as_str());
                                        view! {
                                            <tr>
                                                <th scope="row">{r.kind.label()}</th>
                                                <td><input form=form_id.clone() name="days" inputmode="numeric" value=r.days aria-label=format!("{}天數", r.kind.label()) /></td>
                                                <td>
                                                    <select form=form_id.clone() name="counting" aria-label=format!("{}計算方式", r.kind.label())>
                                                        {[Counting::Calendar, Counting::Working].into_iter().map(|c| view! { <option value=c.as_str() selected=c == r.counting>{c.label()}</option> }).collect_view()}
                                                    </select>
                                                </td>
                                                <td>
                                                    <ActionForm action=save attr:id=form_id attr:class="inline-form">
                                                        <input type="hidden" name="rule" value=r.kind.as_str() />
                                                        <button type="submit">"儲存"</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                        <section class="panel">
                            <h2>"行事曆（放假日與補行上班日）"</h2>
                            <p class="hint">"週一至週五為上班日、週六日放假；只需登錄例外的日子。"</p>
                            <FormError error=remove_error />
                            {if s.days.is_empty() {
                                view! { <p class="empty">"尚未登錄任何放假日或補班日。"</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data-table">
                                        <thead><tr><th scope="col">"日期"</th><th scope="col">"類別"</th><th scope="col">"名稱"</th><th></th></tr></thead>
                                        <tbody>
                                            {s.days.into_iter().map(|d| view! {
                                                <tr>
                                                    <td>{roc_date(d.day)}</td>
                                                    <td>{d.kind.label()}</td>
                                                    <td>{d.name}</td>
                                                    <td>
                                                        <ActionForm action=remove attr:class="inline-form">
                                                            <input type="hidden" name="day" value=d.day.to_string() />
                                                            <button type="submit" class="secondary" aria-label=format!("刪除 {}", roc_date(d.day))>"刪除"</button>
                                                        </ActionForm>
                                                    </td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="panel">
            <h2>"新增一天"</h2>
            <ActionForm action=add attr:class="grid-form" attr:aria-label="新增行事曆日期">
                <FormError error=add_error />
                <label for="cal-day">"日期"</label>
                <div>
                    <input id="cal-day" name="day" placeholder=crate::dates::example_date() required />
                    <FieldError error=add_error field="day" />
                </div>
                <label for="cal-kind">"類別"</label>
                <div>
                    <select id="cal-kind" name="kind">
                        {[DayKind::Holiday, DayKind::Workday].into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                    <FieldError error=add_error field="kind" />
                </div>
                <label for="cal-name">"名稱"</label>
                <div><input id="cal-name" name="name" placeholder="兒童節及民族掃墓節" /></div>
                <div></div>
                <div><button type="submit">"新增"</button></div>
            </ActionForm>
        </section>
        <section class="panel">
            <h2>"匯入行事曆"</h2>
            <p class="hint">
                "可匯入行政院人事行政總處「政府行政機關辦公日曆表」（西元日期,星期,是否放假,備註）、"
                "縣市政府開放資料的行事曆（Date,name,isHoliday,…），或每行「日期,類別,名稱」（類別為放假或補行上班）；"
                "逗號或 Tab 分隔皆可，可含多個年度。匯入公告的日曆表會取代其涵蓋年份的全部放假日與補班日（更正版日曆表不再列為放假的日子即恢復上班）；「日期,類別,名稱」只新增或更正所列的日子。匯入後列出變動。"
            </p>
            <form method="post" action=CALENDAR_UPLOAD_PATH enctype="multipart/form-data" class="stacked-form" aria-label="上傳行事曆檔案">
                {uploaded.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                <label for="cal-file">"行事曆檔案（CSV，UTF-8 或 Big5）"</label>
                <input id="cal-file" type="file" name="file" accept=".csv,.txt,text/csv,text/plain" required />
                <button type="submit">"上傳並匯入"</button>
            </form>
            <ActionForm action=import attr:class="stacked-form" attr:aria-label="貼上行事曆">
                <FormError error=import_error />
                <label for="cal-csv">"或貼上內容（可由試算表直接複製）"</label>
                <textarea id="cal-csv" name="csv" rows="8" required></textarea>
                <FieldError error=import_error field="csv" />
                <button type="submit">"匯入"</button>
            </ActionForm>
        </section>
    }
}
