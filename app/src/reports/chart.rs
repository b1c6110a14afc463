//! Bar charts as SVG drawn on the server: readable without JavaScript, printable, and
//! allowed by the page's Content-Security-Policy (presentation attributes, no inline style
//! or script). Each chart sits beside the table of its figures.

use crate::escape::markup as escape;

/// One series of a chart: its name, its colour and a value per category.
pub struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub values: Vec<f64>,
}

/// The colours of the charts: the product's blue, the overdue red, a grey.
pub const BLUE: &str = "#2f5fb3";
pub const RED: &str = "#c0392b";
pub const GREY: &str = "#8a94a6";

const ROW: f64 = 22.0;
const LABEL_WIDTH: f64 = 150.0;
const PLOT_WIDTH: f64 = 380.0;

/// A horizontal bar chart: a row per category, a bar per series in each row, the value at
/// the end of each bar, a legend when there are several series.
pub fn bars(title: &str, categories: &[String], series: &[Series<'_>], unit: &str) -> String {
    let max = largest(series);
    let per_bar = (ROW - 6.0) / series.len().max(1) as f64;
    let legend = if series.len() > 1 { ROW } else { 0.0 };
    let height = legend + ROW * categories.len().max(1) as f64 + 8.0;
    let width = LABEL_WIDTH + PLOT_WIDTH + 60.0;
    let mut svg = open(title, width, height, series, LABEL_WIDTH);
    for (i, category) in categories.iter().enumerate() {
        let top = legend + ROW * i as f64;
        svg.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL_WIDTH - 6.0,
            top + ROW / 2.0 + 4.0,
            escape(category)
        ));
        for (j, s) in series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0.0);
            let w = (value / max * PLOT_WIDTH).max(0.0);
            let y = top + 3.0 + per_bar * j as f64;
            svg.push_str(&format!(
                r#"<rect x="{LABEL_WIDTH}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{}"><title>{}：{}{unit}</title></rect><text x="{:.1}" y="{:.1}" font-size="10">{}</text>"#,
                (per_bar - 1.0).max(1.0),
                s.colour,
                escape(category),
                number(value),
                LABEL_WIDTH + w + 4.0,
                y + per_bar - 2.0,
                number(value)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

const COLUMN_PLOT: f64 = 160.0;
const COLUMN_SLOT: f64 = 56.0;

/// A column chart, for a time series: a slot per period left to right, a column per series
/// in each slot, the value above each column, the period under it, a legend when there are
/// several series.
pub fn columns(title: &str, periods: &[String], series: &[Series<'_>], unit: &str) -> String {
    let max = largest(series);
    let legend = if series.len() > 1 { ROW } else { 0.0 };
    let base = legend + 14.0 + COLUMN_PLOT;
    let width = 20.0 + COLUMN_SLOT * periods.len().max(1) as f64;
    let height = base + 22.0;
    let per_column = (COLUMN_SLOT - 12.0) / series.len().max(1) as f64;
    let mut svg = open(title, width, height, series, 20.0);
    svg.push_str(&format!(
        r#"<line x1="14" y1="{base}" x2="{width}" y2="{base}" stroke="{GREY}"/>"#
    ));
    for (i, period) in periods.iter().enumerate() {
        let left = 20.0 + COLUMN_SLOT * i as f64;
        svg.push_str(&format!(
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            left + COLUMN_SLOT / 2.0 - 6.0,
            base + 16.0,
            escape(period)
        ));
        for (j, s) in series.iter().enumerate() {
            let value = s.values.get(i).copied().unwrap_or(0.0);
            let h = (value / max * COLUMN_PLOT).max(0.0);
            let x = left + per_column * j as f64;
            svg.push_str(&format!(
                r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}"><title>{}：{}{unit}</title></rect><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text>"#,
                base - h,
                (per_column - 2.0).max(1.0),
                s.colour,
                escape(period),
                number(value),
                x + per_column / 2.0 - 1.0,
                base - h - 3.0,
                number(value)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The largest value of any series (at least 1, so that an empty chart divides by 1).
fn largest(series: &[Series<'_>]) -> f64 {
    series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max)
        .max(1.0)
}

/// A chart's opening: the SVG element named by its title, and a legend from `legend_x`
/// when there are several series.
fn open(title: &str, width: f64, height: f64, series: &[Series<'_>], legend_x: f64) -> String {
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{t}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" font-size="12" font-family="sans-serif"><title>{t}</title>"#,
        t = escape(title)
    );
    if series.len() > 1 {
        let mut x = legend_x;
        for s in series {
            svg.push_str(&format!(
                r#"<rect x="{x}" y="4" width="10" height="10" fill="{}"/><text x="{}" y="13">{}</text>"#,
                s.colour,
                x + 14.0,
                escape(s.name)
            ));
            x += 24.0 + 13.0 * s.name.chars().count() as f64;
        }
    }
    svg
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_bar_per_value_scaled_to_the_largest() {
        let svg = bars(
            "各機關未結案件",
            &["都市發展局".into(), "交通局".into()],
            &[Series {
                name: "未結",
                colour: BLUE,
                values: vec![4.0, 2.0],
            }],
            " 件",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"aria-label="各機關未結案件""#));
        assert!(
            svg.contains(r#"width="380.0""#),
            "the largest fills the plot"
        );
        assert!(
            svg.contains(r#"width="190.0""#),
            "half of it, half the width"
        );
        assert!(
            !svg.contains("style="),
            "no inline styles: the CSP forbids them"
        );
    }

    #[test]
    fn a_time_series_stands_in_columns_scaled_to_the_largest() {
        let svg = columns(
            "每月趨勢",
            &["113/03".into(), "113/04".into()],
            &[Series {
                name: "登錄",
                colour: BLUE,
                values: vec![8.0, 2.0],
            }],
            " 件",
        );
        assert!(svg.contains(r#"aria-label="每月趨勢""#));
        assert!(
            svg.contains(r#"height="160.0""#),
            "the largest fills the plot"
        );
        assert!(
            svg.contains(r#"height="40.0""#),
            "a quarter of it, a quarter of the height"
        );
        let march = svg.find("113/03").unwrap();
        assert!(march < svg.find("113/04").unwrap(), "left to right in time");
        assert!(!svg.contains("style="));
        assert!(!columns("<b>", &["<i>".into()], &[], "").contains("<b>"));
    }

    #[test]
    fn labels_cannot_inject_markup() {
        let svg = bars(
            "<x>",
            &["a\"<b>".into()],
            &[Series {
                name: "s",
                colour: RED,
                values: vec![1.0],
            }],
            "",
        );
        assert!(!svg.contains("<b>") && !svg.contains("<x>"));
    }

    #[test]
    fn several_series_get_a_legend() {
        let svg = bars(
            "t",
            &["一月".into()],
            &[
                Series {
                    name: "登錄",
                    colour: BLUE,
                    values: vec![3.0],
                },
                Series {
                    name: "答復",
                    colour: GREY,
                    values: vec![1.5],
                },
            ],
            "",
        );
        assert!(svg.contains(">登錄</text>") && svg.contains(">答復</text>"));
        assert!(svg.contains(">1.5</text>"));
    }
}
