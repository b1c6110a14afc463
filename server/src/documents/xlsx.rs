//! Tables as an XLSX workbook (Office Open XML), a sheet each.

use app::reports::{Cell, Table};

/// The tables as an XLSX workbook, a sheet each: the title, the header, the rows.
pub fn tables(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (i, table) in tables.iter().enumerate() {
        let sheet = book.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\ — the titles' first words.
        let name: String = table
            .title
            .split('（')
            .next()
            .unwrap_or("表")
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(28)
            .collect();
        sheet.set_name(format!("{}{}", i + 1, name))?;
        sheet.write_string_with_format(0, 0, &table.title, &bold)?;
        for (c, head) in table.header.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, head, &bold)?;
            sheet.set_column_width(c as u16, if c == 0 { 22 } else { 12 })?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 2, c as u16);
                match cell {
                    // An empty text is an empty cell, as a spreadsheet reads it back.
                    Cell::Text(t) if t.is_empty() => continue,
                    Cell::Text(t) => sheet.write_string(r, c, t)?,
                    Cell::Number(n) => sheet.write_number(r, c, *n)?,
                };
            }
        }
    }
    book.save_to_buffer()
}
