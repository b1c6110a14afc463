//! The written-reply volume (書面答復彙編): every approved written reply of a session (or
//! part of it), in the order the council reads them (sitting, councilor, number), with the
//! questions not yet approved listed at the end rather than silently left out. The rules
//! are here; `db` reads the questions, the server writes the files.

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod document;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod turns;

use crate::dates::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which questions go into a volume.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeFilter {
    pub session: i64,
    pub sitting_type: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub bureau: Option<i64>,
    pub councilor: Option<i64>,
}

impl VolumeFilter {
    /// Reads the volume page's query string; `None` without a session. Unreadable optional
    /// values are dropped, as the case list does.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let num = |k: &str| get(k).and_then(|v| v.trim().parse::<i64>().ok());
        let day = |k: &str| get(k).and_then(|v| parse_date(&v));
        Some(Self {
            session: num("session")?,
            sitting_type: num("sitting_type"),
            from: day("from"),
            to: day("to"),
            bureau: num("bureau"),
            councilor: num("councilor"),
        })
    }

    /// The query string that selects this volume again.
    pub fn query(&self) -> String {
        use crate::dates::roc_date;
        let mut parts = vec![format!("session={}", self.session)];
        let mut push =
            |k: &str, v: String| parts.push(format!("{k}={}", crate::url::percent_encode(&v)));
        if let Some(v) = self.sitting_type {
            push("sitting_type", v.to_string());
        }
        if let Some(v) = self.from {
            push("from", roc_date(v));
        }
        if let Some(v) = self.to {
            push("to", roc_date(v));
        }
        if let Some(v) = self.bureau {
            push("bureau", v.to_string());
        }
        if let Some(v) = self.councilor {
            push("councilor", v.to_string());
        }
        parts.join("&")
    }
}

/// One question as the volume prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub case_id: i64,
    pub number: i64,
    pub councilors: Vec<String>,
    pub sitting_type: String,
    /// The sitting type's place in the city's order (施政報告 before 市政總質詢 …).
    pub sitting_order: i64,
    pub sitting_date: NaiveDate,
    pub topic: String,
    pub body: String,
    /// The approved reply; empty while outstanding.
    pub reply: String,
    /// The lead bureau first, then the co-bureaus.
    pub bureaus: Vec<String>,
    /// The reply has been approved by the reviewer.
    pub approved: bool,
    /// The day the reply was approved (its date as the council reads it).
    pub replied_on: Option<NaiveDate>,
    /// The letter (發文字號) a volume carrying it was sent under, once recorded.
    pub letter_number: String,
    /// Material promised in session on the question (`promises`), listed under its reply.
    #[serde(default)]
    pub promised: Vec<Promised>,
    /// The day its reply was last corrected (`corrections`): the reply is printed as sent,
    /// flagged, and the correction stands in the corrections section of the volume that
    /// carries it.
    #[serde(default)]
    pub corrected_on: Option<NaiveDate>,
    /// Grouped or referral answers (`grouping`): a note on how this question was answered
    /// with another, and whether its reply is printed there rather than here (once).
    #[serde(default)]
    pub shared_note: Option<String>,
    #[serde(default)]
    pub reply_elsewhere: bool,
}

/// An approved correction (勘誤) as the corrections section of the next volume prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionEntry {
    pub id: i64,
    pub case_id: i64,
    /// `質詢 第 12 號`
    pub label: String,
    pub topic: String,
    pub councilors: Vec<String>,
    pub original: String,
    pub original_on: Option<NaiveDate>,
    pub body: String,
    pub why: String,
    pub approved_on: NaiveDate,
}

impl CorrectionEntry {
    /// `原答復（113年3月20日）`
    pub fn original_heading(&self) -> String {
        match self.original_on {
            Some(d) => format!("原答復（{}）", crate::dates::roc_long_date(d)),
            None => "原答復".into(),
        }
    }
}

/// A promise made in session on a question, as the volume lists it under the question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promised {
    pub promised_by: String,
    pub what: String,
    pub request_number: i64,
    pub due_on: NaiveDate,
    /// The data request carrying it has been answered and approved.
    pub provided: bool,
}

impl Promised {
    /// `都市發展局局長承諾提供：…（索資第 7 號，已提供）`
    pub fn sentence(&self) -> String {
        let state = if self.provided {
            "已提供".to_owned()
        } else {
            format!("期限 {}，尚未提供", crate::dates::roc_date(self.due_on))
        };
        format!(
            "{}承諾提供：{}（索資第 {} 號，{state}）",
            self.promised_by, self.what, self.request_number
        )
    }
}

