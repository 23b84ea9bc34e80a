//! Late chains (逾期链): which late steps of a project are the first late step of their chain
//! and which are only late in cascade (顺延) behind them.
//!
//! A step waits for its dependencies and, in a parallel group, for every dependency of the
//! group (the planning rule of [`super::plan`]); a late step is a **root** when nothing it
//! waits for, even transitively, is late. Every other late step is **behind** each root it
//! waits for.

use std::collections::BTreeSet;

use super::graph::Graph;
use super::template::Template;

/// A late step at the head of its chain and the late steps behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateChain {
    /// The root's key.
    pub root: String,
    /// The late steps waiting for the root, even transitively, in template order.
    pub behind: Vec<String>,
}

/// The roots among the `late` step keys of a project on `template`, in template order, each
/// with the late steps behind it. A key the template does not hold is a root with nothing
/// behind it (nothing is known of what it waits for), after the others.
pub fn late_chains(template: &Template, late: &BTreeSet<&str>) -> Vec<LateChain> {
    let graph = Graph::new(template);
    let is_late: Vec<bool> = (0..graph.len())
        .map(|n| late.contains(graph.def(n).key.as_str()))
        .collect();
    // For each late step, the late steps it waits for, even transitively.
    let waits_for: Vec<Vec<usize>> = (0..graph.len())
        .map(|n| match is_late[n] {
            true => late_upstream(&graph, &is_late, n),
            false => Vec::new(),
        })
        .collect();
    let mut chains: Vec<LateChain> = (0..graph.len())
        .filter(|&n| is_late[n] && waits_for[n].is_empty())
        .map(|root| LateChain {
            root: graph.def(root).key.clone(),
            behind: (0..graph.len())
                .filter(|&m| waits_for[m].contains(&root))
                .map(|m| graph.def(m).key.clone())
                .collect(),
        })
        .collect();
    let known: BTreeSet<&str> = (0..graph.len())
        .map(|n| graph.def(n).key.as_str())
        .collect();
    chains.extend(
        late.iter()
            .filter(|k| !known.contains(*k))
            .map(|k| LateChain {
                root: (*k).to_owned(),
                behind: Vec::new(),
            }),
    );
    chains
}

/// The late steps that step `n` waits for, even transitively (not `n` itself).
fn late_upstream(graph: &Graph<'_>, is_late: &[bool], n: usize) -> Vec<usize> {
    let mut seen = vec![false; graph.len()];
    let mut stack = vec![n];
    let mut out = Vec::new();
    while let Some(m) = stack.pop() {
        for &d in &graph.units[graph.unit_of[m]].deps {
            if !seen[d] {
                seen[d] = true;
                if is_late[d] && d != n {
                    out.push(d);
                }
                stack.push(d);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::graph::tests::{step, template};

    fn chain(root: &str, behind: &[&str]) -> LateChain {
        LateChain {
            root: root.to_owned(),
            behind: behind.iter().map(|b| (*b).to_owned()).collect(),
        }
    }

    #[test]
    fn a_late_first_step_is_the_one_root_of_its_late_successors() {
        let t = template(vec![
            step("a", &[], None),
            step("b", &["a"], None),
            step("c", &["b"], None),
            step("d", &[], None),
        ]);
        let late = BTreeSet::from(["a", "b", "c"]);
        assert_eq!(late_chains(&t, &late), [chain("a", &["b", "c"])]);
    }

    #[test]
    fn a_late_step_behind_an_on_time_step_still_waits_for_the_late_one_before_it() {
        // b is not late (say finished late), c is: c still waits for a, transitively.
        let t = template(vec![
            step("a", &[], None),
            step("b", &["a"], None),
            step("c", &["b"], None),
        ]);
        let late = BTreeSet::from(["a", "c"]);
        assert_eq!(late_chains(&t, &late), [chain("a", &["c"])]);
        // Without a late, c is a root of its own.
        assert_eq!(late_chains(&t, &BTreeSet::from(["c"])), [chain("c", &[])]);
    }

    #[test]
    fn a_step_behind_two_roots_is_counted_behind_each() {
        let t = template(vec![
            step("a", &[], None),
            step("b", &[], None),
            step("c", &["a", "b"], None),
        ]);
        let late = BTreeSet::from(["a", "b", "c"]);
        assert_eq!(
            late_chains(&t, &late),
            [chain("a", &["c"]), chain("b", &["c"])]
        );
    }

    #[test]
    fn a_group_member_waits_for_the_dependencies_of_the_whole_group() {
        let t = template(vec![
            step("a", &[], None),
            step("x", &["a"], Some("g")),
            step("y", &[], Some("g")),
        ]);
        let late = BTreeSet::from(["a", "y"]);
        assert_eq!(late_chains(&t, &late), [chain("a", &["y"])]);
    }

    #[test]
    fn an_unknown_key_is_a_root_of_its_own_after_the_others() {
        let t = template(vec![step("a", &[], None)]);
        let late = BTreeSet::from(["a", "ghost"]);
        assert_eq!(
            late_chains(&t, &late),
            [chain("a", &[]), chain("ghost", &[])]
        );
        assert!(late_chains(&t, &BTreeSet::new()).is_empty());
    }

    #[test]
    fn a_cycle_in_an_invalid_template_still_ends() {
        let t = template(vec![step("a", &["b"], None), step("b", &["a"], None)]);
        let late = BTreeSet::from(["a", "b"]);
        assert!(late_chains(&t, &late).is_empty());
    }
}
