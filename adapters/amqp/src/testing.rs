//! Support for tests against the local RabbitMQ (used by this crate's and the gateway's
//! integration tests).

use std::sync::Once;

/// Makes sure the local broker has the consistent-hash exchange plugin that scale-out
/// routing needs (`rabbitmq-plugins enable`, once per test process; already enabled is
/// fine), so `cargo test --workspace` needs nothing typed before it. A broker that cannot
/// be asked is left as it is: the tests that need the plugin then say what is missing.
pub fn ensure_consistent_hash_exchange() {
    static ENABLED: Once = Once::new();
    ENABLED.call_once(|| {
        // `rabbitmq-plugins` takes 15–35 s here even when there is nothing to change, so
        // ask the running broker first (under a second).
        if plugin_running() {
            return;
        }
        let enabled = std::process::Command::new("rabbitmq-plugins")
            .args(["-q", "enable", "rabbitmq_consistent_hash_exchange"])
            .output()
            .is_ok_and(|output| output.status.success());
        if !enabled {
            eprintln!("could not enable rabbitmq_consistent_hash_exchange on the local broker");
        }
    });
}

/// Whether the local broker runs the plugin (`rabbitmqctl eval`, ~0.7 s).
fn plugin_running() -> bool {
    std::process::Command::new("rabbitmqctl")
        .args([
            "-q",
            "eval",
            "lists:keymember(rabbitmq_consistent_hash_exchange, 1, application:which_applications()).",
        ])
        .output()
        .is_ok_and(|output| {
            output.status.success() && String::from_utf8_lossy(&output.stdout).trim() == "true"
        })
}
