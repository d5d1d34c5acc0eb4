//! Means, population standard deviations and Cohen's d, as the seed computes them.

/// The arithmetic mean; 0 for no values.
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// The **population** standard deviation (divides by n); 0 for fewer than two values.
///
/// ```
/// use agentlens::analysis::drift::population_std;
/// assert_eq!(population_std(&[0.0, 10.0]), 5.0);
/// ```
pub fn population_std(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = mean(values);
    (values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / values.len() as f64).sqrt()
}

/// Cohen's d of the second group against the first, with the pooled standard deviation
/// `sqrt(((n1−1)s1² + (n2−1)s2²) / max(n1+n2−2, 1))`.
///
/// - 0 when `n1 + n2 < 3`, when the means are equal, or when either is not a number.
/// - When the pooled deviation is 0 but the means differ: `min(|Δ| / max(|m1|, |m2|, 1e−9)
///   · 5, 10)`, unsigned (the seed's sentinel for "both windows constant").
/// - Otherwise `(m2 − m1) / pooled`, signed.
///
/// ```
/// use agentlens::analysis::drift::cohens_d;
/// assert!((cohens_d(50.0, 10.0, 10, 70.0, 10.0, 10) - 2.0).abs() < 1e-12);
/// ```
pub fn cohens_d(m1: f64, s1: f64, n1: usize, m2: f64, s2: f64, n2: usize) -> f64 {
    if n1 + n2 < 3 {
        return 0.0;
    }
    let diff = m2 - m1;
    if diff == 0.0 || diff.is_nan() {
        return 0.0;
    }
    let w1 = n1.saturating_sub(1) as f64;
    let w2 = n2.saturating_sub(1) as f64;
    let dof = (n1 + n2).saturating_sub(2).max(1) as f64;
    let pooled = ((w1 * s1 * s1 + w2 * s2 * s2) / dof).sqrt();
    let d = if pooled == 0.0 {
        let fallback = m1.abs().max(m2.abs()).max(1e-9);
        (diff.abs() / fallback * 5.0).min(10.0)
    } else {
        diff / pooled
    };
    if d.is_nan() { 0.0 } else { d }
}