impl Entry {
    /// `質詢 第 12 號`
    pub fn label(&self) -> String {
        crate::cases::case_label(crate::cases::CaseKind::Question, self.number)
    }

    /// The answering bureaus, or 「未分派」 for a question no bureau has yet.
    pub fn bureaus_or_none(&self) -> String {
        if self.bureaus.is_empty() {
            "未分派".into()
        } else {
            self.bureaus.join("、")
        }
    }
}

/// A compiled volume: its title, the approved replies in order, the outstanding questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    /// The city government that answers (the cover's issuing unit).
    pub government: String,
    pub council: String,
    pub session: String,
    /// The sitting type, when the volume is narrowed to one.
    pub sitting_type: Option<String>,
    /// What the council calls such a volume (the `volume_title` setting).
    pub title_words: String,
    pub compiled_on: NaiveDate,
    pub entries: Vec<Entry>,
    pub outstanding: Vec<Entry>,
    /// Corrections approved since the last volume sent (勘誤), printed after the replies.
    #[serde(default)]
    pub corrections: Vec<CorrectionEntry>,
}

/// What a volume is called unless the admin sets the council's own words.
pub const TITLE_WORDS: &str = "書面答復彙編";

impl Volume {
    /// `臺北市議會第14屆第3次定期大會 市政總質詢 書面答復彙編`
    pub fn title(&self) -> String {
        let words = &self.title_words;
        match &self.sitting_type {
            Some(t) => format!("{}{} {t} {words}", self.council, self.session),
            None => format!("{}{} {words}", self.council, self.session),
        }
    }
}

/// The name a refused "record the sending" form is flashed under (the form posts to the
/// server's own handler).
pub const SEND_FORM: &str = "volume-send";

text_enum!(VolumeFormat {
    Odt = "odt" / "ODT（OpenDocument 文字文件）",
    Pdf = "pdf" / "PDF",
});

impl VolumeFormat {
    pub fn extension(self) -> &'static str {
        self.as_str()
    }

    /// The media type, written here once (the server's ODT and PDF writers name theirs by it).
    pub const fn media_type(self) -> &'static str {
        match self {
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Pdf => "application/pdf",
        }
    }

    /// The format whose media type a kept file has.
    pub fn of_media_type(media: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.media_type() == media)
    }
}

/// A job stored as queued or running that has not moved for this long was cut off (its
/// server stopped): it is shown as interrupted and may be started again.
pub const JOB_STALLED_AFTER_SECS: i64 = 120;

text_enum!(JobState {
    Queued = "queued" / "排隊中",
    Running = "running" / "產生中",
    Done = "done" / "已完成",
    Failed = "failed" / "失敗",
    Interrupted = "interrupted" / "已中斷",
});

impl JobState {
    /// The state a stored job is in at `now`: a queued or running job whose last move was
    /// more than `JOB_STALLED_AFTER_SECS` ago is interrupted.
    pub fn at(stored: JobState, updated_at: i64, now: i64) -> JobState {
        match stored {
            JobState::Queued | JobState::Running if now - updated_at > JOB_STALLED_AFTER_SECS => {
                JobState::Interrupted
            }
            s => s,
        }
    }

    pub fn finished(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Interrupted)
    }
}

/// A volume compiled in the background, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: i64,
    /// The volume page's query of the questions compiled.
    pub query: String,
    pub format: VolumeFormat,
    pub state: JobState,
    pub done: i64,
    pub total: i64,
    pub file_name: Option<String>,
    pub error: Option<String>,
    pub requested_by: String,
    pub created_at: i64,
}

impl Job {
    /// How far the job has come, 0 to 100.
    pub fn percent(&self) -> i64 {
        match self.state {
            JobState::Done => 100,
            _ if self.total > 0 => (self.done * 100 / self.total).clamp(0, 99),
            _ => 0,
        }
    }
}

/// The name a refused "compile a file" form is flashed under.
pub const COMPILE_FORM: &str = "volume-compile";

/// A volume as it was sent to the council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentVolume {
    pub id: i64,
    pub title: String,
    pub sent_on: NaiveDate,
    /// The letter it went under (發文字號), if recorded.
    pub letter_number: String,
    pub replies: i64,
    pub outstanding: i64,
    pub recorded_by: String,
    /// The kind of file sent.
    pub format: VolumeFormat,
}

