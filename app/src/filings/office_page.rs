//! The office's forms on its status link: a new data request, a new service case. Plain
//! HTML for a phone, no script (the server's `features::filings` serves them with the
//! status page's headers); a multipart post so files can go with it. A refused form comes
//! back with every mistake beside its field and what was typed still in place. Every text is
//! escaped by the renderer.

use super::FilingKind;
use crate::{
    cases::{batch::MAX_FILES, Priority, LONG_TEXT_MAX_CHARS},
    city::City,
    error::AppError,
    links::{status_page::document, PATH},
    service::{
        Category, ADDRESS_MAX_CHARS, DISTRICT_MAX_CHARS, NAME_MAX_CHARS, PHONE_MAX_CHARS,
        TOPIC_MAX_CHARS,
    },
};
use leptos::prelude::*;
use std::collections::HashMap;

/// What the form page needs besides its kind.
pub struct FormPage {
    pub councilor: String,
    pub categories: Vec<Category>,
    /// How many more the link may file today.
    pub left_today: i64,
    /// The refused post's mistakes and what was typed.
    pub error: Option<AppError>,
    pub typed: HashMap<String, String>,
}

/// The form of `kind` for the office of `token`.
pub fn form(city: &City, kind: FilingKind, token: &str, page: FormPage) -> String {
    let title = match kind {
        FilingKind::DataRequest => "新增索取資料",
        FilingKind::Service => "新增服務案件",
    };
    let token = token.to_owned();
    document(
        city,
        format!("{} 議員 {title}", page.councilor),
        move || {
            view! { <Form kind token page title /> }
        },
    )
}

/// The page of a link that may not file (switched off, or a one-case link).
pub fn closed(city: &City, token: &str) -> String {
    let back = format!("{PATH}{token}");
    let ask = format!(
        "此連結未開放線上送件。如需索取資料或轉達陳情，請洽{}府會聯絡人員。",
        city.liaison_office()
    );
    document(city, "未開放線上送件".into(), move || {
        view! {
            <h1>"未開放線上送件"</h1>
            <p>{ask}</p>
            <p><a href=back>"回到案件進度"</a></p>
        }
    })
}

