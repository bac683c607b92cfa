//! The real 2.4.7-p3 store's Luma pages (`fixtures/real-store/2.4.7-p3-luma-pages.jsonl`, 34
//! hops, and `2.4.7-p3-luma-posts.jsonl`, 32 hops of the sign-in and forgot-password forms,
//! recorded with a browser's cookie jar) replayed against the mock: each hop's status,
//! redirect, cookies set, Magento's headers, messages, title and form fields must match.

use std::collections::BTreeMap;

use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

const RECORDING: &str = include_str!("../../../fixtures/real-store/2.4.7-p3-luma-pages.jsonl");
const POSTS: &str = include_str!("../../../fixtures/real-store/2.4.7-p3-luma-posts.jsonl");
const SESSION: &str = include_str!("../../../fixtures/real-store/2.4.7-p3-luma-session.jsonl");
const EMAIL: &str = "active2@example.com";
/// What the mock answers differently on purpose (hop, what is compared, why); each must still
/// differ, so that the list only shrinks.
const DIFFERENT: &[(&str, &str, &str)] = &[
    ("05e-loginPost-success.hop2", "form fields", SIDEBAR),
    ("05f-login-page-when-signed-in.hop2", "form fields", SIDEBAR),
    ("06b-forgotpasswordpost-no-captcha.hop2", "cookies set", CAPTCHA_MESSAGE),
    ("06b-forgotpasswordpost-no-captcha.hop2", "messages", CAPTCHA_MESSAGE),
];
/// The same differences in the sign-out and CAPTCHA recording.
const SESSION_DIFFERENT: &[(&str, &str, &str)] = &[
    ("07b-loginPost-success.hop2", "form fields", SIDEBAR),
    ("07q-loginPost-success.hop2", "form fields", SIDEBAR),
    ("08h-loginPost-captcha-success.hop2", "form fields", SIDEBAR),
    ("10c-loginPost-captcha-success.hop2", "form fields", SIDEBAR),
    ("08e-loginPost-no-captcha.hop2", "cookies set", CAPTCHA_MESSAGE),
    ("08e-loginPost-no-captcha.hop2", "messages", CAPTCHA_MESSAGE),
    ("08f-loginPost-wrong-captcha.hop2", "cookies set", CAPTCHA_MESSAGE),
    ("08f-loginPost-wrong-captcha.hop2", "messages", CAPTCHA_MESSAGE),
    ("10b-loginPost-no-captcha.hop2", "cookies set", CAPTCHA_MESSAGE),
    ("10b-loginPost-no-captcha.hop2", "messages", CAPTCHA_MESSAGE),
    ("11d-confirmation-page.hop1", "form fields", NEWSLETTER_FILTER),
    ("11f-confirmation-post-unknown.hop1", "form fields", NEWSLETTER_FILTER),
    ("11f-confirmation-post-unknown.hop1", "cookies set", PAGE_MESSAGE),
    ("11f-confirmation-post-unknown.hop1", "messages", PAGE_MESSAGE),
    ("11h-confirmation-post-empty.hop1", "form fields", NEWSLETTER_FILTER),
    ("11i-confirmation-post-no-form-key.hop2", "hop", "the store's home page, which the mock does not serve"),
];
const NEWSLETTER_FILTER: &str = "the recorder leaves out an `email` input on pages with the footer's newsletter form \
    (the mock has none), so this form's own `email` is missing from the recording";
const PAGE_MESSAGE: &str =
    "the store's page puts its own message in the cookie for its script; the mock's page draws it";
const SIDEBAR: &str = "the dashboard's sidebar (Recently Ordered: a script's template) is not drawn";
const CAPTCHA_MESSAGE: &str = "the store's next page puts the CAPTCHA's message in the cookie for its script; \
    the mock's page draws it";

/// The recorder's browser: a jar, and Luma's scripts as it emulated them after a page.
#[derive(Default)]
struct Jar(BTreeMap<String, String>, Option<String>);

impl Jar {
    fn header(&self) -> String {
        self.0.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    }

    /// `form-key-provider.js` makes a form key when there is none; `messages.js` empties the
    /// messages cookie.
    fn after_page(&mut self, html: &str) {
        // The CAPTCHA's word, as a shopper reads it off the page (the recorder, off the session).
        self.1 = html.split("data-captcha-word=\"").nth(1).and_then(|rest| rest.split('"').next()).map(str::to_owned);
        self.0.entry("form_key".to_owned()).or_insert_with(|| "Rec0rdedF0rmKey1".to_owned());
        self.0.insert("mage-messages".to_owned(), String::new());
    }
}

