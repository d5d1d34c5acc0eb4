//! Budget checks: whether the current pace stays inside a budget ([`BudgetAlert`]).

use serde_json::{Value, json};

use super::{CostForecaster, ForecastError, SAFE_SHARE};

/// How worried to be about a budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The projection is at most 80% of the budget.
    Safe,
    /// The projection is over 80% of the budget but within it.
    Warning,
    /// The projection exceeds the budget.
    Critical,
}

impl Severity {
    /// The seed's name: `"safe"`, `"warning"` or `"critical"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// What [`CostForecaster::check_budget`] reports.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetAlert {
    /// The budget checked against, in USD.
    pub budget_usd: f64,
    /// Whole days of spending at the daily average left before the budget is used up
    /// (0 when it already is); `None` when nothing is being spent.
    pub days_until_exceeded: Option<u64>,
    /// The daily average times the days in the period (the seed's
    /// `projected_spend_at_limit`).
    pub projected_spend: f64,
    /// How far the projection exceeds the budget, in percent; 0 when it does not.
    pub overshoot_pct: f64,
    /// The verdict.
    pub severity: Severity,
    /// The seed's one-line message.
    pub message: String,
}

impl BudgetAlert {
    /// The seed's field names, unrounded.
    pub fn to_json_value(&self) -> Value {
        json!({
            "budget_usd": self.budget_usd,
            "days_until_exceeded": self.days_until_exceeded,
            "projected_spend_at_limit": self.projected_spend,
            "overshoot_pct": self.overshoot_pct,
            "severity": self.severity.as_str(),
            "message": self.message,
        })
    }
}

impl CostForecaster {
    /// Whether spending at the current daily average stays within `monthly_budget` over
    /// `days_in_period` days (the seed's default is 30).
    ///
    /// # Errors
    /// [`ForecastError::InvalidBudget`] unless the budget is positive and finite;
    /// [`ForecastError::NoRecords`] without records.
    pub fn check_budget(
        &self,
        monthly_budget: f64,
        days_in_period: u32,
    ) -> Result<BudgetAlert, ForecastError> {
        if !(monthly_budget > 0.0 && monthly_budget.is_finite()) {
            return Err(ForecastError::InvalidBudget {
                budget: monthly_budget,
            });
        }
        let costs = self.daily_costs();
        if costs.is_empty() {
            return Err(ForecastError::NoRecords);
        }
        let total_spent: f64 = costs.iter().sum();
        let daily_avg = total_spent / costs.len() as f64;
        let projected = daily_avg * f64::from(days_in_period);
        let remaining = monthly_budget - total_spent;
        let days_until_exceeded = (daily_avg > 0.0).then(|| {
            if remaining > 0.0 {
                // Truncation as Python's `int()`; saturates for absurdly small averages.
                (remaining / daily_avg) as u64
            } else {
                0
            }
        });
        let overshoot_pct = ((projected - monthly_budget) / monthly_budget * 100.0).max(0.0);
        let share = projected / monthly_budget * 100.0;
        let (severity, message) = if projected <= monthly_budget * SAFE_SHARE {
            (
                Severity::Safe,
                format!(
                    "On track: projected ${projected:.2} of ${monthly_budget:.2} budget ({share:.0}%)"
                ),
            )
        } else if projected <= monthly_budget {
            (
                Severity::Warning,
                format!(
                    "Approaching limit: projected ${projected:.2} of ${monthly_budget:.2} \
                     ({share:.0}%). Consider reducing usage."
                ),
            )
        } else {
            // Seed bug: the seed said "Already exceeded!" whenever `days_until == 0`,
            // including when less than one day's spend was still left.
            let when = if remaining <= 0.0 {
                "Already exceeded!".to_owned()
            } else {
                format!("~{} days until exceeded.", days_until_exceeded.unwrap_or(0))
            };
            (
                Severity::Critical,
                format!(
                    "Budget overrun likely: projected ${projected:.2} vs ${monthly_budget:.2} \
                     limit (+{overshoot_pct:.0}%). {when}"
                ),
            )
        };
        Ok(BudgetAlert {
            budget_usd: monthly_budget,
            days_until_exceeded,
            projected_spend: projected,
            overshoot_pct,
            severity,
            message,
        })
    }
}
