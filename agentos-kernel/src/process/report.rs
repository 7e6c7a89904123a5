//! What a spawn enforced: one line per sandbox layer, enforced or not, and why.

use std::fmt;

/// A sandbox layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Layer {
    /// Resource limits (`setrlimit`).
    Rlimits,
    /// Landlock filesystem and TCP rules.
    Landlock,
    /// The seccomp deny-list.
    Seccomp,
    /// Linux namespaces.
    Namespaces,
    /// Control groups.
    Cgroups,
}

impl Layer {
    /// Every layer, in the order they are reported.
    pub const ALL: [Layer; 5] = [
        Layer::Rlimits,
        Layer::Landlock,
        Layer::Seccomp,
        Layer::Namespaces,
        Layer::Cgroups,
    ];

    /// Lower-case name, e.g. `landlock`.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Rlimits => "rlimits",
            Layer::Landlock => "landlock",
            Layer::Seccomp => "seccomp",
            Layer::Namespaces => "namespaces",
            Layer::Cgroups => "cgroups",
        }
    }
}

/// The outcome for one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayerStatus {
    /// Applied to the child; `detail` says what exactly (e.g. `ABI 7, 9 rules`).
    Enforced {
        /// What was applied.
        detail: String,
    },
    /// Asked for, but this host cannot enforce it; the child ran without it.
    Unavailable {
        /// Why (e.g. `no Landlock in this kernel`).
        reason: String,
    },
    /// The spec turned this layer off.
    Disabled,
}

/// One line of a [`SandboxReport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerReport {
    /// The layer.
    pub layer: Layer,
    /// Its outcome.
    pub status: LayerStatus,
}

/// Which sandbox layers a spawn enforced. Returned by every spawn; printed by `agentos run -v`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SandboxReport {
    /// One entry per layer, in [`Layer::ALL`] order.
    pub layers: Vec<LayerReport>,
}

impl SandboxReport {
    /// The status of `layer`, if reported.
    pub fn status(&self, layer: Layer) -> Option<&LayerStatus> {
        self.layers
            .iter()
            .find(|entry| entry.layer == layer)
            .map(|entry| &entry.status)
    }

    /// True when `layer` was enforced.
    pub fn is_enforced(&self, layer: Layer) -> bool {
        matches!(self.status(layer), Some(LayerStatus::Enforced { .. }))
    }

    /// True when every layer was enforced.
    pub fn fully_enforced(&self) -> bool {
        Layer::ALL.iter().all(|layer| self.is_enforced(*layer))
    }

    pub(crate) fn push(&mut self, layer: Layer, status: LayerStatus) {
        self.layers.push(LayerReport { layer, status });
    }
}

impl fmt::Display for SandboxReport {
    /// One line per layer: `landlock    enforced: ABI 7, …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for entry in &self.layers {
            let name = entry.layer.name();
            match &entry.status {
                LayerStatus::Enforced { detail } => writeln!(f, "{name:<11} enforced: {detail}")?,
                LayerStatus::Unavailable { reason } => {
                    writeln!(f, "{name:<11} NOT ENFORCED: {reason}")?
                }
                LayerStatus::Disabled => writeln!(f, "{name:<11} disabled by the spec")?,
            }
        }
        Ok(())
    }
}

pub(crate) fn enforced(detail: impl Into<String>) -> LayerStatus {
    LayerStatus::Enforced {
        detail: detail.into(),
    }
}

pub(crate) fn unavailable(reason: impl Into<String>) -> LayerStatus {
    LayerStatus::Unavailable {
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_every_layer_and_its_status() {
        let mut report = SandboxReport::default();
        report.push(Layer::Rlimits, enforced("AS 1 GiB"));
        report.push(Layer::Landlock, unavailable("no Landlock"));
        report.push(Layer::Seccomp, LayerStatus::Disabled);
        let text = report.to_string();
        assert!(text.contains("rlimits     enforced: AS 1 GiB"));
        assert!(text.contains("landlock    NOT ENFORCED: no Landlock"));
        assert!(text.contains("seccomp     disabled"));
        assert!(report.is_enforced(Layer::Rlimits));
        assert!(!report.fully_enforced());
    }
}
