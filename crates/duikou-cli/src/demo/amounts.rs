//! Money for the demo: log-normal amounts rounded the way ledgers write them, and exact splits
//! of a published total into many projects (the last adjustment keeps the sum to the yuan).

use anyhow::{bail, Result};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const WAN: i64 = 10_000;
pub const YI: i64 = 100_000_000;

/// A standard normal draw (Box–Muller), so that no distribution crate is needed.
pub fn std_normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A log-normal amount in yuan around `median`, rounded like a ledger entry and at least `floor`.
pub fn lognormal(rng: &mut ChaCha8Rng, median: i64, sigma: f64, floor: i64) -> i64 {
    let raw = median as f64 * (sigma * std_normal(rng)).exp();
    nice(raw).max(floor)
}

/// The rounding unit a ledger uses at this size: 100万 from 10亿, 10万 from 1亿, else 1万.
fn unit_for(yuan: f64) -> i64 {
    if yuan >= 1e9 {
        100 * WAN
    } else if yuan >= 1e8 {
        10 * WAN
    } else {
        WAN
    }
}

/// Rounds to the ledger unit of its size (always a whole number of 万元, at least 1万).
pub fn nice(yuan: f64) -> i64 {
    let unit = unit_for(yuan);
    let n = (yuan / unit as f64).round() as i64;
    (n * unit).max(WAN)
}

/// `share` of `amount`, rounded like a ledger entry and never above `amount`.
pub fn part(amount: i64, share: f64) -> i64 {
    nice(amount as f64 * share).min(amount)
}

/// Splits `total` into `n` amounts of at least `floor` with log-normal shares (`sigma`), each a
/// whole number of 万元 when `total` and `floor` are; the sum is exactly `total`.
pub fn split(
    rng: &mut ChaCha8Rng,
    total: i64,
    n: usize,
    floor: i64,
    sigma: f64,
) -> Result<Vec<i64>> {
    if n == 0 || total < floor * n as i64 {
        bail!("无法把{total}元分成{n}份（每份至少{floor}元）");
    }
    let weights: Vec<f64> = (0..n).map(|_| (sigma * std_normal(rng)).exp()).collect();
    let sum: f64 = weights.iter().sum();
    let extra = (total - floor * n as i64) as f64;
    let mut out: Vec<i64> = weights
        .iter()
        .map(|w| {
            let raw = floor as f64 + extra * w / sum;
            let unit = unit_for(raw);
            ((raw / unit as f64).round() as i64 * unit).max(floor)
        })
        .collect();
    settle(&mut out, total, &vec![i64::MAX; n], floor)?;
    Ok(out)
}

/// Distributes `total` over items in proportion to `weights`, none above its cap, rounded to
/// ledger units; the sum is exactly `total`.
pub fn allocate(total: i64, weights: &[f64], caps: &[i64]) -> Result<Vec<i64>> {
    let n = weights.len();
    if caps.iter().sum::<i64>() < total {
        bail!("上限之和小于待分配总额{total}");
    }
    let mut fixed: Vec<Option<f64>> = vec![None; n];
    loop {
        let taken: f64 = fixed.iter().flatten().sum();
        let free_weight: f64 = (0..n)
            .filter(|i| fixed[*i].is_none())
            .map(|i| weights[i])
            .sum();
        let rest = total as f64 - taken;
        let mut changed = false;
        for i in 0..n {
            if fixed[i].is_none() && rest * weights[i] / free_weight > caps[i] as f64 {
                fixed[i] = Some(caps[i] as f64);
                changed = true;
            }
        }
        if !changed {
            let mut out: Vec<i64> = (0..n)
                .map(|i| match fixed[i] {
                    Some(c) => c as i64,
                    None => nice(rest * weights[i] / free_weight).min(caps[i]),
                })
                .collect();
            settle(&mut out, total, caps, WAN)?;
            return Ok(out);
        }
    }
}

/// Moves the rounding difference onto the item with the most room, so the sum is `total`.
fn settle(out: &mut [i64], total: i64, caps: &[i64], floor: i64) -> Result<()> {
    let diff = total - out.iter().sum::<i64>();
    let best = (0..out.len())
        .max_by_key(|i| {
            if diff >= 0 {
                caps[*i].saturating_sub(out[*i])
            } else {
                out[*i] - floor
            }
        })
        .unwrap_or(0);
    let adjusted = out[best] + diff;
    if adjusted < floor || adjusted > caps[best] {
        bail!("金额分配无法精确到总额{total}");
    }
    out[best] = adjusted;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn splits_are_exact_and_round() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let parts = split(&mut rng, 21_290_000_000, 89, WAN * 100, 1.0).unwrap();
        assert_eq!(parts.iter().sum::<i64>(), 21_290_000_000);
        assert!(parts.iter().all(|p| *p >= WAN * 100 && p % WAN == 0));
    }

    #[test]
    fn allocations_respect_caps() {
        let caps = [10 * YI, 2 * YI, 50 * YI];
        let parts = allocate(30 * YI, &[1.0, 5.0, 1.0], &caps).unwrap();
        assert_eq!(parts.iter().sum::<i64>(), 30 * YI);
        assert!(parts.iter().zip(caps).all(|(p, c)| *p <= c));
    }
}