/// Notes the grouped and referral answers among the approved `entries` (`links`: case,
/// source, kind): a question whose source is printed in the same volume says so instead of
/// printing the reply again; an anchor lists the questions it answers too; a question
/// whose source is not in the volume keeps its reply and notes where it came from.
pub fn note_shared(
    entries: &mut [Entry],
    links: &[(i64, i64, crate::grouping::ShareKind)],
    label_of: impl Fn(i64) -> Option<String>,
) {
    use crate::grouping::{answers_also, printed_with, ShareKind};
    let printed =
        |id: i64, entries: &[Entry]| entries.iter().any(|e| e.case_id == id && e.approved);
    let mut also: Vec<(i64, String)> = Vec::new();
    for (case, source, kind) in links {
        if !printed(*case, entries) {
            continue;
        }
        let Some(source_label) = label_of(*source) else {
            continue;
        };
        let here = printed(*source, entries);
        if let Some(e) = entries.iter_mut().find(|e| e.case_id == *case) {
            if here {
                e.shared_note = Some(printed_with(*kind, &source_label));
                e.reply_elsewhere = true;
                also.push((*source, e.label()));
            } else {
                e.shared_note = Some(match kind {
                    ShareKind::Grouped => format!("本題與{source_label}併案答復。"),
                    ShareKind::Referral => format!("本題援引{source_label}之答復。"),
                });
            }
        }
    }
    for e in entries.iter_mut() {
        let labels: Vec<String> = also
            .iter()
            .filter(|(s, _)| *s == e.case_id)
            .map(|(_, l)| l.clone())
            .collect();
        if !labels.is_empty() {
            e.shared_note = Some(answers_also(&labels));
        }
    }
}

