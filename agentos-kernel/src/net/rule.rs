//! A per-PID network rule: which hosts and ports its outbound traffic may reach.

use std::net::SocketAddr;

/// Outbound destinations a PID may reach, on top of its `NETWORK_ACCESS` capability.
/// Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SocketRule {
    /// Hosts (IP addresses as text, or names for `network_request`); empty: any host.
    pub hosts: Vec<String>,
    /// Ports; empty: any port.
    pub ports: Vec<u16>,
}

impl SocketRule {
    /// True when `host:port` is allowed.
    pub fn allows_host(&self, host: &str, port: u16) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        (self.hosts.is_empty()
            || self
                .hosts
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(host)))
            && (self.ports.is_empty() || self.ports.contains(&port))
    }

    /// True when `address` is allowed.
    pub fn allows(&self, address: SocketAddr) -> bool {
        self.allows_host(&address.ip().to_string(), address.port())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_rule_allows_everything_and_lists_restrict() {
        let any = SocketRule::default();
        assert!(any.allows("10.0.0.1:80".parse().unwrap()));
        let rule = SocketRule {
            hosts: vec!["127.0.0.1".into(), "::1".into()],
            ports: vec![8080],
        };
        assert!(rule.allows("127.0.0.1:8080".parse().unwrap()));
        assert!(rule.allows("[::1]:8080".parse().unwrap()));
        assert!(!rule.allows("127.0.0.1:8081".parse().unwrap()));
        assert!(!rule.allows("10.0.0.1:8080".parse().unwrap()));
        assert!(rule.allows_host("[::1]", 8080));
    }
}
