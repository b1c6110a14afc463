//! Administration: user accounts.

pub mod audit_page;
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod db;

use crate::{
    auth::{NewPassword, Role, Username},
    error::AppError,
};
use serde::{Deserialize, Serialize};

/// One row of the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub bureau_name: Option<String>,
    pub active: bool,
    pub last_login_at: Option<i64>,
    /// Where their notices are mailed; none until the admin or they set one.
    pub email: Option<String>,
}

/// A user about to be created, checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub bureau_id: Option<i64>,
    pub password: NewPassword,
}

impl NewUser {
    /// `bureau_id` is what a form sends: empty for none. A bureau is required for bureau
    /// roles and dropped for the others, whose work is city-wide.
    pub fn parse(
        username: &str,
        display_name: &str,
        role: &str,
        bureau_id: &str,
        password: String,
    ) -> Result<Self, AppError> {
        // Every mistake at once (see `Problems`).
        let mut p = crate::error::Problems::new();
        let username = p.check(Username::parse(username));
        let display_name = display_name.trim().to_owned();
        let display_name = p.check(
            if display_name.is_empty() || display_name.chars().count() > 50 {
                Err(AppError::validation(
                    "display_name",
                    "請輸入 1 至 50 字的姓名。",
                ))
            } else {
                Ok(display_name)
            },
        );
        let role: Option<Role> = p.check(
            role.parse()
                .map_err(|_| AppError::validation("role", "請選擇角色。")),
        );
        let bureau_id = match (role, bureau_id.trim()) {
            (None, _) => None,
            (Some(r), _) if !r.belongs_to_bureau() => Some(None),
            (Some(_), "") => p.check(Err(AppError::validation(
                "bureau_id",
                "局處人員須選擇所屬局處。",
            ))),
            (Some(_), id) => p.check(
                id.parse::<i64>()
                    .map(Some)
                    .map_err(|_| AppError::validation("bureau_id", "請選擇所屬局處。")),
            ),
        };
        let password = p.check(NewPassword::parse(password));
        p.finish(|| {
            Some(Self {
                username: username?,
                display_name: display_name?,
                role: role?,
                bureau_id: bureau_id?,
                password: password?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: &str = "a long enough password";

    #[test]
    fn a_bureau_liaison_needs_a_bureau() {
        let err = NewUser::parse("lin", "林聯絡", "bureau_liaison", "", PW.into()).unwrap_err();
        assert!(err.field_message("bureau_id").is_some());
        let ok = NewUser::parse("lin", "林聯絡", "bureau_liaison", "7", PW.into()).unwrap();
        assert_eq!(ok.bureau_id, Some(7));
    }

    #[test]
    fn a_form_with_several_mistakes_names_each_field() {
        let err = NewUser::parse("x", " ", "bureau_liaison", "", "short".into()).unwrap_err();
        let fields: Vec<String> = err.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            ["username", "display_name", "bureau_id", "password"]
        );
    }

    #[test]
    fn city_wide_roles_drop_a_bureau_picked_by_mistake() {
        let user = NewUser::parse("chen", "陳秘書", "secretariat", "7", PW.into()).unwrap();
        assert_eq!(user.bureau_id, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases = [
            ("x", "名", "admin", "", PW, "username"),
            ("chen", " ", "admin", "", PW, "display_name"),
            ("chen", "陳", "mayor", "", PW, "role"),
            ("chen", "陳", "bureau_approver", "abc", PW, "bureau_id"),
            ("chen", "陳", "reviewer", "", "short", "password"),
        ];
        for (u, d, r, b, p, field) in cases {
            let err = NewUser::parse(u, d, r, b, p.into()).unwrap_err();
            assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        }
    }
}
