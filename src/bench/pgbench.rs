//! The reference: `pgbench -c 8 -j 2 -T 15` against a scratch database on the same
//! PostgreSQL server, measured in the same run as giftgate's figures.

use anyhow::{Context, bail};
use tokio::process::Command;

/// Runs pgbench for `seconds` and answers its TPS (excluding connection time).
pub async fn tps(database_url: &str, seconds: u32) -> anyhow::Result<f64> {
    let admin_url = with_database(database_url, "postgres");
    let scratch = format!("gg_pgbench_{}", uuid::Uuid::new_v4().simple());
    run(
        "psql",
        &[&admin_url, "-qc", &format!("CREATE DATABASE {scratch}")],
    )
    .await?;
    let scratch_url = with_database(database_url, &scratch);
    let result = async {
        run("pgbench", &["-i", "-q", "-s", "10", &scratch_url]).await?;
        let output = run(
            "pgbench",
            &[
                "-c",
                "8",
                "-j",
                "2",
                "-T",
                &seconds.to_string(),
                &scratch_url,
            ],
        )
        .await?;
        parse_tps(&output).context("pgbench printed no tps")
    }
    .await;
    let _ = run(
        "psql",
        &[
            &admin_url,
            "-qc",
            &format!("DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"),
        ],
    )
    .await;
    result
}

pub(crate) async fn run(program: &str, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .await
        .with_context(|| format!("running {program}"))?;
    if !output.status.success() {
        bail!(
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The same server URL with another database name.
pub(crate) fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

fn parse_tps(output: &str) -> Option<f64> {
    output
        .lines()
        .find(|line| line.starts_with("tps = "))
        .and_then(|line| line.trim_start_matches("tps = ").split_whitespace().next())
        .and_then(|number| number.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_is_swapped() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }

    #[test]
    fn tps_line_is_read() {
        let out = "latency average = 3.1 ms\ntps = 2563.123456 (without initial connection time)\n";
        assert_eq!(parse_tps(out), Some(2563.123456));
    }
}
