//! Output formats of the repository commands, as Helm prints them
//! (pkg/cli/output): tables laid out like gosuri/uitable v0.0.4 (cells
//! padded to the column width, `\t` between columns, over-long cells cut
//! to `...`), JSON like `json.NewEncoder(out).Encode`, YAML like
//! sigs.k8s.io/yaml.Marshal.

/// `-o table|json|yaml`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Table,
    Json,
    Yaml,
}

/// A uitable table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
    /// Helm's `MaxColWidth` (0: unlimited).
    pub max_col_width: usize,
}

impl Table {
    pub fn new(max_col_width: usize) -> Table {
        Table { rows: Vec::new(), max_col_width }
    }

    pub fn add_row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// uitable's `Table.String()` (no final newline).
    pub fn render(&self) -> String {
        if self.rows.is_empty() {
            return String::new();
        }
        let mut widths: Vec<usize> = Vec::new();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if widths.len() <= i {
                    widths.push(0);
                }
                let mut w = cell.split('\n').map(width).max().unwrap_or(0);
                if self.max_col_width != 0 && w > self.max_col_width {
                    w = self.max_col_width;
                }
                widths[i] = widths[i].max(w);
            }
        }
        let lines: Vec<String> = self.rows.iter().map(|row| render_row(row, &widths)).collect();
        lines.join("\n")
    }
}

/// uitable's Row.String: cells resized, multi-line cells spread over lines.
fn render_row(row: &[String], widths: &[usize]) -> String {
    let resized: Vec<String> = row.iter().enumerate().map(|(i, c)| resize(c, widths[i])).collect();
    let line_count = resized.iter().map(|c| c.split('\n').count()).max().unwrap_or(1);
    let mut lines = Vec::with_capacity(line_count);
    for x in 0..line_count {
        let cells: Vec<String> = resized
            .iter()
            .enumerate()
            .map(|(y, c)| match c.split('\n').nth(x) {
                Some(part) => resize(part, widths[y]),
                None => " ".repeat(widths[y].max(1)).chars().take(widths[y].max(1)).collect(),
            })
            .collect();
        lines.push(cells.join("\t"));
    }
    lines.join("\n")
}

/// strutil.Resize: pad on the right, or cut to `n-3` bytes plus `...`.
fn resize(s: &str, n: usize) -> String {
    if n == 0 {
        return s.to_string();
    }
    let w = width(s);
    if w == n {
        return s.to_string();
    }
    if w < n {
        return format!("{s}{}", " ".repeat(n - w));
    }
    let keep = n.saturating_sub(3);
    let bytes = &s.as_bytes()[..keep.min(s.len())];
    format!("{}...", String::from_utf8_lossy(bytes))
}

/// Display width (go-runewidth, simplified: control characters are 0,
/// East Asian wide characters 2).
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if c.is_control() {
                0
            } else if is_wide(c) {
                2
            } else {
                1
            }
        })
        .sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF |
        0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 |
        0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

/// `json.NewEncoder(out).Encode(v)` for a value already written as Go JSON.
pub fn encode_json(go_json: &str) -> String {
    format!("{go_json}\n")
}

/// sigs.k8s.io/yaml.Marshal for a value already written as Go JSON.
pub fn encode_yaml(go_json: &str) -> String {
    super::helmjson::yaml_of_json(go_json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_uitable() {
        let mut t = Table::new(10);
        t.add_row(["NAME", "URL"]);
        t.add_row(["stable", "https://charts.example.com"]);
        assert_eq!(t.render(), "NAME  \tURL       \nstable\thttps:/...");
        assert_eq!(Table::new(0).render(), "");
    }
}
