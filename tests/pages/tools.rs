//! What the browser tests need beyond cargo, installed on first use so that
//! `cargo test --workspace` runs on a fresh machine: Debian's `chromium` and
//! `fonts-noto-cjk` (without which Korean renders as boxes), and npm's `axe-core` (into
//! the git-ignored `tests/pages/tools/`). Installs run once, under a lock file, so
//! parallel tests do not install over each other.
#![allow(dead_code)]

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// The axe-core release the accessibility check injects.
pub const AXE_VERSION: &str = "4.10.3";
/// A lock older than this is left over from a killed run.
const STALE_LOCK: Duration = Duration::from_secs(900);

fn tools_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/tools");
    fs::create_dir_all(&dir).unwrap();
    dir
}

struct InstallLock(PathBuf);

impl InstallLock {
    fn acquire() -> Self {
        let path = tools_dir().join(".install.lock");
        for _ in 0..6000 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Self(path),
                Err(_) => {
                    let stale = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .map(|at| {
                            SystemTime::now().duration_since(at).unwrap_or_default() > STALE_LOCK
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
        panic!("could not take {} within 20 minutes", path.display());
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn find_chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(PathBuf::from)
}

fn cjk_fonts_installed() -> bool {
    Command::new("fc-list")
        .arg(":lang=ko")
        .output()
        .is_ok_and(|o| !o.stdout.is_empty())
}

/// Headless Chromium's program, installing `chromium` and `fonts-noto-cjk` when missing.
pub fn chromium() -> PathBuf {
    if let (Some(path), true) = (find_chromium(), cjk_fonts_installed()) {
        return path;
    }
    let _lock = InstallLock::acquire();
    if find_chromium().is_none() || !cjk_fonts_installed() {
        let install = || {
            Command::new("apt-get")
                .args([
                    "install",
                    "-y",
                    "-qq",
                    "--no-install-recommends",
                    "chromium",
                    "fonts-noto-cjk",
                ])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !install() {
            let _ = Command::new("apt-get").args(["update", "-qq"]).output();
            assert!(
                install(),
                "headless Chromium is needed: apt-get install chromium fonts-noto-cjk"
            );
        }
    }
    find_chromium().expect("chromium after installing it")
}

/// The text of `axe.min.js`, installing npm `axe-core` when missing.
pub fn axe_source() -> String {
    let script = tools_dir().join("node_modules/axe-core/axe.min.js");
    let installed = |script: &Path| {
        fs::read_to_string(tools_dir().join("node_modules/axe-core/package.json"))
            .is_ok_and(|p| p.contains(&format!("\"version\": \"{AXE_VERSION}\"")))
            && script.exists()
    };
    if !installed(&script) {
        let _lock = InstallLock::acquire();
        if !installed(&script) {
            let output = Command::new("npm")
                .arg("install")
                .arg("--prefix")
                .arg(tools_dir())
                .args(["--no-audit", "--no-fund", "--no-save"])
                .arg(format!("axe-core@{AXE_VERSION}"))
                .output()
                .expect("npm is needed for the accessibility check (axe-core)");
            assert!(
                output.status.success(),
                "npm install axe-core failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    fs::read_to_string(script).unwrap()
}

/// Where screenshots go for review.
pub fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/pages");
    fs::create_dir_all(&dir).unwrap();
    dir
}
