//! The two migration trees give the same tables and columns: the same file names, and read in
//! order, the same columns of every table (types differ on purpose: `BIGINT` and `INTEGER`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Schema = BTreeMap<String, BTreeSet<String>>;

fn files(tree: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(tree);
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("the migrations")
        .map(|e| {
            let path = e.expect("an entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).expect("readable"))
        })
        .collect();
    out.sort();
    out
}

/// Tables and their columns after applying `sql` to `schema`: `CREATE TABLE` blocks, `ALTER
/// TABLE … ADD COLUMN`, `… DROP COLUMN` and `DROP TABLE`.
fn apply(schema: &mut Schema, sql: &str) {
    let text: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    for stmt in text.split(';') {
        let words: Vec<&str> = stmt.split_whitespace().collect();
        let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
        let name = |i: usize| words.get(i).map(|w| w.trim_matches('(').to_lowercase());
        if upper.starts_with(&["CREATE".into(), "TABLE".into()]) {
            let table = name(2).expect("a table name");
            let body = &stmt[stmt.find('(').expect("columns") + 1..];
            let cols = schema.entry(table).or_default();
            for line in body.split(",\n").flat_map(|l| l.split('\n')) {
                let first = line.split_whitespace().next().unwrap_or("");
                let kw = first.to_uppercase();
                let constraint = ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT", ")"];
                if !first.is_empty()
                    && !constraint.iter().any(|c| kw.starts_with(c))
                    && first.chars().next().is_some_and(|c| c.is_alphabetic())
                {
                    cols.insert(first.trim_end_matches(',').to_lowercase());
                }
            }
        } else if upper.starts_with(&["ALTER".into(), "TABLE".into()]) {
            let table = name(2).expect("a table name");
            let cols = schema.entry(table).or_default();
            match (
                upper.get(3).map(String::as_str),
                upper.get(4).map(String::as_str),
            ) {
                (Some("ADD"), Some("COLUMN")) => {
                    cols.insert(name(5).expect("a column"));
                }
                (Some("DROP"), Some("COLUMN")) => {
                    cols.remove(&name(5).expect("a column"));
                }
                _ => {}
            }
        } else if upper.starts_with(&["DROP".into(), "TABLE".into()]) {
            schema.remove(&name(2).expect("a table name"));
        }
    }
}

#[test]
fn both_trees_have_the_same_files_tables_and_columns() {
    let sqlite = files("sqlite");
    let postgres = files("postgres");
    let names = |f: &[(String, String)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&sqlite),
        names(&postgres),
        "the same migrations, by name"
    );
    let (mut a, mut b) = (Schema::new(), Schema::new());
    for ((name, s), (_, p)) in sqlite.iter().zip(&postgres) {
        apply(&mut a, s);
        apply(&mut b, p);
        assert_eq!(a, b, "after {name}");
    }
    assert!(a.len() > 25, "the tables were read: {:?}", a.keys());
    assert!(a["projects"].contains("construction") && a["projects"].contains("host_region_path"));
}

#[test]
fn the_reader_sees_a_column_added_to_one_tree_only() {
    let mut a = Schema::new();
    apply(
        &mut a,
        "CREATE TABLE t (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL,\n  UNIQUE (name)\n);",
    );
    let mut b = a.clone();
    apply(
        &mut b,
        "ALTER TABLE t ADD COLUMN extra TEXT; -- one tree only",
    );
    assert_eq!(a["t"].iter().collect::<Vec<_>>(), ["id", "name"]);
    assert_ne!(a, b);
}
