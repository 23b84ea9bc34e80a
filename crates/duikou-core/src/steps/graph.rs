//! The dependency graph of a template. Steps are numbered in template order; a *unit* is a
//! parallel group or a single ungrouped step, and units form the DAG that planning walks
//! (a group starts when all its members' dependencies are released).
//!
//! Built from any template, valid or not: unknown dependencies, self-dependencies and
//! dependencies between members of one group are left out of the unit edges (validation
//! reports them), and a duplicated key resolves to its first step.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use super::template::{StepDef, Template};

pub(super) struct Node<'a> {
    pub def: &'a StepDef,
    pub phase: usize,
    pub index: usize,
}

pub(super) struct Unit {
    /// Step numbers, ascending.
    pub members: Vec<usize>,
    /// Step numbers outside the unit that some member depends on, without duplicates.
    pub deps: Vec<usize>,
    /// Edges `(member, dependency)` behind `deps`.
    edges: Vec<(usize, usize)>,
}

pub(super) struct Graph<'a> {
    template: &'a Template,
    pub nodes: Vec<Node<'a>>,
    /// Each step's own known dependencies (not itself), without duplicates.
    pub deps: Vec<Vec<usize>>,
    pub unit_of: Vec<usize>,
    pub units: Vec<Unit>,
}

