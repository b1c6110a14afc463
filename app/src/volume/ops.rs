//! What the volume page's forms and the command line do, each written once: start a
//! compilation in the background, record a volume sent to the council.

use super::{db, Volume, VolumeFilter, VolumeFormat};
use crate::{
    audit::{db::Entry, AuditAction},
    caller::Caller,
    dates::roc_date,
    error::AppError,
};
use chrono::NaiveDate;

/// Records a compilation of `filter`'s volume in `format` by the caller, audited; the
/// caller starts the work. The session must exist before anything is stored.
pub async fn start_job(
    c: &Caller,
    filter: &VolumeFilter,
    format: VolumeFormat,
) -> Result<i64, AppError> {
    if !crate::reference::db::session_exists(c.db(), filter.session).await? {
        return Err(AppError::NotFound);
    }
    let id = db::create_job(c.db(), filter, format, c.user.id, c.ts()).await?;
    let entry = Entry::new(AuditAction::VolumeCompiled, "volume_job", id)
        .data(serde_json::json!({ "session_id": filter.session, "format": format.as_str() }));
    let mut tx = c.begin().await?;
    c.audit(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// The compile form's format, which must be chosen.
pub fn compile_format(format: Option<&str>) -> Result<VolumeFormat, AppError> {
    format
        .and_then(VolumeFormat::parse)
        .ok_or_else(|| AppError::validation("format", "請選擇檔案格式。"))
}

/// The send form's day (as typed) and format (ODT unless PDF is asked for).
pub fn sending_form(
    sent_on: Option<&str>,
    format: Option<&str>,
) -> Result<(NaiveDate, VolumeFormat), AppError> {
    let sent_on = sent_on
        .and_then(crate::dates::parse_date)
        .ok_or_else(|| AppError::validation("sent_on", "請輸入函送議會的日期（民國年/月/日）。"))?;
    let format = match format {
        None | Some("") => VolumeFormat::Odt,
        chosen => compile_format(chosen)?,
    };
    Ok((sent_on, format))
}

/// The letter (發文字號) the volume went under, as typed: optional, one line, at most 40
/// characters (`府議字第1130012345號`).
pub fn letter_number(raw: Option<&str>) -> Result<String, AppError> {
    let letter = raw.unwrap_or_default().trim();
    if letter.chars().count() > 40 || letter.chars().any(char::is_control) {
        return Err(AppError::validation(
            "letter_number",
            "發文字號最多 40 字，且須為一行。",
        ));
    }
    Ok(letter.to_owned())
}

/// What the send form asks, checked: a volume with replies, sent no later than today.
pub fn check_sending(
    volume: &Volume,
    sent_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), AppError> {
    if sent_on > today {
        return Err(AppError::validation("sent_on", "函送日期不能晚於今天。"));
    }
    if volume.entries.is_empty() {
        return Err(AppError::validation(
            "sent_on",
            "這份彙編沒有任何已審查通過的答復，無須函送。",
        ));
    }
    Ok(())
}

/// The name the file sent on `sent_on` is kept under.
pub fn sent_file_name(volume: &Volume, sent_on: NaiveDate, format: VolumeFormat) -> String {
    format!(
        "{}_{}.{}",
        volume.title(),
        roc_date(sent_on).replace('/', ""),
        format.extension()
    )
}

/// Records that `volume`, written as `bytes`, went to the council on `sent_on`: the file
/// kept, each reply in it marked sent, audited. Returns the sending's id.
pub async fn record_sent(
    c: &Caller,
    filter: &VolumeFilter,
    volume: &Volume,
    format: VolumeFormat,
    bytes: &[u8],
    (sent_on, letter): (NaiveDate, &str),
) -> Result<i64, AppError> {
    let name = sent_file_name(volume, sent_on, format);
    let mut tx = c.begin().await?;
    let file = (name.as_str(), format.media_type(), bytes);
    let sent = (sent_on, letter);
    let id = db::record_sending(&mut tx, filter, volume, file, sent, &c.user, c.ts()).await?;
    let entry = Entry::new(AuditAction::VolumeSent, "volume", id).data(serde_json::json!({
        "session_id": filter.session,
        "sent_on": sent_on,
        "letter_number": letter,
        "replies": volume.entries.len(),
        "format": format.as_str(),
    }));
    c.audit(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sending_is_odt_unless_pdf_is_chosen_and_needs_its_day() {
        let day = NaiveDate::from_ymd_opt(2024, 5, 10).unwrap();
        assert_eq!(
            sending_form(Some("113/05/10"), None).unwrap(),
            (day, VolumeFormat::Odt)
        );
        assert_eq!(
            sending_form(Some("113/05/10"), Some("pdf")).unwrap().1,
            VolumeFormat::Pdf
        );
        assert!(sending_form(Some("113/05/10"), Some("doc")).is_err());
        assert!(sending_form(None, Some("pdf")).is_err());
        assert!(compile_format(None).is_err());
    }

    #[test]
    fn a_letter_number_is_one_short_line_or_none() {
        assert_eq!(letter_number(None).unwrap(), "");
        assert_eq!(
            letter_number(Some(" 府議字第1130012345號 ")).unwrap(),
            "府議字第1130012345號"
        );
        assert!(letter_number(Some("府議字\n第1號")).is_err());
        assert!(letter_number(Some(&"字".repeat(41))).is_err());
    }
}