#[tokio::test]
async fn every_recorded_hop_of_the_luma_pages_is_answered_as_the_real_store_answered_it() {
    let app = spawn_app("2.4.7").await;
    let created = json!({ "email": EMAIL, "password": "Roni-Cost3!y", "firstname": "Active", "lastname": "Two" });
    let customer = TestApp::send(app.post("/__admin/customers").json(&created)).await.json();
    let id = customer["id"].as_u64().unwrap().to_string();
    app.request_reset(EMAIL).await;
    let token = app.live_token(EMAIL).await.unwrap();
    let base = format!("{}/", app.base);
    let fill = |text: &str| {
        text.replace("<base>", &base)
            .replace("<id>", &id)
            .replace("<token>", &token)
            .replace("<wrong-token>", &"0".repeat(32))
            .replace("<email>", EMAIL)
    };
    let differences = replay(&app, RECORDING, fill, &[]).await;
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
    assert!(app.sign_in(EMAIL, "Roni-Cost3!z").await.json()["data"]["generateCustomerToken"]["token"].is_string());
}

#[tokio::test]
async fn every_recorded_hop_of_the_sign_in_and_forgot_password_forms_is_answered_as_the_real_store_answered_it() {
    let app = spawn_app("2.4.7").await;
    let email = "luma-1@example.com";
    for (address, password) in [(email, "Luma-Passw0rd!13"), ("locked1@example.com", "Lock-Passw0rd!1")] {
        let created = json!({ "email": address, "password": password, "firstname": "Luma", "lastname": "Shopper" });
        TestApp::send(app.post("/__admin/customers").json(&created)).await;
    }
    TestApp::send(app.post("/__admin/customers/locked1@example.com/lock")).await;
    let base = format!("{}/", app.base);
    let fill = |text: &str| {
        let dashboard = url_encoder(&format!("{base}index.php/customer/account/index/"));
        text.replace("<base>", &base)
            .replace("<referer:index.php/customer/account/index/>", &dashboard)
            .replace("<email>", email)
    };
    let differences = replay(&app, POSTS, fill, DIFFERENT).await;
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
    // The one forgot-password request that passed mailed the customer.
    let messages = app.messages().await;
    assert_eq!(messages["messages_count"], 1, "{messages}");
    assert_eq!(messages["messages"][0]["To"][0]["Address"], email);
}

#[tokio::test]
async fn every_recorded_hop_of_sign_out_the_sign_in_captcha_and_an_unconfirmed_sign_in_is_answered_as_the_real_store_answered_it()
 {
    let app = spawn_app("2.4.7").await;
    let email = |role: &str| format!("luma-{role}-1@example.com");
    for role in ["out", "captcha", "other"] {
        let created =
            json!({ "email": email(role), "password": "Luma-Passw0rd!13", "firstname": "Luma", "lastname": "Shopper" });
        TestApp::send(app.post("/__admin/customers").json(&created)).await;
    }
    let base = format!("{}/", app.base);
    let fill = |text: &str| {
        let mut text = text.to_owned();
        for page in ["index", "logout"] {
            let encoded = url_encoder(&format!("{base}index.php/customer/account/{page}/"));
            text = text.replace(&format!("<referer:index.php/customer/account/{page}/>"), &encoded);
        }
        for role in ["out", "captcha", "other", "confirm", "nobody"] {
            let address = email(role);
            text = text
                .replace(&format!("<email:{role}>"), &address)
                .replace(&format!("<email-url:{role}>"), &address.replace('@', "%40"));
        }
        text.replace("<base>", &base)
    };
    let (signed_out, unconfirmed): (Vec<&str>, Vec<&str>) =
        SESSION.lines().partition(|line| !line.starts_with("{\"name\": \"11"));
    assert_eq!((signed_out.len(), unconfirmed.len()), (41, 16));
    // An account of the store's that needed no confirmation.
    let confirmed = json!({ "email": "active1@example.com", "password": "Roni-Cost3!x" });
    TestApp::send(app.post("/__admin/customers").json(&confirmed)).await;
    let mut differences = replay(&app, &signed_out.join("\n"), fill, SESSION_DIFFERENT).await;

    // The store required confirmation for the last steps only.
    let on = json!({ "create_account_confirmation": true });
    assert_eq!(TestApp::send(app.client.patch(format!("{}/__admin/settings", app.base)).json(&on)).await.status, 200);
    let create = "mutation($e: String!) { createCustomerV2(input: {email: $e, firstname: \"Luma\", lastname: \"Shopper\", \
        password: \"Luma-Passw0rd!13\"}) { customer { email } } }";
    let created = app.graphql_with(create, json!({ "e": email("confirm") })).await.json();
    assert_eq!(created["data"]["createCustomerV2"]["customer"]["email"], email("confirm"), "{created}");
    differences.extend(replay(&app, &unconfirmed.join("\n"), fill, SESSION_DIFFERENT).await);
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
    // The resend form mailed the confirmation link again: the sign-up's email and this one.
    let messages = app.messages().await;
    let to_confirm =
        messages["messages"].as_array().unwrap().iter().filter(|m| m["To"][0]["Address"] == email("confirm"));
    assert_eq!(to_confirm.count(), 2, "{messages}");
}

