//! The case page's interim replies: each one sent, and the lead bureau's form.

use super::{
    server_fns::RecordInterim, Agreement, InterimReply, KNOWN_MAX_CHARS, WHO_MAX_CHARS,
    WHY_MAX_CHARS,
};
use crate::{
    components::{form_result, kept, FieldError, FormError},
    dates::{example_date, roc_date},
};
use leptos::prelude::*;

#[component]
pub fn InterimPanel(case_id: i64, replies: Vec<InterimReply>, can_record: bool) -> impl IntoView {
    let record = ServerAction::<RecordInterim>::new();
    let error = form_result(record.value());
    let shown = replies
        .into_iter()
        .rev()
        .map(|r| {
            let head = format!("{} 期中答復：{}", roc_date(r.on), r.sentence());
            let who = (!r.agreed_with.is_empty()).then(|| format!("同意者：{}", r.agreed_with));
            view! {
                <li>
                    <p><strong>{head}</strong></p>
                    <p>{format!("已掌握：{}", r.known)}</p>
                    <p>{format!("需要更多時間的原因：{}", r.why)}</p>
                    {who.map(|w| view! { <p class="muted">{w}</p> })}
                </li>
            }
        })
        .collect_view();
    let form = can_record.then(|| {
        let chosen = kept(error, "agreement");
        view! {
            <details open=error.get_untracked().is_some()>
                <summary>"提出期中答復或記錄同意展延"</summary>
                <ActionForm action=record attr:class="stacked-form" attr:aria-label="期中答復">
                    <input type="hidden" name="case_id" value=case_id />
                    <FormError error />
                    <label for="ir-known">"目前已掌握的內容"</label>
                    <textarea id="ir-known" name="form[known]" rows="3" maxlength=KNOWN_MAX_CHARS.to_string() required>{crate::escape::raw_child(kept(error, "known"))}</textarea>
                    <FieldError error field="known" />
                    <label for="ir-why">"需要更多時間的原因"</label>
                    <textarea id="ir-why" name="form[why]" rows="2" maxlength=WHY_MAX_CHARS.to_string() required>{crate::escape::raw_child(kept(error, "why"))}</textarea>
                    <FieldError error field="why" />
                    <label for="ir-due">"預定答復日期"</label>
                    <input id="ir-due" name="form[new_due_on]" inputmode="numeric" value=kept(error, "new_due_on") placeholder=example_date() required />
                    <FieldError error field="new_due_on" />
                    <label for="ir-agreement">"議員辦公室是否同意"</label>
                    <select id="ir-agreement" name="form[agreement]" aria-describedby="ir-agreement-hint">
                        {Agreement::ALL
                            .iter()
                            .map(|a| view! { <option value=a.as_str() selected=chosen == a.as_str()>{a.label()}</option> })
                            .collect_view()}
                    </select>
                    <p class="hint" id="ir-agreement-hint">"議員辦公室同意延後或分批時，期限改為預定答復日期，如期答復不算逾期；尚未同意則期限不變。"</p>
                    <FieldError error field="agreement" />
                    <label for="ir-who">"同意的人"</label>
                    <input id="ir-who" name="form[agreed_with]" value=kept(error, "agreed_with") maxlength=WHO_MAX_CHARS.to_string() placeholder="例：林議員辦公室王助理" />
                    <FieldError error field="agreed_with" />
                    <button type="submit" class="secondary">"送出期中答復"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <section class="panel" aria-labelledby="interim-title">
            <h3 id="interim-title">"期中答復與展延"</h3>
            <ul class="plain-list">{shown}</ul>
            {form}
        </section>
    }
}
