//! Tables that fit the terminal: text columns wrap, whole columns (CA锁ID, dates, fingerprints)
//! are never broken, and optional columns give way, least useful first, when the terminal is
//! too narrow for all of them. Off a terminal, every column at its natural width.

use comfy_table::{presets, ColumnConstraint, ContentArrangement, Table, Width};

/// One column of a table.
#[derive(Clone, Debug)]
pub struct Column {
    header: String,
    /// Never broken: a value read or copied whole.
    whole: bool,
    /// Dropped when the terminal is too narrow; higher ranks go first. `None`: always shown.
    drop_rank: Option<u8>,
}

impl Column {
    /// Text that may wrap onto several lines (names, messages).
    pub fn text(header: impl Into<String>) -> Column {
        Column { header: header.into(), whole: false, drop_rank: None }
    }

    /// A value that is never broken (an ID, a date, a fingerprint prefix, a path).
    pub fn whole(header: impl Into<String>) -> Column {
        Column { header: header.into(), whole: true, drop_rank: None }
    }

    pub fn header(&self) -> &str {
        &self.header
    }

    /// Shown only when there is room; of two optional columns, the higher `rank` goes first.
    pub fn optional(mut self, rank: u8) -> Column {
        self.drop_rank = Some(rank);
        self
    }
}

/// A table's columns and rows, laid out when printed.
#[derive(Debug)]
pub struct Grid {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
}

/// Narrowest a wrapping column is allowed to get before optional columns give way.
const TEXT_MIN: usize = 12;

impl Grid {
    pub fn new(columns: Vec<Column>) -> Grid {
        Grid { columns, rows: Vec::new() }
    }

    pub fn add_row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table for a terminal `width` columns wide (`None`: not a terminal, no limit).
    pub fn layout(&self, width: Option<u16>, styled: bool) -> Table {
        let shown = match width {
            Some(w) => self.columns_that_fit(usize::from(w)),
            None => (0..self.columns.len()).collect(),
        };
        let mut table = Table::new();
        table.load_style(presets::UTF8_FULL_CONDENSED);
        if !styled {
            table.force_no_tty();
        }
        table.set_header(shown.iter().map(|&i| self.columns[i].header.clone()));
        for row in &self.rows {
            table.add_row(shown.iter().map(|&i| row.get(i).cloned().unwrap_or_default()));
        }
        if let Some(w) = width {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(w);
            for (n, &i) in shown.iter().enumerate() {
                // Text keeps a readable width even when whole columns overflow the terminal.
                let constraint = if self.columns[i].whole {
                    ColumnConstraint::ContentWidth
                } else {
                    let least = self.natural_width(i).min(TEXT_MIN) as u16;
                    ColumnConstraint::LowerBoundary(Width::Fixed(least))
                };
                if let Some(column) = table.column_mut(n) {
                    column.set_constraint(constraint);
                }
            }
        }
        table
    }

    /// The columns to show: all of them if they fit, else without the optional ones, in order of
    /// rank, until the whole columns at their width and the text columns at `TEXT_MIN` fit.
    fn columns_that_fit(&self, width: usize) -> Vec<usize> {
        let mut shown: Vec<usize> = (0..self.columns.len()).collect();
        let mut optional: Vec<usize> =
            shown.iter().copied().filter(|&i| self.columns[i].drop_rank.is_some()).collect();
        optional.sort_by_key(|&i| std::cmp::Reverse(self.columns[i].drop_rank));
        let mut optional = optional.into_iter();
        while self.least_width(&shown) > width {
            match optional.next() {
                Some(drop) => shown.retain(|&i| i != drop),
                None => break,
            }
        }
        shown
    }

    /// The narrowest these columns can be laid out: borders and padding (3 per column and 1),
    /// whole columns at their natural width, text columns at their natural width up to
    /// `TEXT_MIN`.
    fn least_width(&self, shown: &[usize]) -> usize {
        let content: usize = shown
            .iter()
            .map(|&i| {
                let natural = self.natural_width(i);
                if self.columns[i].whole {
                    natural
                } else {
                    natural.min(TEXT_MIN)
                }
            })
            .sum();
        content + 3 * shown.len() + 1
    }

    /// The widest line of the column, header included, in terminal cells (CJK counts two).
    fn natural_width(&self, i: usize) -> usize {
        let cells = self.rows.iter().filter_map(|r| r.get(i));
        std::iter::once(&self.columns[i].header)
            .chain(cells)
            .flat_map(|text| text.lines())
            .map(console::measure_text_width)
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Grid {
        let mut g = Grid::new(vec![
            Column::whole("CA锁ID"),
            Column::text("证书"),
            Column::whole("SHA-256").optional(2),
            Column::whole("Issuer").optional(1),
        ]);
        g.add_row(vec![
            "3301000045102205".into(),
            "张三 (杭州市某某采购单位)".into(),
            "9f86d081884c7d65".into(),
            "zca Demo CA".into(),
        ]);
        g
    }

    fn lines(table: &Table) -> Vec<String> {
        table.to_string().lines().map(str::to_string).collect()
    }

    #[test]
    fn a_wide_terminal_shows_everything_a_narrow_one_drops_the_optional_first() {
        let g = sample();
        let wide = lines(&g.layout(Some(200), false));
        assert!(wide[1].contains("SHA-256") && wide[1].contains("Issuer"), "{wide:?}");
        let narrow = lines(&g.layout(Some(50), false));
        assert!(!narrow[1].contains("SHA-256"), "the higher rank goes first: {narrow:?}");
        for line in &narrow {
            assert!(console::measure_text_width(line) <= 50, "{line}");
        }
        assert!(narrow.iter().any(|l| l.contains("3301000045102205")), "never broken");
    }

    #[test]
    fn off_a_terminal_every_column_at_its_width() {
        let all = lines(&sample().layout(None, false));
        assert!(all[1].contains("SHA-256") && all[1].contains("Issuer"));
        assert!(all.iter().any(|l| l.contains("张三 (杭州市某某采购单位)")));
    }
}
