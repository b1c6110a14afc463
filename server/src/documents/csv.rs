//! CSV files as offices open them: UTF-8 with a byte-order mark (so Excel in Taiwan reads
//! Chinese), and every text cell made inert. A spreadsheet program runs a cell that starts
//! with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula: a
//! username typed at a failed login (`=HYPERLINK(…)`) would run in the admin's copy of the
//! audit log. Such a cell gets a leading apostrophe, as OWASP advises; numbers are written
//! as numbers and keep their sign.

use app::reports::{Cell, Table};
use std::borrow::Cow;

/// A text cell as a spreadsheet should show it, never run it.
pub fn text(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A CSV writer into `out`, which starts with the byte-order mark; `flexible`: rows may
/// differ in length (several tables in one file).
fn writer(out: &mut Vec<u8>, flexible: bool) -> csv::Writer<&mut Vec<u8>> {
    out.extend_from_slice("\u{feff}".as_bytes());
    csv::WriterBuilder::new()
        .flexible(flexible)
        .from_writer(out)
}

/// Writes a row of text cells, each made inert.
fn write_texts<I, T>(writer: &mut csv::Writer<&mut Vec<u8>>, row: I) -> csv::Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    let cells: Vec<String> = row
        .into_iter()
        .map(|c| text(c.as_ref()).into_owned())
        .collect();
    writer.write_record(&cells)
}

/// Tables as one CSV file: each under a line with its title, a blank line between them.
/// Text cells are made inert; numbers stay numbers.
pub fn tables(tables: &[Table]) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::new();
    {
        let mut writer = writer(&mut out, true);
        for (i, table) in tables.iter().enumerate() {
            if i > 0 {
                writer.write_record([""])?;
            }
            write_texts(&mut writer, [&table.title])?;
            write_rows(&mut writer, table)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// One table as a CSV file of its header and rows (no title line: a file a program reads).
pub fn table(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::new();
    {
        let mut writer = writer(&mut out, false);
        write_rows(&mut writer, table)?;
        writer.flush()?;
    }
    Ok(out)
}

fn write_rows(writer: &mut csv::Writer<&mut Vec<u8>>, table: &Table) -> csv::Result<()> {
    write_texts(writer, &table.header)?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|cell| match cell {
            Cell::Text(t) => text(t).into_owned(),
            Cell::Number(_) | Cell::Date(_) => cell.text(),
        }))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_made_text() {
        for hostile in [
            "=HYPERLINK(\"http://evil.example\",\"點此\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A2)",
            "\t=1+1",
            "\r=1+1",
        ] {
            assert_eq!(text(hostile), format!("'{hostile}"));
        }
        for plain in ["社會住宅", "1+1=2", "113/03/15", "", "'quoted"] {
            assert_eq!(text(plain), plain);
        }
    }

    #[test]
    fn a_file_starts_with_the_byte_order_mark_and_its_cells_are_inert() {
        let mut out = Vec::new();
        {
            let mut w = writer(&mut out, false);
            write_texts(&mut w, ["=1+1", "議題"]).unwrap();
            w.flush().unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "\u{feff}'=1+1,議題\n");
    }
}