#[component]
fn Form(kind: FilingKind, token: String, page: FormPage, title: &'static str) -> impl IntoView {
    let back = format!("{PATH}{token}");
    let action = format!("{PATH}{token}/new/{}", kind.as_str());
    let error = page.error;
    let typed = page.typed;
    let value = move |name: &str| typed.get(name).cloned().unwrap_or_default();
    let problem = |name: &str| {
        error
            .as_ref()
            .and_then(|e| e.field_message(name))
            .map(|m| view! { <p class="field-error" id=format!("{name}-error")>{m}</p> })
    };
    let general = error.as_ref().and_then(|e| match e {
        AppError::Validation { .. } => None,
        other => Some(other.to_string()),
    });
    let summary = error
        .as_ref()
        .filter(|e| matches!(e, AppError::Validation { .. }))
        .map(|e| e.problems().len())
        .map(|n| format!("有 {n} 處需要修正，請見各欄位下方的說明。"));
    let left = if page.left_today > 0 {
        format!("此連結今天還可送出 {} 件。", page.left_today)
    } else {
        "此連結今天的送件數已達上限，請明天再送。".to_owned()
    };
    let fields = match kind {
        FilingKind::DataRequest => {
            let priority = value("priority");
            let three_days = !value("within_three_days").is_empty();
            view! {
                <label for="topic">"索資主旨"</label>
                <input id="topic" name="topic" value=value("topic") maxlength="200" required />
                {problem("topic")}
                <label for="body">"索取資料項目"</label>
                <textarea id="body" name="body" rows="6" maxlength=LONG_TEXT_MAX_CHARS.to_string() required>{crate::escape::raw_child(value("body"))}</textarea>
                {problem("body")}
                <label for="priority">"速別"</label>
                <select id="priority" name="priority">
                    {Priority::ALL
                        .iter()
                        .map(|p| view! {
                            <option value=p.as_str() selected=priority == p.as_str()>{p.label()}</option>
                        })
                        .collect_view()}
                </select>
                {problem("priority")}
                <label class="check">
                    <input type="checkbox" name="within_three_days" checked=three_days />
                    "需於三日內取件"
                </label>
            }
            .into_any()
        }
        FilingKind::Service => {
            let chosen = value("category_id");
            view! {
                <label for="category_id">"案件類別"</label>
                <select id="category_id" name="category_id" required>
                    <option value="">"請選擇"</option>
                    {page.categories
                        .iter()
                        .map(|c| view! {
                            <option value=c.id.to_string() selected=chosen == c.id.to_string()>{c.name.clone()}</option>
                        })
                        .collect_view()}
                </select>
                {problem("category_id")}
                <label for="topic">"案由"</label>
                <input id="topic" name="topic" value=value("topic") maxlength=TOPIC_MAX_CHARS.to_string() required />
                {problem("topic")}
                <label for="body">"陳情事項"</label>
                <textarea id="body" name="body" rows="6" maxlength=LONG_TEXT_MAX_CHARS.to_string() required>{crate::escape::raw_child(value("body"))}</textarea>
                {problem("body")}
                <label for="district">"行政區"</label>
                <input id="district" name="district" value=value("district") maxlength=DISTRICT_MAX_CHARS.to_string() />
                {problem("district")}
                <label for="address">"地點"</label>
                <input id="address" name="address" value=value("address") maxlength=ADDRESS_MAX_CHARS.to_string() />
                {problem("address")}
                <fieldset>
                    <legend>"陳情人（個人資料）"</legend>
                    <p class="status-note">"僅供承辦機關聯繫之用，不會顯示在本頁；結案後依保存期限刪除。"</p>
                    <label for="constituent_name">"姓名"</label>
                    <input id="constituent_name" name="constituent_name" value=value("constituent_name") maxlength=NAME_MAX_CHARS.to_string() autocomplete="off" />
                    {problem("constituent_name")}
                    <label for="constituent_phone">"電話"</label>
                    <input id="constituent_phone" name="constituent_phone" type="tel" value=value("constituent_phone") maxlength=PHONE_MAX_CHARS.to_string() autocomplete="off" />
                    {problem("constituent_phone")}
                </fieldset>
            }
            .into_any()
        }
    };
    view! {
        <p><a href=back.clone()>"← 回到案件進度"</a></p>
        <h1>{title}</h1>
        <p class="status-note">{left}</p>
        {general.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        {summary.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        <form method="post" action=action enctype="multipart/form-data" class="status-filing" aria-label=title>
            {fields}
            <label for="contact">"辦公室聯絡人與電話"</label>
            <input id="contact" name="contact" value=value("contact") maxlength="100" required=kind == FilingKind::DataRequest />
            {problem("contact")}
            <label for="files">{format!("附件（選填，最多 {MAX_FILES} 個檔案）")}</label>
            <input id="files" name="files" type="file" multiple />
            {problem("files")}
            <button type="submit">"送出"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_form_keeps_what_was_typed_escaped_and_names_each_mistake() {
        let evil = "<script>alert(1)</script>";
        let typed: HashMap<String, String> = [
            ("topic".to_owned(), evil.to_owned()),
            ("body".to_owned(), format!("{evil}</textarea>")),
        ]
        .into_iter()
        .collect();
        let error = AppError::validation("contact", "請輸入聯絡人與電話。");
        let page = FormPage {
            councilor: evil.into(),
            categories: vec![],
            left_today: 3,
            error: Some(error),
            typed,
        };
        let html = form(&City::default(), FilingKind::DataRequest, "tok", page);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;/textarea&gt;"));
        assert!(html.contains("請輸入聯絡人與電話。"));
        assert!(html.contains("action=\"/s/tok/new/data-request\""));
        assert!(html.contains("enctype=\"multipart/form-data\""));
        assert!(html.contains("今天還可送出 3 件"));
    }

    #[test]
    fn the_service_form_lists_the_categories_and_says_what_becomes_of_personal_data() {
        let page = FormPage {
            councilor: "王議員".into(),
            categories: vec![Category {
                id: 4,
                name: "路燈".into(),
            }],
            left_today: 1,
            error: None,
            typed: HashMap::new(),
        };
        let html = form(&City::default(), FilingKind::Service, "tok", page);
        assert!(html.contains("<option value=\"4\">路燈</option>"), "{html}");
        assert!(html.contains("不會顯示在本頁"));
    }
}