/// Replays `recording`'s hops, each browser with its own jar; answers what differed, except on
/// the hops listed in `different`, which must differ.
async fn replay(
    app: &TestApp,
    recording: &str,
    fill: impl Fn(&str) -> String,
    different: &[(&str, &str, &str)],
) -> Vec<String> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut jars: BTreeMap<String, Jar> = BTreeMap::new();
    let mut differences = Vec::new();

    for line in recording.lines() {
        let hop: Value = serde_json::from_str(line).unwrap();
        let name = hop["name"].as_str().unwrap();
        // A page the mock does not serve is not asked for.
        if different.iter().any(|(listed, what, _)| *listed == name && *what == "hop") {
            continue;
        }
        let jar = jars.entry(hop["jar"].as_str().unwrap().to_owned()).or_default();
        let url = format!("{}{}", app.base, fill(hop["target"].as_str().unwrap()));
        let mut request = if hop["method"] == "POST" {
            let form: Vec<(String, String)> = hop["form"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| {
                    let value = pair[1].as_str().unwrap();
                    let value = match value {
                        "<form_key>" => jar.0.get("form_key").cloned().unwrap_or_default(),
                        "<captcha>" => jar.1.clone().unwrap_or_default(),
                        _ => fill(value),
                    };
                    (pair[0].as_str().unwrap().to_owned(), value)
                })
                .collect();
            client.post(&url).header("Content-Type", "application/x-www-form-urlencoded").body(encode(&form))
        } else {
            client.get(&url)
        };
        if !jar.0.is_empty() {
            request = request.header(COOKIE, jar.header());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();

        let mut check = |what: &str, expected: Value, actual: Value| {
            let listed = different.iter().any(|(hop, listed, _)| *hop == name && *listed == what);
            if listed && expected == actual {
                differences.push(format!("{name} {what} now matches: take it off the list of differences"));
            } else if !listed && expected != actual {
                differences.push(format!("{name} {what}: expected {expected}, got {actual}"));
            }
        };
        check("status", hop["status"].clone(), json!(status));
        let location = headers.get("location").map(|v| v.to_str().unwrap().to_owned());
        check("location", hop["location"].as_str().map(&fill).into(), location.into());
        let mut set = Vec::new();
        let mut messages = Value::Null;
        for cookie in headers.get_all(SET_COOKIE) {
            let pair = cookie.to_str().unwrap().split(';').next().unwrap();
            let (cookie_name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                // The mock empties the messages cookie itself, where Luma's script does.
                jar.0.remove(cookie_name);
                continue;
            }
            if value == "deleted" {
                // PHP's way of deleting a cookie: set, and gone from the jar.
                set.push(json!(cookie_name));
                jar.0.remove(cookie_name);
                continue;
            }
            if cookie_name == "mage-messages" {
                messages = serde_json::from_str(&urldecode(value)).unwrap();
            }
            set.push(json!(cookie_name));
            jar.0.insert(cookie_name.to_owned(), value.to_owned());
        }
        check("cookies set", hop["set_cookies"].clone(), Value::Array(set));
        let expected_messages = serde_json::from_str(&fill(&hop["messages"].to_string())).unwrap();
        check("messages", expected_messages, messages);
        for (header, expected) in hop["headers"].as_object().unwrap() {
            let actual = headers.get(header.as_str()).map(|v| v.to_str().unwrap());
            check(header, expected.clone(), actual.into());
        }
        let title = body.split("<title>").nth(1).and_then(|rest| rest.split("</title>").next());
        check("title", hop["title"].clone(), title.into());
        check("form fields", hop["fields"].clone(), json!(field_names(&body)));
        if let Some(expected) = hop.get("captcha") {
            check("captcha forms", expected.clone(), json!(captcha_forms(&body)));
        }
        if status == 200 {
            jar.after_page(&body);
        }
    }
    differences
}

/// Magento's `UrlInterface` encoder for `referer/` parameters: base64 with `+/=` as `-_~`.
fn url_encoder(url: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(url).replace('+', "-").replace('/', "_").replace('=', "~")
}

/// The names of the page's inputs, as the summary lists them (the CAPTCHA's left out).
fn field_names(html: &str) -> Vec<String> {
    let mut names: Vec<String> = html
        .split("<input")
        .skip(1)
        .filter_map(|input| input.split("name=\"").nth(1)?.split('"').next().map(str::to_owned))
        .filter(|name| !name.starts_with("captcha"))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The forms whose CAPTCHA the page asks for (`captcha[<form>]` inputs).
fn captcha_forms(html: &str) -> Vec<String> {
    let mut forms: Vec<String> =
        html.split("name=\"captcha[").skip(1).filter_map(|rest| rest.split(']').next().map(str::to_owned)).collect();
    forms.sort();
    forms.dedup();
    forms
}

fn encode(form: &[(String, String)]) -> String {
    let escape = |text: &str| -> String {
        text.bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect()
    };
    form.iter().map(|(name, value)| format!("{}={}", escape(name), escape(value))).collect::<Vec<_>>().join("&")
}

fn urldecode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
