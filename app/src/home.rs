//! The start page: what each role works on first. Lists fill in as the case workflow lands.

use crate::{
    auth::{guard::RequireRole, CurrentUser, Role},
    components::EmptyPanel,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The panels of a role's start page: a heading and what it says while empty.
pub fn start_panels(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Secretariat => &[
            ("遭退回待改分案件", "目前沒有局處退回的案件。"),
            ("待分派案件", "目前沒有待分派的質詢或索資案件。"),
            ("待檢核答復", "目前沒有局處送來的答復。"),
        ],
        Role::BureauLiaison => &[
            ("本局待辦案件", "目前沒有指派給本局的案件。"),
            ("即將逾期", "目前沒有即將逾期的案件。"),
        ],
        Role::BureauApprover => &[("待核定答復", "目前沒有待您核定的答復或資料。")],
        Role::Reviewer => &[
            ("待審查答復", "目前沒有待審查的書面答復。"),
            ("列管案件", "目前沒有列管中的案件。"),
        ],
        Role::Admin => &[],
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="我的工作｜府會通" />
        <RequireRole roles=&Role::ALL children=|user| view! { <StartPage user /> } />
    }
}

#[component]
fn StartPage(user: CurrentUser) -> impl IntoView {
    let greeting = match &user.bureau_name {
        Some(bureau) => format!("{}（{}）", user.display_name, bureau),
        None => user.display_name.clone(),
    };
    view! {
        <h1>"我的工作"</h1>
        <p class="lead">{greeting}"，您好。您的角色是「"{user.role.label()}"」。"</p>
        {(user.role == Role::Admin)
            .then(|| {
                view! {
                    <section class="panel">
                        <h2>"系統管理"</h2>
                        <p>
                            <A href="/admin/users">"使用者管理"</A>
                            "：檢視帳號、建立新使用者。"
                        </p>
                    </section>
                }
            })}
        <div class="panels">
            {start_panels(user.role)
                .iter()
                .map(|(title, empty)| view! { <EmptyPanel title=*title empty=*empty /> })
                .collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_working_role_has_something_on_its_start_page() {
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            assert!(!start_panels(role).is_empty(), "{role}");
        }
    }
}
