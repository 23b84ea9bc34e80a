//! Critical paths: the template's limits along its longest chain, and the walk back along
//! the dependencies released last, shared with the schedule.

use serde::Serialize;

use super::graph::Graph;
use super::template::{Template, MAX_LIMIT_DAYS};

/// The template's critical path and its total limits, in working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathLimits {
    /// Step keys, first to last.
    pub path: Vec<String>,
    /// The committed days along the path: the longest chain by committed days, parallel
    /// groups starting together.
    pub committed_days: i64,
    /// The statutory days along that same path (not the longest chain by statutory days,
    /// which may differ).
    pub statutory_days: i64,
}

impl Template {
    /// The longest chain by committed days and its committed and statutory totals: what
    /// the template promises for a whole project (e.g. 40 of 120 working days). Ties: the
    /// chain ending at the later step in template order; along the chain, a step's own
    /// dependency before a group-mate's, then the first in template order.
    pub fn critical_path_limits(&self) -> PathLimits {
        let graph = Graph::new(self);
        let days = |n: usize, pick: fn(&super::StepDef) -> i32| {
            i64::from(pick(graph.def(n)).clamp(1, MAX_LIMIT_DAYS))
        };
        let mut finish = vec![0i64; graph.len()];
        for u in graph.order() {
            let unit = &graph.units[u];
            let start = unit.deps.iter().map(|&d| finish[d]).max().unwrap_or(0);
            for &n in &unit.members {
                finish[n] = start + days(n, |s| s.committed_days);
            }
        }
        let Some(end) = (0..graph.len()).max_by_key(|&n| finish[n]) else {
            return PathLimits {
                path: Vec::new(),
                committed_days: 0,
                statutory_days: 0,
            };
        };
        let path = walk_back(&graph, end, |d| finish[d]);
        PathLimits {
            committed_days: path.iter().map(|&n| days(n, |s| s.committed_days)).sum(),
            statutory_days: path.iter().map(|&n| days(n, |s| s.statutory_days)).sum(),
            path: path.iter().map(|&n| graph.def(n).key.clone()).collect(),
        }
    }
}

/// The chain ending at `end`, first to last: from each step, go to the dependency of its
/// unit (its own, or its parallel group's) with the greatest `released`; ties prefer the
/// step's own dependencies, then template order. Stops at a step whose unit has none.
pub(super) fn walk_back<K: Ord>(
    graph: &Graph,
    end: usize,
    released: impl Fn(usize) -> K,
) -> Vec<usize> {
    let mut path = vec![end];
    let mut n = end;
    while path.len() <= graph.len() {
        let unit = &graph.units[graph.unit_of[n]];
        let own = graph.deps[n].iter().filter(|d| unit.deps.contains(d));
        let mut best: Option<(usize, K)> = None;
        for &d in own.chain(unit.deps.iter()) {
            let key = released(d);
            if best.as_ref().is_none_or(|(_, k)| key > *k) {
                best = Some((d, key));
            }
        }
        let Some((d, _)) = best else {
            break;
        };
        path.push(d);
        n = d;
    }
    path.reverse();
    path
}
