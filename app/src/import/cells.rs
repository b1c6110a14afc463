//! The cells of a council's list as councils and offices write them: joint councilors with
//! their titles, question numbers with 第…號, dates in every ROC form, long 案由, and the
//! section rows (`乙、…部分`) between the questions.

use crate::dates::{half_width, read_date, DateProblem};
use chrono::{Duration, NaiveDate};

/// The names in a cell of joint councilors: separated by 、 , ， ; ； / or line breaks,
/// or by spaces between Chinese names. A romanised indigenous name keeps its spaces
/// (`伍麗華Saidhai Tahovecahe`): a piece in Latin letters belongs to the name before it.
pub fn councilor_names(cell: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for part in cell.split(['、', ',', '，', ';', '；', '/', '／', '\n', '\r']) {
        let mut in_part: Vec<String> = Vec::new();
        for piece in part.split(|c: char| c.is_whitespace() || c == '\u{3000}') {
            if piece.is_empty() {
                continue;
            }
            let latin = piece
                .chars()
                .all(|c| c.is_ascii_alphabetic() || matches!(c, '\'' | '-' | '’'));
            match in_part.last_mut() {
                Some(last) if latin => {
                    last.push(' ');
                    last.push_str(piece);
                }
                _ => in_part.push(piece.to_owned()),
            }
        }
        names.extend(in_part);
    }
    names
}

/// The middle dots a name may be written with (‧ ・ · ． • ･ ⋅); all are the same dot.
const DOTS: [char; 8] = [
    '\u{2027}', '\u{30fb}', '\u{00b7}', '\u{ff0e}', '\u{2022}', '\u{ff65}', '\u{22c5}', '.',
];

/// How a councilor's name is compared: without the title lists add (議員, 議長, 副議長,
/// before, after or inside the name: 王議員承恩), without spaces, with one middle dot, and
/// in lower case.
pub fn name_key(name: &str) -> String {
    let mut s: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| if DOTS.contains(&c) { '·' } else { c })
        .collect();
    for title in ["副議長", "議長", "議員"] {
        if s.chars().count() > title.chars().count() + 1 {
            s = s.replace(title, "");
        }
    }
    s.to_lowercase()
}

/// The Chinese part of a name that also has a romanised one (`伍麗華Saidhai Tahovecahe` →
/// `伍麗華`), for lists that print only that part.
pub fn han_part(name: &str) -> Option<String> {
    let han: String = name
        .chars()
        .take_while(|c| !c.is_ascii_alphabetic())
        .collect::<String>()
        .trim()
        .to_owned();
    (!han.is_empty() && han.len() < name.trim().len()).then(|| name_key(&han))
}

/// A question number as written: `12`, `１２`, `第12號`, `12號`, `第 12 題`.
pub fn number(cell: &str) -> Option<i64> {
    let s: String = half_width(cell)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let s = s.trim_start_matches('第');
    let s = s.trim_end_matches(['號', '号', '題']);
    s.parse::<i64>().ok().filter(|n| (1..=100_000).contains(n))
}

/// Spreadsheet serial days count from this day (Excel's, LibreOffice's default).
fn serial_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("a real day")
}

/// A sitting date as written, or why it cannot be read. Beyond what [`read_date`] reads,
/// a date cell of a spreadsheet arrives as `0113-03-15` when a zh-TW spreadsheet stored the
/// ROC year as the year, and a cell whose date format the reader did not know arrives as
/// its serial number (`45366`).
pub fn date(cell: &str) -> Result<NaiveDate, DateProblem> {
    let s = cell.trim();
    if s.len() == 5 && s.chars().all(|c| c.is_ascii_digit()) {
        let serial: i64 = s.parse().map_err(|_| DateProblem::Unreadable)?;
        // 1960 to 2173: beyond that, five digits are not a serial day.
        if (21_916..=99_999).contains(&serial) {
            return Ok(serial_epoch() + Duration::days(serial));
        }
    }
    read_date(s)
}

/// A topic longer than `max` characters, cut for lists at the last break (punctuation or
/// space) in its second half, with an ellipsis; the whole text is kept elsewhere.
pub fn short_topic(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_owned();
    }
    let room = max - 1;
    let breaks = |c: &char| "，。；、：！？,.;:!? ）)」』".contains(*c);
    let cut = (room / 2..room)
        .rev()
        .find(|&i| breaks(&chars[i]))
        .map(|i| i + usize::from(!chars[i].is_whitespace()))
        .unwrap_or(room);
    let mut short: String = chars[..cut].iter().collect();
    short = short
        .trim_end_matches(|c: char| c.is_whitespace() || "，、；：,;:".contains(c))
        .to_owned();
    short.push('…');
    short
}

