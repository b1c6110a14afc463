//! Who may do what. Roles are fixed by the domain (see docs/domain.md).

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Secretariat,
    BureauLiaison,
    BureauApprover,
    Reviewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Secretariat,
        Role::BureauLiaison,
        Role::BureauApprover,
        Role::Reviewer,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Secretariat => "secretariat",
            Role::BureauLiaison => "bureau_liaison",
            Role::BureauApprover => "bureau_approver",
            Role::Reviewer => "reviewer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系統管理者",
            Role::Secretariat => "秘書處府會聯絡人員",
            Role::BureauLiaison => "局處府會聯絡員",
            Role::BureauApprover => "局處主管",
            Role::Reviewer => "副秘書長／研考會",
        }
    }

    /// Bureau users act for exactly one bureau; everyone else for the whole city government.
    pub fn belongs_to_bureau(self) -> bool {
        matches!(self, Role::BureauLiaison | Role::BureauApprover)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}` (expected one of admin, secretariat, bureau_liaison, bureau_approver, reviewer)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn an_unknown_role_name_is_refused() {
        assert!("superuser".parse::<Role>().is_err());
        assert!("".parse::<Role>().is_err());
    }

    #[test]
    fn only_bureau_roles_belong_to_a_bureau() {
        let bureau: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.belongs_to_bureau())
            .collect();
        assert_eq!(bureau, vec![Role::BureauLiaison, Role::BureauApprover]);
    }
}
