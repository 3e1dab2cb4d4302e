//! The evaluation order: computed from each quantity's references, not from
//! the sheet it is laid out on.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::{Quantity, TimelineRow};

/// One step of evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The quantity at this index of [`super::Model::quantities`].
    Quantity(usize),
    /// Every timeline row for every period, period by period (the rows of a
    /// period in their order, each after the rows it refers to).
    Timeline,
}

/// Orders the quantities and the timeline so that each comes after every
/// quantity or timeline row it refers to; among those ready, the first
/// defined goes first and the timeline as late as it can. Also says which
/// quantities depend, directly or not, on the timeline. A cycle (a defect)
/// leaves its quantities at the end in definition order, where their
/// evaluation reports the reference it cannot resolve.
pub(super) fn evaluation_order(
    quantities: &[Quantity],
    refs: &[Vec<String>],
    timeline: &[TimelineRow],
) -> (Vec<Step>, Vec<bool>) {
    let count = quantities.len();
    // Node `count` is the timeline.
    let mut node: HashMap<&str, usize> = HashMap::new();
    for (k, q) in quantities.iter().enumerate() {
        node.insert(q.id.as_str(), k);
    }
    for t in timeline {
        node.insert(t.id.as_str(), count);
    }
    let row_refs: Vec<String> = timeline.iter().flat_map(|t| t.expr.refs()).collect();
    let mut needs: Vec<Vec<usize>> = refs
        .iter()
        .map(|r| {
            r.iter()
                .filter_map(|id| node.get(id.as_str()).copied())
                .collect()
        })
        .collect();
    needs.push(
        row_refs
            .iter()
            .filter_map(|id| node.get(id.as_str()).copied())
            .filter(|&k| k != count)
            .collect(),
    );
    for (k, n) in needs.iter_mut().enumerate() {
        n.retain(|&j| j != k);
        n.sort_unstable();
        n.dedup();
    }
    let mut waiting: Vec<usize> = needs.iter().map(Vec::len).collect();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); count + 1];
    for (k, n) in needs.iter().enumerate() {
        for &j in n {
            users[j].push(k);
        }
    }
    // The timeline's key sorts after every quantity's.
    let key = |k: usize| if k == count { usize::MAX } else { k };
    let mut ready: BinaryHeap<Reverse<usize>> = (0..=count)
        .filter(|&k| waiting[k] == 0)
        .map(|k| Reverse(key(k)))
        .collect();
    let mut done = vec![false; count + 1];
    let mut order = Vec::with_capacity(count + 1);
    while let Some(Reverse(k)) = ready.pop() {
        let k = if k == usize::MAX { count } else { k };
        done[k] = true;
        order.push(k);
        for &u in &users[k] {
            waiting[u] -= 1;
            if waiting[u] == 0 {
                ready.push(Reverse(key(u)));
            }
        }
    }
    order.extend((0..=count).filter(|&k| !done[k]));

    let mut needs_timeline = vec![false; count];
    for &k in &order {
        if k < count {
            needs_timeline[k] = needs[k].iter().any(|&j| j == count || needs_timeline[j]);
        }
    }
    let steps = order
        .into_iter()
        .map(|k| {
            if k == count {
                Step::Timeline
            } else {
                Step::Quantity(k)
            }
        })
        .collect();
    (steps, needs_timeline)
}
