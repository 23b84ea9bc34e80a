//! Late chains over random templates: every late step is the root of its chain or late in
//! cascade behind a root, and no root waits, even transitively, for a late step.

use std::collections::BTreeSet;

use duikou_core::steps::{late_chains, Template};
use proptest::prelude::*;

use crate::steps::template_strategy;

/// What each step waits for, computed here on its own: its dependencies and, in a parallel
/// group, those of every member of the group (not the members themselves).
fn waits_for(t: &Template, key: &str) -> BTreeSet<String> {
    let def = t.step(key).expect("a step of the template");
    let members: Vec<_> = match &def.parallel_group {
        Some(g) => t
            .steps()
            .filter(|s| s.parallel_group.as_ref() == Some(g))
            .collect(),
        None => vec![def],
    };
    let inside: BTreeSet<&str> = members.iter().map(|s| s.key.as_str()).collect();
    members
        .iter()
        .flat_map(|s| s.depends_on.iter())
        .filter(|d| !inside.contains(d.as_str()))
        .cloned()
        .collect()
}

/// Everything `key` waits for, even transitively.
fn upstream(t: &Template, key: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut todo = vec![key.to_owned()];
    while let Some(k) = todo.pop() {
        for d in waits_for(t, &k) {
            if out.insert(d.clone()) {
                todo.push(d);
            }
        }
    }
    out
}

proptest! {
    #[test]
    fn every_late_step_is_a_root_or_behind_one_and_no_root_waits_for_a_late_step(
        t in template_strategy(),
        mask in any::<u16>(),
    ) {
        let keys: Vec<String> = t.steps().map(|s| s.key.clone()).collect();
        let late: BTreeSet<&str> = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, k)| k.as_str())
            .collect();
        let chains = late_chains(&t, &late);
        let roots: BTreeSet<&str> = chains.iter().map(|c| c.root.as_str()).collect();
        for c in &chains {
            prop_assert!(late.contains(c.root.as_str()));
            let up = upstream(&t, &c.root);
            prop_assert!(
                up.iter().all(|u| !late.contains(u.as_str())),
                "root {} waits for a late step: {:?}", c.root, up
            );
            for b in &c.behind {
                prop_assert!(late.contains(b.as_str()) && !roots.contains(b.as_str()));
                prop_assert!(upstream(&t, b).contains(&c.root), "{} behind {}", b, c.root);
            }
        }
        for k in &late {
            let behind_one = chains.iter().any(|c| c.behind.iter().any(|b| b == k));
            prop_assert!(roots.contains(k) != behind_one, "{} root or behind, not both", k);
            // A late step waiting for a late step is behind every root it waits for.
            for r in &roots {
                let waits = upstream(&t, k).contains(*r);
                let listed = chains.iter().any(|c| c.root == *r && c.behind.iter().any(|b| b == k));
                prop_assert_eq!(waits, listed, "{} behind {}", k, r);
            }
        }
    }
}
