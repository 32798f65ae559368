//! Installs the independent SMPP peers the interop tests run (npm `smpp` 0.5.1, Python
//! `smpplib` 2.2.4) into git-ignored folders under `interop/`, once, under a lock file so
//! concurrent test runs do not install over each other. A missing `node`, `npm` or
//! `python3` fails the test with a message saying what to install.
#![allow(dead_code, clippy::unwrap_used, missing_docs)]

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

pub const NPM_SMPP_VERSION: &str = "0.5.1";
pub const SMPPLIB_VERSION: &str = "2.2.4";
/// A lock older than this is left over from a killed run.
const STALE_LOCK: Duration = Duration::from_secs(600);

pub fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Fails with a clear message if `program` cannot run.
pub fn require(program: &str, purpose: &str) {
    match Command::new(program).arg("--version").output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => panic!(
            "`{program} --version` failed ({}); {program} is required {purpose}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(err) => panic!(
            "{program} is required {purpose} but cannot be run: {err}. Install it and put it on PATH."
        ),
    }
}

struct InstallLock(PathBuf);

impl InstallLock {
    fn acquire() -> Self {
        let path = interop_dir().join(".install.lock");
        for _ in 0..3000 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Self(path),
                Err(_) => {
                    let stale = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .map(|modified| {
                            SystemTime::now()
                                .duration_since(modified)
                                .unwrap_or_default()
                                > STALE_LOCK
                        })
                        .unwrap_or(false);
                    if stale {
                        let _ = fs::remove_file(&path);
                    } else {
                        std::thread::sleep(Duration::from_millis(200));
                    }
                }
            }
        }
        panic!("could not take {} within 10 minutes", path.display());
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn run(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("{what}: cannot run: {err}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn npm_smpp_installed() -> bool {
    let manifest = interop_dir().join("node_modules/smpp/package.json");
    fs::read_to_string(manifest)
        .map(|text| text.contains(&format!("\"version\": \"{NPM_SMPP_VERSION}\"")))
        .unwrap_or(false)
}

/// Makes sure `node` runs and npm `smpp` 0.5.1 is in `interop/node_modules`.
pub fn ensure_npm_smpp() {
    const PURPOSE: &str = "for the interop test against the npm `smpp` SMSC";
    require("node", PURPOSE);
    if npm_smpp_installed() {
        return;
    }
    require("npm", PURPOSE);
    let _lock = InstallLock::acquire();
    if !npm_smpp_installed() {
        let dir = interop_dir();
        run(
            Command::new("npm")
                .arg("install")
                .arg("--prefix")
                .arg(&dir)
                .args(["--no-audit", "--no-fund", "--no-save"])
                .arg(format!("smpp@{NPM_SMPP_VERSION}")),
            "npm install smpp",
        );
    }
    assert!(
        npm_smpp_installed(),
        "npm install did not leave smpp {NPM_SMPP_VERSION} in interop/node_modules"
    );
}

fn smpplib_installed() -> bool {
    interop_dir()
        .join(format!("pydeps/smpplib-{SMPPLIB_VERSION}.dist-info"))
        .is_dir()
}

/// Makes sure `python3` runs and smpplib 2.2.4 is in `interop/pydeps`.
pub fn ensure_smpplib() {
    require(
        "python3",
        "for the interop test with the Python smpplib ESME",
    );
    if smpplib_installed() {
        return;
    }
    let _lock = InstallLock::acquire();
    if !smpplib_installed() {
        run(
            Command::new("python3")
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--quiet",
                    "--target",
                ])
                .arg(interop_dir().join("pydeps"))
                .arg(format!("smpplib=={SMPPLIB_VERSION}")),
            "pip install smpplib",
        );
    }
    assert!(
        smpplib_installed(),
        "pip did not leave smpplib {SMPPLIB_VERSION} in interop/pydeps"
    );
}