/// Orders the questions as the council reads them (by sitting day and type, then by the
/// first councilor's name, then by number) and puts the unapproved ones at the end.
pub fn compile(
    city: &crate::city::City,
    session: &str,
    sitting_type: Option<String>,
    compiled_on: NaiveDate,
    mut questions: Vec<Entry>,
) -> Volume {
    questions.sort_by(|a, b| {
        (a.sitting_date, a.sitting_order)
            .cmp(&(b.sitting_date, b.sitting_order))
            .then_with(|| a.councilors.first().cmp(&b.councilors.first()))
            .then(a.number.cmp(&b.number))
    });
    let (entries, outstanding) = questions.into_iter().partition(|q| q.approved);
    Volume {
        government: city.government.clone(),
        council: city.council.clone(),
        session: session.to_owned(),
        sitting_type,
        title_words: TITLE_WORDS.to_owned(),
        compiled_on,
        entries,
        outstanding,
        corrections: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, d).unwrap()
    }

    fn taipei() -> crate::city::City {
        crate::city::City {
            government: "臺北市政府".into(),
            council: "臺北市議會".into(),
            ..Default::default()
        }
    }

    fn q(number: i64, councilor: &str, sitting: (&str, i64, NaiveDate), approved: bool) -> Entry {
        Entry {
            case_id: number,
            number,
            councilors: vec![councilor.into()],
            sitting_type: sitting.0.into(),
            sitting_order: sitting.1,
            sitting_date: sitting.2,
            topic: format!("議題 {number}"),
            body: "請說明。".into(),
            reply: if approved {
                "答復".into()
            } else {
                String::new()
            },
            bureaus: vec!["都市發展局".into()],
            approved,
            replied_on: approved.then(|| day(4, 1)),
            letter_number: String::new(),
            promised: Vec::new(),
            corrected_on: None,
            shared_note: None,
            reply_elsewhere: false,
        }
    }

    #[test]
    fn a_reply_shared_by_two_questions_is_printed_once_and_both_say_so() {
        use crate::grouping::ShareKind;
        let sitting = ("市政總質詢", 3, day(3, 26));
        let mut entries = vec![
            q(5, "林雨彤", sitting, true),
            q(6, "張志豪", sitting, true),
            q(7, "王美玲", sitting, true),
            q(8, "李大同", sitting, false),
        ];
        let label = |id: i64| Some(format!("質詢 第 {id} 號"));
        let links = [
            (6, 5, ShareKind::Grouped),
            (7, 40, ShareKind::Referral),
            (8, 5, ShareKind::Grouped),
        ];
        note_shared(&mut entries, &links, label);
        assert_eq!(
            entries[0].shared_note.as_deref(),
            Some("本答復併同答復：質詢 第 6 號。"),
            "the outstanding 8 is not printed"
        );
        assert!(!entries[0].reply_elsewhere);
        assert_eq!(
            entries[1].shared_note.as_deref(),
            Some("本題與質詢 第 5 號併案答復，答復內容見該題。")
        );
        assert!(entries[1].reply_elsewhere);
        assert_eq!(
            entries[2].shared_note.as_deref(),
            Some("本題援引質詢 第 40 號之答復。"),
            "its source is in another volume: its own reply is printed"
        );
        assert!(!entries[2].reply_elsewhere);
        assert_eq!(entries[3].shared_note, None);
    }

    #[test]
    fn replies_follow_the_sittings_then_the_councilors_then_the_numbers() {
        let policy = ("施政報告", 1, day(3, 12));
        let general = ("市政總質詢", 3, day(3, 26));
        let volume = compile(
            &taipei(),
            "第14屆第3次定期大會",
            None,
            day(4, 30),
            vec![
                q(30, "王", general, true),
                q(12, "林", policy, true),
                q(31, "林", general, true),
                q(11, "林", policy, true),
                q(29, "王", general, true),
            ],
        );
        let order: Vec<i64> = volume.entries.iter().map(|e| e.number).collect();
        // Councilors by name in code-point order: 林 (U+6797) before 王 (U+738B).
        assert_eq!(order, vec![11, 12, 31, 29, 30]);
    }

    #[test]
    fn questions_not_yet_approved_are_listed_at_the_end_never_left_out() {
        let general = ("市政總質詢", 3, day(3, 26));
        let volume = compile(
            &taipei(),
            "第14屆第3次定期大會",
            Some("市政總質詢".into()),
            day(4, 30),
            vec![
                q(1, "林", general, false),
                q(2, "林", general, true),
                q(3, "王", general, false),
            ],
        );
        assert_eq!(
            volume.entries.iter().map(|e| e.number).collect::<Vec<_>>(),
            vec![2]
        );
        assert_eq!(
            volume
                .outstanding
                .iter()
                .map(|e| e.number)
                .collect::<Vec<_>>(),
            vec![1, 3]
        );
        assert_eq!(
            volume.title(),
            "臺北市議會第14屆第3次定期大會 市政總質詢 書面答復彙編"
        );
    }

    #[test]
    fn a_job_that_stopped_moving_is_interrupted_and_a_finished_one_stays_finished() {
        let at = |s, updated| JobState::at(s, updated, 1_000);
        assert_eq!(at(JobState::Running, 990), JobState::Running);
        assert_eq!(
            at(JobState::Queued, 1_000 - JOB_STALLED_AFTER_SECS),
            JobState::Queued
        );
        assert_eq!(
            at(JobState::Running, 1_000 - JOB_STALLED_AFTER_SECS - 1),
            JobState::Interrupted
        );
        assert_eq!(at(JobState::Queued, 0), JobState::Interrupted);
        assert_eq!(at(JobState::Done, 0), JobState::Done);
        assert_eq!(at(JobState::Failed, 0), JobState::Failed);
        assert!(JobState::Interrupted.finished() && !JobState::Running.finished());
    }

    #[test]
    fn progress_reaches_a_hundred_only_when_the_file_is_done() {
        let job = |state, done, total| Job {
            id: 1,
            query: String::new(),
            format: VolumeFormat::Pdf,
            state,
            done,
            total,
            file_name: None,
            error: None,
            requested_by: String::new(),
            created_at: 0,
        };
        assert_eq!(job(JobState::Queued, 0, 0).percent(), 0);
        assert_eq!(job(JobState::Running, 300, 600).percent(), 50);
        assert_eq!(job(JobState::Running, 600, 600).percent(), 99);
        assert_eq!(job(JobState::Done, 600, 600).percent(), 100);
    }

    #[test]
    fn the_filter_reads_its_query_and_writes_it_back() {
        let query = [
            ("session", "3"),
            ("sitting_type", "2"),
            ("from", "113/03/01"),
            ("bureau", "x"),
        ];
        let get = |k: &str| {
            query
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        };
        let filter = VolumeFilter::from_query(get).unwrap();
        assert_eq!(filter.session, 3);
        assert_eq!(filter.sitting_type, Some(2));
        assert_eq!(filter.from, Some(day(3, 1)));
        assert_eq!(filter.bureau, None, "unreadable: dropped");
        assert_eq!(
            filter.query(),
            "session=3&sitting_type=2&from=113%2F03%2F01"
        );
        assert!(VolumeFilter::from_query(|_| None).is_none());
    }
}
