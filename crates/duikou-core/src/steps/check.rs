//! The rules of a template ([`Template::validate`]).

use std::collections::HashMap;

use super::graph::Graph;
use super::label;
use super::template::{PhaseDef, StepDef, Template, MAX_LIMIT_DAYS};
use crate::error::{Errors, ValidationError};

impl Template {
    /// Checks every rule and reports every broken one, each naming its field (e.g.
    /// `phases[1].steps[2].depends_on`) and, for a step, the step's name and key:
    ///
    /// - keys are slugs; step keys are unique in the template, phase keys among phases;
    ///   names and owners are not blank; the version is at least 1; every phase has steps;
    /// - `0 < committed_days <= statutory_days <= MAX_LIMIT_DAYS`;
    /// - dependencies exist, are not the step itself and are not listed twice;
    /// - members of a parallel group do not depend on each other;
    /// - no cycle, counting a parallel group as one node (its members start together).
    ///   The message shows the cycle, `→` reading "depends on", e.g.
    ///   `环节依赖形成循环：「甲」（a） → 「乙」（b） → 「甲」（a）`.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut errs = Errors::new();
        self.check_header(&mut errs);
        let mut first_seen: HashMap<&str, (usize, usize)> = HashMap::new();
        let mut phase_keys: HashMap<&str, usize> = HashMap::new();
        for (p, phase) in self.phases.iter().enumerate() {
            check_phase(p, phase, &mut phase_keys, &mut errs);
            for (i, step) in phase.steps.iter().enumerate() {
                let field = format!("phases[{p}].steps[{i}]");
                check_step(&field, step, &mut errs);
                check_unique(&field, step, (p, i), &mut first_seen, &mut errs);
                self.check_dependencies(&field, step, &mut errs);
            }
        }
        let graph = Graph::new(self);
        check_groups(&graph, &mut errs);
        check_cycle(&graph, &mut errs);
        errs.finish()
    }

    fn check_header(&self, errs: &mut Errors) {
        if !is_slug(&self.key) {
            errs.push(
                "key",
                "slug",
                format!("模板编码「{}」无效：{SLUG_RULE}", self.key),
            );
        }
        if self.name.trim().is_empty() {
            errs.push("name", "required", "模板须填写名称");
        }
        if self.version < 1 {
            errs.push(
                "version",
                "range",
                format!("模板版本号须从1起（现为{}）", self.version),
            );
        }
        if self.phases.is_empty() {
            errs.push("phases", "required", "模板至少要有一个阶段");
        }
    }

    fn check_dependencies(&self, field: &str, step: &StepDef, errs: &mut Errors) {
        let me = label(&step.name, &step.key);
        for (k, dep) in step.depends_on.iter().enumerate() {
            let at = format!("{field}.depends_on[{k}]");
            if *dep == step.key {
                errs.push(at, "self_dependency", format!("环节{me}不能依赖自身"));
            } else if self.step(dep).is_none() {
                errs.push(
                    at,
                    "unknown_step",
                    format!("环节{me}依赖的环节「{dep}」不存在"),
                );
            } else if step.depends_on[..k].contains(dep) {
                errs.push(at, "duplicate", format!("环节{me}重复依赖环节「{dep}」"));
            }
        }
    }
}

const SLUG_RULE: &str = "只能使用小写字母、数字、下划线和连字符，并以字母开头";

/// A key: a lowercase ASCII letter, then lowercase letters, digits, `_` or `-`; at most 64.
pub(super) fn is_slug(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && s.len() <= 64
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '-'))
}

fn check_phase<'a>(
    p: usize,
    phase: &'a PhaseDef,
    seen: &mut HashMap<&'a str, usize>,
    errs: &mut Errors,
) {
    let field = format!("phases[{p}]");
    if !is_slug(&phase.key) {
        errs.push(
            format!("{field}.key"),
            "slug",
            format!("第{}个阶段的编码「{}」无效：{SLUG_RULE}", p + 1, phase.key),
        );
    } else if let Some(first) = seen.insert(&phase.key, p) {
        seen.insert(&phase.key, first);
        errs.push(
            format!("{field}.key"),
            "duplicate",
            format!("阶段编码「{}」与第{}个阶段重复", phase.key, first + 1),
        );
    }
    if phase.name.trim().is_empty() {
        errs.push(
            format!("{field}.name"),
            "required",
            format!("阶段（{}）须填写名称", phase.key),
        );
    }
    if phase.steps.is_empty() {
        errs.push(
            format!("{field}.steps"),
            "required",
            format!("阶段「{}」（{}）至少要有一个环节", phase.name, phase.key),
        );
    }
}

