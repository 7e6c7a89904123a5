//! Matrix multiply, determinant, inverse and transpose on nalgebra's `DMatrix`.

use nalgebra::DMatrix;
use serde_json::{Map, Value};

use crate::{
    error::{Error, Result},
    tool::invalid,
};

/// Reads a rectangular matrix of numbers from argument `name`.
pub(crate) fn read(tool: &str, args: &Map<String, Value>, name: &str) -> Result<DMatrix<f64>> {
    let rows = args
        .get(name)
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(tool, name, "is required (a list of rows)"))?;
    let n_cols = rows.first().and_then(Value::as_array).map_or(0, Vec::len);
    if rows.is_empty() || n_cols == 0 {
        return Err(invalid(
            tool,
            name,
            "must have at least one row and one column",
        ));
    }
    if rows.len() * n_cols > 250_000 {
        return Err(invalid(tool, name, "is larger than 250,000 entries"));
    }
    let mut data = Vec::with_capacity(rows.len() * n_cols);
    for (i, row) in rows.iter().enumerate() {
        let row = row
            .as_array()
            .ok_or_else(|| invalid(tool, &format!("{name}[{i}]"), "must be a list of numbers"))?;
        if row.len() != n_cols {
            return Err(invalid(
                tool,
                &format!("{name}[{i}]"),
                format!("has {} entries, expected {n_cols}", row.len()),
            ));
        }
        for (j, v) in row.iter().enumerate() {
            data.push(
                v.as_f64().ok_or_else(|| {
                    invalid(tool, &format!("{name}[{i}][{j}]"), "must be a number")
                })?,
            );
        }
    }
    Ok(DMatrix::from_row_slice(rows.len(), n_cols, &data))
}

/// The matrix as a list of rows.
pub(crate) fn write(m: &DMatrix<f64>) -> Value {
    Value::Array(
        (0..m.nrows())
            .map(|i| {
                Value::Array(
                    (0..m.ncols())
                        .map(|j| serde_json::json!(clean(m[(i, j)])))
                        .collect(),
                )
            })
            .collect(),
    )
}

fn clean(x: f64) -> f64 {
    let r = x.round();
    if (x - r).abs() < 1e-10 { r + 0.0 } else { x }
}

fn square(tool: &str, m: &DMatrix<f64>) -> Result<()> {
    if m.is_square() {
        Ok(())
    } else {
        Err(invalid(
            tool,
            "matrix",
            format!("must be square, found {}×{}", m.nrows(), m.ncols()),
        ))
    }
}

pub(crate) fn multiply(args: &Map<String, Value>) -> Result<Value> {
    let (a, b) = (
        read("math.matrix_multiply", args, "a")?,
        read("math.matrix_multiply", args, "b")?,
    );
    if a.ncols() != b.nrows() {
        return Err(invalid(
            "math.matrix_multiply",
            "b",
            format!("has {} rows but `a` has {} columns", b.nrows(), a.ncols()),
        ));
    }
    Ok(write(&(a * b)))
}

pub(crate) fn determinant(args: &Map<String, Value>) -> Result<Value> {
    let m = read("math.matrix_determinant", args, "matrix")?;
    square("math.matrix_determinant", &m)?;
    Ok(serde_json::json!(clean(m.determinant())))
}

pub(crate) fn inverse(args: &Map<String, Value>) -> Result<Value> {
    let m = read("math.matrix_inverse", args, "matrix")?;
    square("math.matrix_inverse", &m)?;
    let inverse = m.try_inverse().ok_or_else(|| Error::Failed {
        tool: "math.matrix_inverse".to_owned(),
        reason: "the matrix is singular".to_owned(),
    })?;
    Ok(write(&inverse))
}

pub(crate) fn transpose(args: &Map<String, Value>) -> Result<Value> {
    Ok(write(
        &read("math.matrix_transpose", args, "matrix")?.transpose(),
    ))
}