/// A section heading between the questions (`乙、工務部分`, `貳、書面質詢`): one text
/// cell, numbered with a Chinese numeral and 、, or ending in 部分.
pub fn section(row: &[String]) -> Option<String> {
    let mut filled = row.iter().map(|c| c.trim()).filter(|c| !c.is_empty());
    let only = filled.next()?;
    if filled.next().is_some() || only.chars().count() > 40 {
        return None;
    }
    let numerals = "甲乙丙丁戊己庚辛壬癸一二三四五六七八九十壹貳參肆伍陸柒捌玖拾";
    let (head, _) = only.split_once('、').unwrap_or(("", ""));
    let numbered = !head.is_empty() && head.chars().all(|c| numerals.contains(c));
    let part = only.ends_with("部分") || only.ends_with("部份");
    (numbered || part).then(|| only.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joint_councilors_are_split_as_councils_print_them() {
        assert_eq!(
            councilor_names("王承恩、林雨彤，陳冠霖;黃思妤\n張博翔 李佩宸　吳靜宜"),
            vec![
                "王承恩",
                "林雨彤",
                "陳冠霖",
                "黃思妤",
                "張博翔",
                "李佩宸",
                "吳靜宜"
            ]
        );
        assert_eq!(
            councilor_names("伍麗華Saidhai Tahovecahe 王承恩、Kolas Yotaka"),
            vec!["伍麗華Saidhai Tahovecahe", "王承恩", "Kolas Yotaka"]
        );
        assert!(councilor_names(" ， ").is_empty());
    }

    #[test]
    fn a_name_is_the_same_with_a_title_or_any_middle_dot() {
        let key = name_key("王承恩");
        for written in ["王承恩議員", "議員王承恩", "王議員承恩", " 王 承恩 "] {
            assert_eq!(name_key(written), key, "{written}");
        }
        assert_eq!(name_key("議長戴錫安"), name_key("戴錫安"));
        let dotted = name_key("烏杜・瑪萊");
        for written in ["烏杜‧瑪萊", "烏杜·瑪萊", "烏杜．瑪萊", "烏杜•瑪萊"] {
            assert_eq!(name_key(written), dotted, "{written}");
        }
        assert_eq!(
            name_key("伍麗華Saidhai Tahovecahe"),
            name_key("伍麗華 saidhai tahovecahe")
        );
        assert_eq!(
            han_part("伍麗華Saidhai Tahovecahe"),
            Some(name_key("伍麗華"))
        );
        assert_eq!(han_part("王承恩"), None);
    }

    #[test]
    fn numbers_are_read_as_written() {
        for written in ["12", "１２", "第12號", "12號", "第 12 題", " 012 "] {
            assert_eq!(number(written), Some(12), "{written}");
        }
        assert_eq!(number("十二"), None);
        assert_eq!(number("0"), None);
        assert_eq!(number("12-1"), None);
    }

    #[test]
    fn spreadsheet_dates_read_as_the_day_they_show() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 15);
        assert_eq!(date("45366").ok(), day, "a serial day");
        assert_eq!(
            date("0113-03-15").ok(),
            day,
            "an ROC year stored as the year"
        );
        assert_eq!(date("2024-03-15").ok(), day);
        assert_eq!(date("12345"), Err(DateProblem::Unreadable));
        assert_eq!(date("113/02/30"), Err(DateProblem::NoSuchDay));
    }

    #[test]
    fn a_long_topic_is_cut_at_a_break_for_lists() {
        let text =
            "請市府說明社會住宅興建進度，並檢討各區分配不均之情形，以及未來四年之財務規劃與期程";
        let short = short_topic(text, 30);
        assert_eq!(
            short,
            "請市府說明社會住宅興建進度，並檢討各區分配不均之情形…"
        );
        assert!(short.chars().count() <= 30);
        let unbroken = "長".repeat(50);
        assert_eq!(short_topic(&unbroken, 30).chars().count(), 30);
        assert_eq!(short_topic("短題", 30), "短題");
    }

    #[test]
    fn section_rows_are_told_from_questions() {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            section(&row(&["乙、工務部分", "", ""])),
            Some("乙、工務部分".into())
        );
        assert_eq!(
            section(&row(&["", "貳、書面質詢"])),
            Some("貳、書面質詢".into())
        );
        assert_eq!(
            section(&row(&["", "", "交通部分"])),
            Some("交通部分".into())
        );
        assert_eq!(section(&row(&["1", "乙、工務部分"])), None);
        assert_eq!(section(&row(&["一般說明文字"])), None);
        assert_eq!(section(&row(&["", ""])), None);
    }
}