fn check_step(field: &str, step: &StepDef, errs: &mut Errors) {
    let me = label(&step.name, &step.key);
    if !is_slug(&step.key) {
        errs.push(
            format!("{field}.key"),
            "slug",
            format!("环节{me}的编码无效：{SLUG_RULE}"),
        );
    }
    if step.name.trim().is_empty() {
        errs.push(
            format!("{field}.name"),
            "required",
            format!("环节（{}）须填写名称", step.key),
        );
    }
    if step.owner.trim().is_empty() {
        errs.push(
            format!("{field}.owner"),
            "required",
            format!("环节{me}须填写牵头单位或部门"),
        );
    }
    let statutory = check_limit(field, "statutory_days", "法定时限", step, errs);
    let committed = check_limit(field, "committed_days", "承诺时限", step, errs);
    if statutory && committed && step.committed_days > step.statutory_days {
        errs.push(
            format!("{field}.committed_days"),
            "inconsistent",
            format!(
                "环节{me}的承诺时限（{}个工作日）不能超过法定时限（{}个工作日）",
                step.committed_days, step.statutory_days
            ),
        );
    }
    if let Some(group) = &step.parallel_group {
        if !is_slug(group) {
            errs.push(
                format!("{field}.parallel_group"),
                "slug",
                format!("环节{me}的并行组编码「{group}」无效：{SLUG_RULE}"),
            );
        }
    }
}

/// Checks one limit; true when it is in range.
fn check_limit(field: &str, name: &str, zh: &str, step: &StepDef, errs: &mut Errors) -> bool {
    let days = match name {
        "statutory_days" => step.statutory_days,
        _ => step.committed_days,
    };
    let me = label(&step.name, &step.key);
    let problem = if days <= 0 {
        format!("环节{me}的{zh}必须大于0个工作日（现为{days}）")
    } else if days > MAX_LIMIT_DAYS {
        format!("环节{me}的{zh}不能超过{MAX_LIMIT_DAYS}个工作日（现为{days}）")
    } else {
        return true;
    };
    errs.push(format!("{field}.{name}"), "range", problem);
    false
}

fn check_unique<'a>(
    field: &str,
    step: &'a StepDef,
    at: (usize, usize),
    seen: &mut HashMap<&'a str, (usize, usize)>,
    errs: &mut Errors,
) {
    match seen.get(step.key.as_str()) {
        Some(&(p, i)) => errs.push(
            format!("{field}.key"),
            "duplicate",
            format!(
                "环节{}的编码与第{}阶段第{}个环节重复",
                label(&step.name, &step.key),
                p + 1,
                i + 1
            ),
        ),
        None => {
            seen.insert(&step.key, at);
        }
    }
}

fn check_groups(graph: &Graph, errs: &mut Errors) {
    for n in 0..graph.len() {
        let def = graph.def(n);
        let Some(group) = &def.parallel_group else {
            continue;
        };
        for &d in &graph.deps[n] {
            if graph.unit_of[d] == graph.unit_of[n] {
                let dep = graph.def(d);
                errs.push(
                    format!("{}.depends_on", graph.field(n)),
                    "parallel_group",
                    format!(
                        "环节{}与其依赖的环节{}同属并行组「{group}」：同组环节同时开始，不能相互依赖",
                        label(&def.name, &def.key),
                        label(&dep.name, &dep.key)
                    ),
                );
            }
        }
    }
}

fn check_cycle(graph: &Graph, errs: &mut Errors) {
    let Some(edges) = graph.cycle() else {
        return;
    };
    let name = |n: usize| label(&graph.def(n).name, &graph.def(n).key);
    let group_note = |n: usize| {
        let group = graph.def(n).parallel_group.as_deref().unwrap_or_default();
        format!(" 〔同属并行组「{group}」〕 ")
    };
    let first = edges[0].0;
    let mut path = name(first);
    for (i, &(s, d)) in edges.iter().enumerate() {
        if i > 0 && edges[i - 1].1 != s {
            path += &group_note(s);
            path += &name(s);
        }
        path += " → ";
        path += &name(d);
    }
    if let Some(&(_, last)) = edges.last() {
        if last != first {
            path += &group_note(first);
            path += &name(first);
        }
    }
    errs.push(
        format!("{}.depends_on", graph.field(first)),
        "cycle",
        format!("环节依赖形成循环：{path}（→ 表示“依赖于”）"),
    );
}
