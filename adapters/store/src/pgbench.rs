//! The benchmarks' reference: `pgbench -c 8 -j 2 -T 15` against a scratch database on
//! the same PostgreSQL server, measured in the same run as giftgate's figures (the HTTP
//! bench of the gateway, the AMQP pipeline bench), and the command runner they share.

use tokio::process::Command;

/// A PostgreSQL client program that could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum PgbenchError {
    /// The program could not be started (not installed?).
    #[error("running {program}: {source}")]
    Spawn {
        /// Which program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
    /// The program ran and failed.
    #[error("{program} failed: {stderr}")]
    Failed {
        /// Which program.
        program: String,
        /// What it printed on stderr.
        stderr: String,
    },
    /// pgbench printed no `tps = …` line.
    #[error("pgbench printed no tps")]
    NoTps,
}

/// Runs pgbench (scale 10) for `seconds` on a scratch database of the server of
/// `database_url`, drops it, and answers the TPS (excluding connection time).
pub async fn tps(database_url: &str, seconds: u32) -> Result<f64, PgbenchError> {
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
        parse_tps(&output).ok_or(PgbenchError::NoTps)
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

/// Runs a client program (`psql`, `pgbench`) and answers its stdout.
pub async fn run(program: &str, args: &[&str]) -> Result<String, PgbenchError> {
    let output = Command::new(program)
        .args(args)
        .output()
        .await
        .map_err(|source| PgbenchError::Spawn {
            program: program.to_owned(),
            source,
        })?;
    if !output.status.success() {
        return Err(PgbenchError::Failed {
            program: program.to_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The same server URL with another database name.
pub fn with_database(url: &str, database: &str) -> String {
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
