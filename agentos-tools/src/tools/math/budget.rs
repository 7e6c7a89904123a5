//! The deterministic work budget of one symbolic operation: a step counter every walk, build,
//! polynomial product and function sample draws from, and caps on expression size, nesting
//! depth and polynomial degree. Nothing here looks at a clock, so the same input always stops
//! at the same point with the same error.

use std::cell::Cell;

use super::expr::Expr;
use crate::error::BudgetLimit;

/// Elementary steps one operation may take.
pub(crate) const MAX_STEPS: u64 = 4_000_000;
/// Nodes any expression built along the way may have.
pub(crate) const MAX_NODES: u64 = 200_000;
/// Nesting depth of an input or an intermediate expression.
pub(crate) const MAX_DEPTH: u64 = 256;
/// Degree of any polynomial built along the way.
pub(crate) const MAX_DEGREE: u64 = 64;

/// The budget of one operation, drawn down as it works.
#[derive(Debug)]
pub(crate) struct Budget {
    operation: &'static str,
    steps_left: Cell<u64>,
}

/// Which limit an operation reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exceeded {
    /// The operation, e.g. `expand`.
    pub(crate) operation: &'static str,
    /// The limit reached.
    pub(crate) limit: BudgetLimit,
    /// Its value.
    pub(crate) max: u64,
}

/// Why a symbolic operation gave no result: its budget ran out, or a reason of its own.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fail {
    /// A work limit was reached.
    Budget(Exceeded),
    /// The operation does not apply (e.g. a variable without a value).
    Reason(String),
}

impl From<Exceeded> for Fail {
    fn from(exceeded: Exceeded) -> Fail {
        Fail::Budget(exceeded)
    }
}

impl From<String> for Fail {
    fn from(reason: String) -> Fail {
        Fail::Reason(reason)
    }
}

impl From<&str> for Fail {
    fn from(reason: &str) -> Fail {
        Fail::Reason(reason.to_owned())
    }
}

impl Budget {
    /// A full budget for `operation`.
    pub(crate) fn new(operation: &'static str) -> Budget {
        Budget {
            operation,
            steps_left: Cell::new(MAX_STEPS),
        }
    }

    /// Takes `n` steps.
    pub(crate) fn step(&self, n: u64) -> Result<(), Exceeded> {
        match self.steps_left.get().checked_sub(n) {
            Some(left) => {
                self.steps_left.set(left);
                Ok(())
            }
            None => {
                self.steps_left.set(0);
                Err(self.exceeded(BudgetLimit::Steps, MAX_STEPS))
            }
        }
    }

    /// Checks the size of an expression built along the way.
    pub(crate) fn nodes(&self, n: u64) -> Result<(), Exceeded> {
        if n > MAX_NODES {
            return Err(self.exceeded(BudgetLimit::Nodes, MAX_NODES));
        }
        Ok(())
    }

    /// Checks a polynomial degree about to be built.
    pub(crate) fn degree(&self, degree: u64) -> Result<(), Exceeded> {
        if degree > MAX_DEGREE {
            return Err(self.exceeded(BudgetLimit::Degree, MAX_DEGREE));
        }
        Ok(())
    }

    /// Checks that `expr` nests at most [`MAX_DEPTH`] deep (without recursing, so any depth
    /// is safe to measure), and that it has at most [`MAX_NODES`] nodes.
    pub(crate) fn shape(&self, expr: &Expr) -> Result<(), Exceeded> {
        let mut stack = vec![(expr, 1u64)];
        let mut n_nodes = 0u64;
        while let Some((node, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                return Err(self.exceeded(BudgetLimit::Depth, MAX_DEPTH));
            }
            n_nodes += 1;
            self.nodes(n_nodes)?;
            match node {
                Expr::Num(_) | Expr::Var(_) => {}
                Expr::Neg(a) | Expr::Func(_, a) => stack.push((a, depth + 1)),
                Expr::Add(a, b)
                | Expr::Sub(a, b)
                | Expr::Mul(a, b)
                | Expr::Div(a, b)
                | Expr::Pow(a, b) => {
                    stack.push((a, depth + 1));
                    stack.push((b, depth + 1));
                }
            }
        }
        self.step(n_nodes)
    }

    fn exceeded(&self, limit: BudgetLimit, max: u64) -> Exceeded {
        Exceeded {
            operation: self.operation,
            limit,
            max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::math::expr::{add, num, parse};

    #[test]
    fn steps_run_out_deterministically() {
        let budget = Budget::new("expand");
        budget.step(MAX_STEPS - 1).unwrap();
        budget.step(1).unwrap();
        assert_eq!(
            budget.step(1),
            Err(Exceeded {
                operation: "expand",
                limit: BudgetLimit::Steps,
                max: MAX_STEPS
            })
        );
        assert!(budget.step(0).is_ok(), "nothing left, nothing taken");
    }

    #[test]
    fn shape_measures_any_depth_without_recursing() {
        let mut deep = num(1.0);
        for _ in 0..1_000 {
            deep = add(deep, num(1.0));
        }
        let budget = Budget::new("simplify");
        assert_eq!(budget.shape(&deep).unwrap_err().limit, BudgetLimit::Depth);
        assert!(budget.shape(&parse("x^2 + 1").unwrap()).is_ok());
        assert_eq!(
            budget.degree(MAX_DEGREE + 1).unwrap_err().limit,
            BudgetLimit::Degree
        );
        assert_eq!(
            budget.nodes(MAX_NODES + 1).unwrap_err().limit,
            BudgetLimit::Nodes
        );
    }
}
