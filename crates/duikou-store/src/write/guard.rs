//! The write path cannot be walked around: a test reads the store's own sources and finds
//! every SQL statement that writes a table of a kind on the path, and fails when one sits
//! outside the files the kind's SQL lives in.

/// (table, the files that may write it). The kind's own module, the bulk loader of
/// `duikou gen` (administrators only, through `Scoped::bulk_loader`), and the engines that
/// keep derived records (the warnings engine raises and clears warnings and opens slips for
/// red ones, inside the write that caused them).
const OWNERS: &[(&str, &[&str])] = &[
    // `org_merge.rs`: the merge of a unit (an action of the org kind, on the path) moves every
    // reference to it onto the kept unit, in its own transaction.
    ("progress_reports", &["progress_reports.rs", "bulk.rs"]),
    ("problems", &["problems.rs", "bulk.rs", "org_merge.rs"]),
    ("regions", &["regions.rs", "bulk.rs"]),
    ("orgs", &["orgs.rs", "org_merge.rs"]),
    (
        "partnerships",
        &["partnerships.rs", "bulk.rs", "org_merge.rs"],
    ),
    ("notify_channels", &["channels.rs", "org_merge.rs"]),
    ("slips", &["slips/write.rs", "slips/mod.rs", "org_merge.rs"]),
    ("stage_requests", &["stage_requests.rs"]),
    (
        "warnings",
        &["warnings/answers.rs", "warnings/engine.rs", "org_merge.rs"],
    ),
    // A project's own row: its kind, its stage moves, the bulk loader, and two derived
    // columns kept inside the writes that change them (the latest report's figures; when
    // the warnings engine next looks at it).
    (
        "projects",
        &[
            "projects.rs",
            "transitions.rs",
            "progress_reports.rs",
            "warnings/engine.rs",
            "bulk.rs",
            "org_merge.rs",
        ],
    ),
    (
        "stage_changes",
        &["transitions.rs", "projects.rs", "bulk.rs"],
    ),
    ("project_schedules", &["steps/write.rs", "bulk.rs"]),
    ("project_steps", &["steps/write.rs", "bulk.rs"]),
    ("annual_plans", &["warnings/settings.rs"]),
    (
        "warning_thresholds",
        &["warnings/settings.rs", "org_merge.rs"],
    ),
    ("step_templates", &["templates.rs"]),
    ("calendar_entries", &["calendar.rs"]),
    ("grants", &["accounts/write.rs", "org_merge.rs"]),
    // An administrator's writes of a user, and the user's own: their password and their
    // language.
    (
        "users",
        &[
            "accounts/write.rs",
            "accounts/passwords.rs",
            "accounts/users.rs",
            "org_merge.rs",
        ],
    ),
];

fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("the store's sources") {
        let path = entry.expect("a source").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("readable");
            let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/");
            let name = path.to_string_lossy().trim_start_matches(root).to_owned();
            out.push((name, text));
        }
    }
}

/// Whether a source writes `table`: plain SQL, or the shared guarded delete naming it.
fn written(text: &str, table: &str) -> bool {
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let quoted = format!("\"{table}\"");
    let by_helper = squeezed.match_indices("delete_row(").any(|(i, _)| {
        let call: String = squeezed[i..].chars().take(60).collect();
        call.contains(&quoted)
    });
    by_helper
        || ["INSERT INTO", "UPDATE", "DELETE FROM"].iter().any(|verb| {
            let pat = format!("{verb} {table}");
            squeezed.match_indices(&pat).any(|(i, _)| {
                let next = squeezed[i + pat.len()..].chars().next();
                !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
}

#[test]
fn no_write_of_a_kind_on_the_path_sits_outside_its_own_files() {
    let mut all = Vec::new();
    sources(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut all,
    );
    assert!(all.len() > 20, "found the sources: {}", all.len());
    let mut strays = Vec::new();
    for (table, owners) in OWNERS {
        for (name, text) in &all {
            if name.ends_with("guard.rs") || owners.contains(&name.as_str()) {
                continue;
            }
            if written(text, table) {
                strays.push(format!("{name} writes {table}"));
            }
        }
        assert!(
            all.iter()
                .any(|(n, t)| owners.contains(&n.as_str()) && written(t, table)),
            "the owners of {table} write it (the test still sees them)"
        );
    }
    assert!(
        strays.is_empty(),
        "writes around the write path: {strays:?}"
    );
}

#[test]
fn the_scan_sees_a_write_however_it_is_wrapped() {
    assert!(written(
        "sqlx::query(\"UPDATE problems SET x = 1\")",
        "problems"
    ));
    assert!(written("\"DELETE FROM\n   orgs WHERE id = $1\"", "orgs"));
    assert!(!written("UPDATE problems_archive SET x = 1", "problems"));
    assert!(!written("SELECT * FROM problems", "problems"));
    assert!(written("delete_row(tx, \"orgs\", \"id\", k, v, w)", "orgs"));
    assert!(!written(
        "delete_row(tx, \"orgs_x\", \"id\", k, v, w)",
        "orgs"
    ));
}
