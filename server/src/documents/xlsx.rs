//! Tables as an XLSX workbook (Office Open XML), a sheet each: the header in the first row
//! (so that filters and pivot tables take the table as it is), the title as the sheet's
//! name, numbers as numbers and days as dates shown in ROC form.

use app::reports::{Cell, Table};

/// The number format of a day: the ROC year (Excel's 中華民國曆, era year `e`), as the
/// offices read dates; the cell stays a date that sorts, filters and counts.
pub const ROC_DATE_FORMAT: &str = "[$-404]e/mm/dd";

/// A sheet's name from a table's title: at most 31 characters, none of []:*?/\ (Excel's
/// rules), numbered so that two tables of one title stay apart.
fn sheet_name(i: usize, title: &str) -> String {
    let words: String = title
        .split('（')
        .next()
        .unwrap_or("表")
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(28)
        .collect();
    format!("{}{}", i + 1, words)
}

/// The tables as an XLSX workbook, a sheet each.
pub fn tables(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format(ROC_DATE_FORMAT);
    for (i, table) in tables.iter().enumerate() {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(i, &table.title))?;
        for (c, head) in table.header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, head, &bold)?;
            sheet.set_column_width(c as u16, if c == 0 { 22 } else { 12 })?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    // An empty text is an empty cell, as a spreadsheet reads it back.
                    Cell::Text(t) if t.is_empty() => continue,
                    Cell::Text(t) => sheet.write_string(r, c, t)?,
                    Cell::Number(n) => sheet.write_number(r, c, *n)?,
                    Cell::Date(d) => {
                        let day = ExcelDateTime::parse_from_str(&d.to_string())?;
                        sheet.write_datetime_with_format(r, c, &day, &date)?
                    }
                };
            }
        }
        let columns = table.header.len().max(1) as u16;
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, table.rows.len() as u32, columns - 1)?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_keep_to_excels_rules() {
        assert_eq!(sheet_name(0, "案件清單"), "1案件清單");
        assert_eq!(sheet_name(2, "各局處答復情形（113/03）"), "3各局處答復情形");
        assert_eq!(sheet_name(1, "a/b:c*d?e[f]g'h"), "2abcdefgh");
        assert!(sheet_name(9, &"長".repeat(40)).chars().count() <= 31);
    }
}
