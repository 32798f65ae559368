//! A phone in headless Chromium, driven over the DevTools protocol (crate
//! `headless_chrome`): 390×844, typing and tapping as a person does, with a screenshot
//! and an axe-core accessibility check of each page, and the barcode decoded from the
//! pixels Chromium rendered (crate `rxing`).
//!
//! `headless_chrome` blocks; the gateway under test runs on the test's own runtime, so
//! every browser step runs on a blocking thread (`spawn_blocking`).
#![allow(dead_code)]

use std::ffi::OsStr;
use std::sync::Arc;
use std::time::Duration;

use headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

use crate::tools;

/// Phone width and height in CSS pixels.
pub const PHONE: (u32, u32) = (390, 844);

/// Makes `tab` a phone's screen: 390×844 CSS pixels at scale 1, mobile (the window
/// size alone does not set the viewport in headless mode).
fn as_phone(tab: &Tab) {
    tab.set_default_timeout(Duration::from_secs(20));
    tab.call_method(SetDeviceMetricsOverride {
        width: PHONE.0,
        height: PHONE.1,
        device_scale_factor: 1.0,
        mobile: true,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
}

/// One person's browser tab.
#[derive(Clone)]
pub struct Phone {
    browser: Arc<Browser>,
    tab: Arc<Tab>,
}

impl Phone {
    /// A fresh browser showing a blank phone screen.
    pub async fn launch(language: &'static str) -> Phone {
        tokio::task::spawn_blocking(move || {
            let chromium = tools::chromium();
            let lang = format!("--lang={language}");
            let args: Vec<&OsStr> = vec![
                OsStr::new("--hide-scrollbars"),
                OsStr::new("--force-device-scale-factor=1"),
                OsStr::new(&lang),
            ];
            let options = LaunchOptions::default_builder()
                .path(Some(chromium))
                .sandbox(false)
                .window_size(Some(PHONE))
                .args(args)
                .idle_browser_timeout(Duration::from_secs(300))
                .build()
                .unwrap();
            let browser = Arc::new(Browser::new(options).unwrap());
            let tab = browser.new_tab().unwrap();
            as_phone(&tab);
            Phone { browser, tab }
        })
        .await
        .unwrap()
    }

    /// Another person on the same browser: a separate context (no shared cookies).
    pub async fn another_person(&self) -> Phone {
        let browser = self.browser.clone();
        tokio::task::spawn_blocking(move || {
            let tab = browser.new_context().unwrap().new_tab().unwrap();
            as_phone(&tab);
            Phone { browser, tab }
        })
        .await
        .unwrap()
    }

    async fn step<T: Send + 'static>(&self, step: impl FnOnce(&Tab) -> T + Send + 'static) -> T {
        let tab = self.tab.clone();
        tokio::task::spawn_blocking(move || step(&tab))
            .await
            .unwrap()
    }

    /// Opens `url` and waits for it.
    pub async fn open(&self, url: &str) {
        let url = url.to_owned();
        self.step(move |tab| {
            tab.navigate_to(&url)
                .unwrap()
                .wait_until_navigated()
                .unwrap();
        })
        .await
    }

    /// Taps field `selector` and types `text` into it.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let (selector, text) = (selector.to_owned(), text.to_owned());
        self.step(move |tab| {
            tab.wait_for_element(&selector)
                .unwrap_or_else(|e| panic!("{selector}: {e}"))
                .click()
                .unwrap()
                .type_into(&text)
                .unwrap();
        })
        .await
    }

    /// Taps `selector` (a link, button, radio or summary) without waiting for a page.
    pub async fn tap(&self, selector: &str) {
        let selector = selector.to_owned();
        self.step(move |tab| {
            tab.wait_for_element(&selector)
                .unwrap_or_else(|e| panic!("{selector}: {e}"))
                .click()
                .unwrap();
        })
        .await
    }

    /// Taps `selector`, then waits until the next page shows `expect`.
    pub async fn tap_then(&self, selector: &str, expect: &str) {
        self.tap(selector).await;
        let expect = expect.to_owned();
        self.step(move |tab| {
            tab.wait_until_navigated().unwrap();
            tab.wait_for_element(&expect)
                .unwrap_or_else(|e| panic!("the next page has no {expect}: {e}"));
        })
        .await
    }

    /// The page's HTML as Chromium holds it now.
    pub async fn html(&self) -> String {
        self.step(|tab| tab.get_content().unwrap()).await
    }

    /// The page's address.
    pub async fn url(&self) -> String {
        self.step(|tab| tab.get_url()).await
    }

    /// The visible text of `selector`.
    pub async fn text_of(&self, selector: &str) -> String {
        let selector = selector.to_owned();
        self.step(move |tab| {
            tab.wait_for_element(&selector)
                .unwrap_or_else(|e| panic!("{selector}: {e}"))
                .get_inner_text()
                .unwrap()
        })
        .await
    }

    /// Runs `expression` in the page and answers its JSON value.
    pub async fn eval(&self, expression: &str) -> Value {
        let expression = expression.to_owned();
        self.step(move |tab| {
            tab.evaluate(&expression, true)
                .unwrap()
                .value
                .unwrap_or(Value::Null)
        })
        .await
    }

    /// Reviews the page as a person would: a screenshot `name.png` for review, nothing
    /// wider than the screen (readable without side-scrolling), and axe-core's WCAG 2.1
    /// A/AA rules with no serious or critical violation.
    pub async fn review(&self, name: &str) {
        let shot = tools::screenshots().join(format!("{name}.png"));
        let name = name.to_owned();
        let axe = tools::axe_source();
        self.step(move |tab| {
            let png = tab
                .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
                .unwrap();
            std::fs::write(&shot, png).unwrap();
            let fits = tab
                .evaluate(
                    "document.documentElement.scrollWidth <= window.innerWidth",
                    false,
                )
                .unwrap()
                .value;
            assert_eq!(
                fits,
                Some(Value::Bool(true)),
                "{name} is wider than the screen"
            );
            tab.evaluate(&axe, false).unwrap();
            let report = tab
                .evaluate(
                    "axe.run(document, {runOnly: {type: 'tag', values: \
                     ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => \
                     JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, \
                     nodes: v.nodes.map(n => n.target.join(' '))}))))",
                    true,
                )
                .unwrap()
                .value
                .and_then(|v| v.as_str().map(str::to_owned))
                .expect("axe answered");
            let violations: Vec<Value> = serde_json::from_str(&report).unwrap();
            let grave: Vec<&Value> = violations
                .iter()
                .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
                .collect();
            assert!(
                grave.is_empty(),
                "{name}: accessibility violations {grave:#?}"
            );
        })
        .await
    }

    /// Decodes the barcode image `selector` from the pixels Chromium rendered.
    pub async fn decode(&self, selector: &str) -> String {
        let selector = selector.to_owned();
        self.step(move |tab| {
            let element = tab
                .wait_for_element(&selector)
                .unwrap_or_else(|e| panic!("{selector}: {e}"));
            // Wait for the image to load before photographing it.
            for _ in 0..100 {
                let loaded = element
                    .call_js_fn(
                        "function() { return this.complete && this.naturalWidth > 0; }",
                        vec![],
                        false,
                    )
                    .unwrap()
                    .value;
                if loaded == Some(Value::Bool(true)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let png = element
                .capture_screenshot(CaptureScreenshotFormatOption::Png)
                .unwrap();
            rxing::helpers::detect_in_buffer(&png, None)
                .unwrap_or_else(|e| panic!("no barcode decoded from {selector}: {e:?}"))
                .getText()
                .to_owned()
        })
        .await
    }
}