impl<'a> Graph<'a> {
    pub fn new(template: &'a Template) -> Graph<'a> {
        let mut nodes = Vec::new();
        for (p, phase) in template.phases.iter().enumerate() {
            for (i, def) in phase.steps.iter().enumerate() {
                nodes.push(Node {
                    def,
                    phase: p,
                    index: i,
                });
            }
        }
        let mut index = HashMap::new();
        for (n, node) in nodes.iter().enumerate() {
            index.entry(node.def.key.as_str()).or_insert(n);
        }
        let deps = nodes
            .iter()
            .enumerate()
            .map(|(n, node)| resolve(&index, n, &node.def.depends_on))
            .collect();
        let mut graph = Graph {
            template,
            nodes,
            deps,
            unit_of: Vec::new(),
            units: Vec::new(),
        };
        graph.build_units();
        graph
    }

    fn build_units(&mut self) {
        let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
        for (n, node) in self.nodes.iter().enumerate() {
            let unit = match node.def.parallel_group.as_deref() {
                Some(g) => *groups.entry(g).or_insert(self.units.len()),
                None => self.units.len(),
            };
            if unit == self.units.len() {
                self.units.push(Unit {
                    members: Vec::new(),
                    deps: Vec::new(),
                    edges: Vec::new(),
                });
            }
            self.units[unit].members.push(n);
            self.unit_of.push(unit);
        }
        for u in 0..self.units.len() {
            let members = self.units[u].members.clone();
            for s in members {
                for &d in &self.deps[s] {
                    if self.unit_of[d] == u {
                        continue;
                    }
                    let unit = &mut self.units[u];
                    unit.edges.push((s, d));
                    if !unit.deps.contains(&d) {
                        unit.deps.push(d);
                    }
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn def(&self, n: usize) -> &'a StepDef {
        self.nodes[n].def
    }

    /// The key of the phase holding step `n`.
    pub fn phase_key(&self, n: usize) -> &'a str {
        &self.template.phases[self.nodes[n].phase].key
    }

    /// The field path of a step: `phases[1].steps[2]`.
    pub fn field(&self, n: usize) -> String {
        format!(
            "phases[{}].steps[{}]",
            self.nodes[n].phase, self.nodes[n].index
        )
    }

    /// Units in dependency order (ties: template order). Units caught in a cycle come last,
    /// in template order, so that planning an invalid template still terminates.
    pub fn order(&self) -> Vec<usize> {
        let count = self.units.len();
        let mut waiting: Vec<usize> = self.units.iter().map(|u| u.deps.len()).collect();
        let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (u, unit) in self.units.iter().enumerate() {
            for &d in &unit.deps {
                dependants[self.unit_of[d]].push(u);
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> = (0..count)
            .filter(|&u| waiting[u] == 0)
            .map(Reverse)
            .collect();
        let mut out = Vec::with_capacity(count);
        while let Some(Reverse(u)) = ready.pop() {
            out.push(u);
            for &v in &dependants[u] {
                waiting[v] -= 1;
                if waiting[v] == 0 {
                    ready.push(Reverse(v));
                }
            }
        }
        let mut placed = vec![false; count];
        out.iter().for_each(|&u| placed[u] = true);
        out.extend((0..count).filter(|&u| !placed[u]));
        out
    }

    /// A cycle among units, as its edges `(step, dependency)`: the dependency of each edge
    /// and the step of the next edge lie in the same unit, and the last edge leads back to
    /// the unit of the first.
    pub fn cycle(&self) -> Option<Vec<(usize, usize)>> {
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut colour = vec![0u8; self.units.len()];
        for root in 0..self.units.len() {
            if colour[root] == 0 {
                if let Some(c) = self.cycle_from(root, &mut colour) {
                    return Some(c);
                }
            }
        }
        None
    }

    fn cycle_from(&self, root: usize, colour: &mut [u8]) -> Option<Vec<Edge>> {
        let mut stack = vec![Frame {
            unit: root,
            next: 0,
            entered_by: None,
        }];
        colour[root] = 1;
        while let Some(top) = stack.last_mut() {
            let u = top.unit;
            let Some(&(s, d)) = self.units[u].edges.get(top.next) else {
                colour[u] = 2;
                stack.pop();
                continue;
            };
            top.next += 1;
            let v = self.unit_of[d];
            match colour[v] {
                0 => {
                    colour[v] = 1;
                    stack.push(Frame {
                        unit: v,
                        next: 0,
                        entered_by: Some((s, d)),
                    });
                }
                1 => {
                    let at = stack.iter().position(|f| f.unit == v).unwrap_or(0);
                    let mut edges: Vec<Edge> = stack[at + 1..]
                        .iter()
                        .filter_map(|f| f.entered_by)
                        .collect();
                    edges.push((s, d));
                    return Some(edges);
                }
                _ => {}
            }
        }
        None
    }
}

/// `(step, dependency)`.
type Edge = (usize, usize);

/// A unit on the depth-first path of [`Graph::cycle`].
struct Frame {
    unit: usize,
    /// The next of the unit's edges to follow.
    next: usize,
    /// The edge that led to the unit (none for the root).
    entered_by: Option<Edge>,
}

fn resolve(index: &HashMap<&str, usize>, n: usize, keys: &[String]) -> Vec<usize> {
    let mut out = Vec::new();
    for key in keys {
        if let Some(&d) = index.get(key.as_str()) {
            if d != n && !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::steps::PhaseDef;

    /// A step of test templates (shared with the other steps modules' tests).
    pub(crate) fn step(key: &str, deps: &[&str], group: Option<&str>) -> StepDef {
        StepDef {
            key: key.to_owned(),
            name: key.to_owned(),
            owner: "x".to_owned(),
            statutory_days: 1,
            committed_days: 1,
            depends_on: deps.iter().map(|d| (*d).to_owned()).collect(),
            parallel_group: group.map(str::to_owned),
            allow_deficiency: false,
            allow_commitment: false,
        }
    }

    /// A one-phase template of test steps.
    pub(crate) fn template(steps: Vec<StepDef>) -> Template {
        Template {
            key: "t".to_owned(),
            name: "t".to_owned(),
            version: 1,
            description: String::new(),
            phases: vec![PhaseDef {
                key: "p".to_owned(),
                name: "p".to_owned(),
                steps,
            }],
        }
    }

    #[test]
    fn a_parallel_group_is_one_unit_ordered_after_all_its_members_dependencies() {
        let t = template(vec![
            step("late", &["a"], None),
            step("b", &["late"], Some("g")),
            step("a", &[], None),
            step("c", &[], Some("g")),
        ]);
        let g = Graph::new(&t);
        assert_eq!(g.unit_of[1], g.unit_of[3]);
        let order: Vec<usize> = g.order().iter().map(|&u| g.units[u].members[0]).collect();
        assert_eq!(order, [2, 0, 1]);
        assert!(g.cycle().is_none());
    }

    #[test]
    fn a_cycle_is_returned_as_its_edges_and_unknown_keys_are_ignored() {
        let t = template(vec![
            step("a", &["b", "ghost"], None),
            step("b", &["a", "b"], None),
        ]);
        let g = Graph::new(&t);
        assert_eq!(g.deps[0], [1]);
        assert_eq!(g.deps[1], [0]);
        assert_eq!(g.cycle(), Some(vec![(0, 1), (1, 0)]));
        assert_eq!(g.order().len(), 2);
    }
}
