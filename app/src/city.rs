//! Whom the app speaks for: the city government, its council and the unit that liaises
//! between them. They are settings of a deployment (`CITY_NAME`, `COUNCIL_NAME`,
//! `LIAISON_UNIT`, `LIAISON_CONTACT`), never literals: another city changes the settings
//! and every page and document follows.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct City {
    /// The city government, as its documents are headed: 臺北市政府.
    pub government: String,
    /// The council it answers: 臺北市議會.
    pub council: String,
    /// The government's unit that liaises with the council: 秘書處.
    pub liaison_unit: String,
    /// How councilor offices reach that unit (a name and a telephone); may be empty.
    pub contact: String,
}

impl Default for City {
    /// Words true of any city, until a deployment names its own.
    fn default() -> Self {
        Self {
            government: "市政府".into(),
            council: "市議會".into(),
            liaison_unit: "秘書處".into(),
            contact: String::new(),
        }
    }
}

impl City {
    /// The liaison unit under its government: 臺北市政府秘書處.
    pub fn liaison_office(&self) -> String {
        format!("{}{}", self.government, self.liaison_unit)
    }

    /// The city of the running app (by its settings), for a page rendered on the server.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        if let Ok(state) = crate::state::app_state() {
            return (*state.city).clone();
        }
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_liaison_office_is_named_under_its_government() {
        let city = City {
            government: "高雄市政府".into(),
            council: "高雄市議會".into(),
            liaison_unit: "研考會".into(),
            contact: String::new(),
        };
        assert_eq!(city.liaison_office(), "高雄市政府研考會");
        assert_eq!(City::default().liaison_office(), "市政府秘書處");
    }
}
