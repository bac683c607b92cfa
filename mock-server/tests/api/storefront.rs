//! The Luma pages a reset link leads to, driven as a browser drives them: cookies kept, redirects
//! read one at a time, the form's own action and form key posted back.

use std::collections::BTreeMap;

use base64::Engine;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::helpers::{TestApp, spawn_app};

const RONI: &str = "roni_cost@example.com";
const OLD_PASSWORD: &str = "roni_cost3@example.com";
const NEW_PASSWORD: &str = "N3w-Passw0rd!";
const EXPIRED: &str = "Your password reset link has expired.";

/// A browser without scripts: a cookie jar, no automatic redirects.
struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
    namespace: Option<String>,
}

struct Visit {
    status: StatusCode,
    location: String,
    body: String,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { base: app.base.clone(), client, cookies: BTreeMap::new(), namespace: None }
    }

    async fn get(&mut self, url: &str) -> Visit {
        let request = self.client.get(self.absolute(url));
        self.send(request).await
    }

    async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Visit {
        let body: String =
            form.iter().map(|(name, value)| format!("{name}={}", urlencode(value))).collect::<Vec<_>>().join("&");
        let request =
            self.client.post(self.absolute(url)).header("Content-Type", "application/x-www-form-urlencoded").body(body);
        self.send(request).await
    }

    fn absolute(&self, url: &str) -> String {
        if url.starts_with("http") { url.to_owned() } else { format!("{}{url}", self.base) }
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Visit {
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(COOKIE, jar.join("; "));
        }
        if let Some(namespace) = &self.namespace {
            request = request.header("X-Mock-Namespace", namespace);
        }
        let response = request.send().await.expect("the server answers");
        for set in response.headers().get_all(SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            // PHP deletes a cookie by setting it to "deleted" in the past.
            if value.is_empty() || value == "deleted" {
                self.cookies.remove(name)
            } else {
                self.cookies.insert(name.into(), value.into())
            };
        }
        let status = response.status();
        let location = response.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        Visit { status, location, body: response.text().await.unwrap() }
    }

    /// Follows redirects to the page they end on.
    async fn open(&mut self, url: &str) -> Visit {
        let mut visit = self.get(url).await;
        for _ in 0..5 {
            if visit.status != StatusCode::FOUND {
                break;
            }
            let next = visit.location.clone();
            visit = self.get(&next).await;
        }
        visit
    }

    /// Submits the page's reset form with the two passwords; answers the redirect.
    async fn submit(&mut self, page: &Visit, password: &str, confirmation: &str) -> Visit {
        let action = attribute(&page.body, "<form action=\"").replace("&amp;", "&");
        let form_key = attribute(&page.body, "name=\"form_key\" type=\"hidden\" value=\"");
        self.post(&action, &[("form_key", &form_key), ("password", password), ("password_confirmation", confirmation)])
            .await
    }
}

fn attribute(html: &str, before: &str) -> String {
    let start = html.find(before).unwrap_or_else(|| panic!("{before} in {html}")) + before.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// The messages a page shows.
fn messages(page: &Visit) -> Vec<String> {
    page.body
        .split("data-ui-id=\"message-")
        .skip(1)
        .map(|part| {
            let kind = part.split('"').next().unwrap();
            let text = part.split("<div>").nth(1).unwrap().split("</div>").next().unwrap();
            format!("{kind}: {}", text.replace("&#039;", "'").replace("&quot;", "\""))
        })
        .collect()
}

/// Asks for a reset and answers the path and query of the emailed link.
async fn reset_link(app: &TestApp, email: &str) -> String {
    assert_eq!(app.request_reset(email).await.json()["data"]["requestPasswordResetEmail"], true);
    let message = TestApp::send(app.get("/__admin/messages/latest")).await.json();
    let link = message["reset_link"].as_str().unwrap();
    link[link.find("/customer/account/").unwrap()..].to_owned()
}

async fn signs_in(app: &TestApp, email: &str, password: &str) -> bool {
    app.sign_in(email, password).await.json()["data"]["generateCustomerToken"]["token"].is_string()
}

#[tokio::test]
async fn the_link_opens_the_form_after_keeping_its_token_in_the_session() {
    let app = spawn_app("2.4.7").await;
    let link = reset_link(&app, RONI).await;
    assert!(link.starts_with("/customer/account/createPassword/?id=1&token="), "{link}");
    let mut browser = Browser::new(&app);

    let first = browser.get(&link).await;
    assert_eq!(first.status, StatusCode::FOUND);
    assert_eq!(first.location, format!("{}/customer/account/createpassword/", app.base));
    assert!(browser.cookies.contains_key("PHPSESSID"));

    let page = browser.get(&first.location).await;
    assert_eq!(page.status, StatusCode::OK);
    for part in [
        "<title>Set a New Password</title>",
        "class=\"customer-account-createpassword page-layout-1column\"",
        "<span class=\"base\" data-ui-id=\"page-title-wrapper\" >Set a New Password</span>",
        "id=\"form-validate\"\n      class=\"form password reset\"",
        "name=\"password\" id=\"password\"",
        "data-password-min-length=\"8\"",
        "data-password-min-character-sets=\"3\"",
        "name=\"password_confirmation\" id=\"password-confirmation\"",
        "<button type=\"submit\" class=\"action submit primary\"><span>Set a New Password</span></button>",
    ] {
        assert!(page.body.contains(part), "{part}");
    }
    let token = link.split("token=").nth(1).unwrap();
    let action = format!("{}/customer/account/resetpasswordpost/?id=1&amp;token={token}", app.base);
    assert!(page.body.contains(&format!("<form action=\"{action}\"")));
    assert!(messages(&page).is_empty());
}

#[tokio::test]
async fn a_wrong_or_missing_token_lands_on_forgot_password_with_the_expired_message() {
    let app = spawn_app("2.4.7").await;
    reset_link(&app, RONI).await;
    for link in [
        "/customer/account/createPassword/?id=1&token=WrongToken0000000000000000000000",
        "/customer/account/createPassword/?id=2&token=WrongToken0000000000000000000000",
        "/customer/account/createPassword/?token=WrongToken0000000000000000000000",
        "/customer/account/createPassword/",
    ] {
        let mut browser = Browser::new(&app);
        let answer = browser.get(link).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{link}");
        assert_eq!(answer.location, format!("{}/customer/account/forgotpassword/", app.base));
        let page = browser.get(&answer.location).await;
        assert!(page.body.contains("<title>Forgot Your Password?</title>"));
        assert!(page.body.contains("id=\"email_address\""));
        assert_eq!(messages(&page), [format!("error: {EXPIRED}")], "{link}");
        assert!(!browser.cookies.contains_key("mage-messages"), "a message is shown once");
        assert!(messages(&browser.get("/customer/account/forgotpassword/").await).is_empty());
    }
}

#[tokio::test]
async fn an_expired_token_is_refused_and_opening_the_link_extends_its_life() {
    let app = spawn_app("2.4.7").await;
    let link = reset_link(&app, RONI).await;
    app.advance_clock(110 * 60).await;
    let mut browser = Browser::new(&app);
    assert!(browser.open(&link).await.body.contains("Set a New Password</span>"));
    // Opened at 1h50, the token counts from then: at 3h20 it is still live.
    app.advance_clock(90 * 60).await;
    assert!(browser.open(&link).await.body.contains("name=\"password_confirmation\""));
    app.advance_clock(120 * 60).await;
    let page = browser.open(&link).await;
    assert_eq!(messages(&page), [format!("error: {EXPIRED}")]);
}

#[tokio::test]
async fn each_refused_password_comes_back_with_the_store_s_message() {
    let app = spawn_app("2.4.7").await;
    let link = reset_link(&app, RONI).await;
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let cases = [
        ("Abcdefg1!", "Abcdefg1?", "New Password and Confirm New Password values didn't match."),
        ("", "", "Please enter a new password."),
        ("Ab1!", "Ab1!", "The password needs at least 8 characters. Create a new password and try again."),
        (RONI, RONI, "The password can't be the same as the email address. Create a new password and try again."),
        (" Abcdefg1", " Abcdefg1", "The password can't begin or end with a space. Verify the password and try again."),
        (
            "abcdefgh",
            "abcdefgh",
            "Minimum of different classes of characters in password is 3. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
        ),
        (&"Ab1!".repeat(65), &"Ab1!".repeat(65), "Please enter a password with at most 256 characters."),
    ];
    for (password, confirmation, expected) in cases {
        let mut browser = Browser::new(&app);
        let page = browser.open(&link).await;
        let answer = browser.submit(&page, password, confirmation).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{expected}");
        assert_eq!(answer.location, format!("{}/customer/account/createPassword/token/{token}/", app.base));
        // That URL has no id: 2.4.7-p3's CreatePassword refuses it, so the message shows on
        // forgotpassword/ beside the expired one.
        let shown = browser.open(&answer.location).await;
        assert_eq!(messages(&shown), [format!("error: {expected}"), format!("error: {EXPIRED}")]);
    }
    assert!(signs_in(&app, RONI, OLD_PASSWORD).await, "nothing changed");
    assert_eq!(app.live_token(RONI).await.as_deref(), Some(token.as_str()), "the token is still live");
}

#[tokio::test]
async fn a_new_password_sends_to_sign_in_with_the_success_message_and_uses_the_token_up() {
    let app = spawn_app("2.4.7").await;
    let link = reset_link(&app, RONI).await;
    // Locked after asking: the web form resets the password anyway and clears the lock.
    TestApp::send(app.post("/__admin/customers/roni_cost@example.com/lock").json(&serde_json::json!({}))).await;
    assert!(!signs_in(&app, RONI, OLD_PASSWORD).await);
    let mut browser = Browser::new(&app);
    let page = browser.open(&link).await;
    let answer = browser.submit(&page, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.location, format!("{}/customer/account/login/", app.base));
    let login = browser.get(&answer.location).await;
    assert!(login.body.contains("<title>Customer Login</title>"));
    assert!(login.body.contains("name=\"login[username]\""));
    assert_eq!(messages(&login), ["success: You updated your password."]);

    // The same account logic as resetPassword: new password, lock cleared, token gone.
    assert!(signs_in(&app, RONI, NEW_PASSWORD).await, "the lock is cleared too");
    assert!(!signs_in(&app, RONI, OLD_PASSWORD).await);
    assert_eq!(app.live_token(RONI).await, None);
    let again = browser.submit(&page, "An0ther-Passw0rd", "An0ther-Passw0rd").await;
    let shown = browser.open(&again.location).await;
    assert_eq!(
        messages(&shown),
        ["error: Something went wrong while saving the new password.", &format!("error: {EXPIRED}")]
    );
    assert_eq!(messages(&browser.open(&link).await), [format!("error: {EXPIRED}")]);
    assert!(signs_in(&app, RONI, NEW_PASSWORD).await);
}

#[tokio::test]
async fn a_post_without_the_form_key_changes_nothing() {
    let app = spawn_app("2.4.7").await;
    let link = reset_link(&app, RONI).await;
    let mut browser = Browser::new(&app);
    let page = browser.open(&link).await;
    let action = attribute(&page.body, "<form action=\"").replace("&amp;", "&");
    let answer = browser.post(&action, &[("password", NEW_PASSWORD), ("password_confirmation", NEW_PASSWORD)]).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.location, format!("{}/", app.base));
    assert!(browser.cookies["mage-messages"].contains("Invalid%20Form%20Key.%20Please%20refresh%20the%20page."));
    assert!(signs_in(&app, RONI, OLD_PASSWORD).await);
}

#[tokio::test]
async fn a_link_from_another_namespace_s_inbox_resets_that_namespace_s_account() {
    let server = spawn_app("2.4.7").await;
    let app = server.in_namespace("storefront-qa");
    let link = reset_link(&app, RONI).await;
    // No header: the browser followed a link in an email.
    let mut browser = Browser::new(&server);
    let page = browser.open(&link).await;
    browser.submit(&page, NEW_PASSWORD, NEW_PASSWORD).await;
    assert!(signs_in(&app, RONI, NEW_PASSWORD).await);
    assert!(signs_in(&server, RONI, OLD_PASSWORD).await, "the default namespace is untouched");

    // With the header, the page acts on the namespace it names.
    let link = reset_link(&app, "jane.doe@example.com").await;
    let mut browser = Browser::new(&server);
    browser.namespace = Some("storefront-qa".to_owned());
    let page = browser.open(&link).await;
    browser.submit(&page, NEW_PASSWORD, NEW_PASSWORD).await;
    assert!(signs_in(&app, "jane.doe@example.com", NEW_PASSWORD).await);
}

#[tokio::test]
async fn index_php_paths_any_case_and_2_4_8_links_work_alike() {
    let app = spawn_app("2.4.8").await;
    let link = reset_link(&app, RONI).await;
    assert!(link.starts_with("/customer/account/createPassword/?email=roni_cost%40example.com&id=1&token="));
    let mut browser = Browser::new(&app);
    let first = browser.get(&format!("/index.php{}", link.replace("createPassword", "CREATEPASSWORD"))).await;
    assert_eq!(first.location, format!("{}/index.php/customer/account/createpassword/", app.base));
    let page = browser.open(&first.location).await;
    assert!(page.body.contains(&format!("{}/index.php/customer/account/resetpasswordpost/?id=1", app.base)));
    let answer = browser.submit(&page, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(answer.location, format!("{}/index.php/customer/account/login/", app.base));
    assert!(signs_in(&app, RONI, NEW_PASSWORD).await);
}

#[tokio::test]
async fn up_to_2_4_3_a_link_without_id_finds_its_customer_by_the_token() {
    let app = spawn_app("2.4.2").await;
    let link = reset_link(&app, RONI).await;
    assert!(link.starts_with("/customer/account/createPassword/?token="), "{link}");
    let mut browser = Browser::new(&app);
    let page = browser.open(&link).await;
    assert!(page.body.contains("resetpasswordpost/?id=1&amp;token="));
    browser.submit(&page, NEW_PASSWORD, NEW_PASSWORD).await;
    assert!(signs_in(&app, RONI, NEW_PASSWORD).await);
}

#[tokio::test]
async fn odd_requests_get_clear_answers_and_the_server_carries_on() {
    let app = spawn_app("2.4.7").await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.get("/customer/account/nosuchaction/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.get("/customer/account/resetpasswordpost/").await.status, StatusCode::NOT_FOUND);
    let guest = browser.get("/customer/account/").await;
    // `referer/` is the dashboard's own URL, base64 with `+/=` as `-_~` (as recorded).
    let referer = base64::engine::general_purpose::STANDARD
        .encode(format!("{}/customer/account/index/", app.base))
        .replace('+', "-")
        .replace('/', "_")
        .replace('=', "~");
    assert_eq!(guest.location, format!("{}/customer/account/login/referer/{referer}/", app.base));
    // An id that is no customer's escapes ResetPasswordPost's try: Magento's error page.
    let page = browser.open(&reset_link(&app, RONI).await).await;
    let form_key = attribute(&page.body, "name=\"form_key\" type=\"hidden\" value=\"");
    let answer = browser
        .post(
            "/customer/account/resetpasswordpost/?id=999&token=x",
            &[("form_key", &form_key), ("password", NEW_PASSWORD), ("password_confirmation", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(answer.body.contains("There has been an error processing your request"));
    // Anything echoed is escaped; a bad namespace is a 400.
    let cookie = r#"[{"type":"error\"><script>","text":"<script>alert(1)</script>"}]"#;
    browser.cookies.insert("mage-messages".to_owned(), urlencode(cookie));
    let shown = browser.get("/customer/account/login/").await;
    assert!(!shown.body.contains("<script"), "{}", shown.body);
    assert!(shown.body.contains("<div>&lt;script&gt;alert(1)&lt;/script&gt;</div>"));
    browser.namespace = Some("bad name!".to_owned());
    assert_eq!(browser.get("/customer/account/login/").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(TestApp::send(app.get("/readyz")).await.status, StatusCode::OK);
}

const SIGN_IN_INCORRECT: &str =
    "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";

/// Posts the login page's form, with the CAPTCHA's word when the page asks for it.
async fn sign_in_on_the_page(browser: &mut Browser, email: &str, password: &str) -> Visit {
    let page = browser.open("/customer/account/login/").await;
    let form_key = attribute(&page.body, "name=\"form_key\" type=\"hidden\" value=\"");
    let word = captcha_word(&page).unwrap_or_default();
    let form = [
        ("form_key", form_key.as_str()),
        ("login[username]", email),
        ("login[password]", password),
        ("captcha[user_login]", word.as_str()),
    ];
    browser.post("/customer/account/loginPost/", &form).await
}

/// The sign-in form's CAPTCHA word, as a shopper reads it off the page.
fn captcha_word(page: &Visit) -> Option<String> {
    page.body.contains("name=\"captcha[user_login]\"").then(|| attribute(&page.body, "data-captcha-word=\""))
}

/// Posts the sign-in form of `page` (whose word is the last one shown) with `word`.
async fn post_sign_in(browser: &mut Browser, page: &Visit, email: &str, password: &str, word: &str) -> Visit {
    let form_key = attribute(&page.body, "name=\"form_key\" type=\"hidden\" value=\"");
    let form = [
        ("form_key", form_key.as_str()),
        ("login[username]", email),
        ("login[password]", password),
        ("captcha[user_login]", word),
    ];
    browser.post("/customer/account/loginPost/", &form).await
}

#[tokio::test]
async fn after_three_posts_for_a_username_the_sign_in_form_needs_its_captcha_in_any_browser() {
    let app = spawn_app("2.4.7").await;
    let jane = "jane.doe@example.com";
    let mut browser = Browser::new(&app);
    for n in 1..=3 {
        let page = browser.open("/customer/account/login/").await;
        assert_eq!(captcha_word(&page), None, "no CAPTCHA before post {n}");
        post_sign_in(&mut browser, &page, jane, "Wrong-Passw0rd!", "").await;
    }
    let page = browser.open("/customer/account/login/").await;
    let word = captcha_word(&page).expect("the form asks for the word after 3 failures");
    assert!((4..=5).contains(&word.len()), "{word}");

    // Another browser sees no CAPTCHA on the page, but its post for that username needs one.
    let mut other = Browser::new(&app);
    let page = other.open("/customer/account/login/").await;
    assert_eq!(captcha_word(&page), None);
    let refused = post_sign_in(&mut other, &page, jane, "Password123!", "").await;
    assert_eq!(refused.location, format!("{}/customer/account/login/", app.base));
    let page = other.open(&refused.location).await;
    assert_eq!(messages(&page), ["error: Incorrect CAPTCHA"]);
    assert!(page.body.contains(&format!("name=\"login[username]\" value=\"{jane}\"")));
    let word = captcha_word(&page).expect("now this browser's page shows it too");
    let wrong_word = if word == "2222" { "3333" } else { "2222" };
    let refused = post_sign_in(&mut other, &page, jane, "Password123!", wrong_word).await;
    let page = other.open(&refused.location).await;
    assert_eq!(messages(&page), ["error: Incorrect CAPTCHA"], "a wrong word");
    // The word is not case-sensitive; the right word with the right password signs in.
    let word = captcha_word(&page).unwrap().to_lowercase();
    let signed_in = post_sign_in(&mut other, &page, jane, "Password123!", &word).await;
    assert_eq!(signed_in.location, format!("{}/customer/account/", app.base));
    assert!(other.open(&signed_in.location).await.body.contains("<title>My Account</title>"));

    // Success cleared the username's attempts: a new browser signs in without a word.
    let mut third = Browser::new(&app);
    let page = third.open("/customer/account/login/").await;
    assert_eq!(captcha_word(&page), None);
    let signed_in = post_sign_in(&mut third, &page, jane, "Password123!", "").await;
    assert_eq!(signed_in.location, format!("{}/customer/account/", app.base));
}

#[tokio::test]
async fn a_wrong_captcha_counts_toward_the_account_lock() {
    let app = spawn_app("2.4.7").await;
    let jane = "jane.doe@example.com";
    let mut browser = Browser::new(&app);
    // 3 wrong passwords, then 7 posts without the word: 10 failures lock the account.
    let page = browser.open("/customer/account/login/").await;
    for _ in 0..3 {
        post_sign_in(&mut browser, &page, jane, "Wrong-Passw0rd!", "").await;
    }
    for _ in 0..7 {
        post_sign_in(&mut browser, &page, jane, "Password123!", "").await;
    }
    let page = browser.open("/customer/account/login/").await;
    let word = captcha_word(&page).unwrap();
    let refused = post_sign_in(&mut browser, &page, jane, "Password123!", &word).await;
    let page = browser.open(&refused.location).await;
    assert_eq!(messages(&page), [format!("error: {SIGN_IN_INCORRECT}")], "locked");
    let accounts = TestApp::send(app.get("/__admin/customers")).await.json();
    let account = accounts.as_array().unwrap().iter().find(|c| c["email"] == jane).cloned().unwrap();
    assert_eq!(account["locked"], true, "{account}");
}

#[tokio::test]
async fn signing_out_ends_the_session_and_shows_you_are_signed_out() {
    let app = spawn_app("2.4.7").await;
    let jane = "jane.doe@example.com";
    let mut browser = Browser::new(&app);
    let guest = browser.get("/customer/account/logout/").await;
    assert!(guest.location.starts_with(&format!("{}/customer/account/login/referer/", app.base)), "{}", guest.location);

    let signed_in = sign_in_on_the_page(&mut browser, jane, "Password123!").await;
    assert_eq!(signed_in.location, format!("{}/customer/account/", app.base));
    let dashboard = browser.open(&signed_in.location).await;
    let sign_out = format!("<a href=\"{}/customer/account/logout/\"        >Sign Out</a>", app.base);
    assert!(dashboard.body.contains(&sign_out), "the header's link signs out");
    let session = browser.cookies["PHPSESSID"].clone();
    let out = browser.get("/customer/account/logout/").await;
    assert_eq!(out.location, format!("{}/customer/account/logoutSuccess/", app.base));
    assert_ne!(browser.cookies["PHPSESSID"], session, "a new session id");
    let page = browser.open(&out.location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<title></title>"));
    assert!(page.body.contains(">You are signed out</span>"));
    assert!(page.body.contains("<p>You have signed out and will go to our homepage in 5 seconds.</p>"));
    assert!(page.body.contains(">Sign In</a>") && !page.body.contains("Sign Out"));
    assert!(!browser.cookies.contains_key("X-Magento-Vary"), "the signed-in context is gone");
    let dashboard = browser.open("/customer/account/").await;
    assert!(dashboard.body.contains("<title>Customer Login</title>"), "a guest again");

    // POST signs out too, with the form key; without it, nothing changes.
    sign_in_on_the_page(&mut browser, jane, "Password123!").await;
    let refused = browser.post("/customer/account/logout/", &[("form_key", "nope")]).await;
    assert_ne!(refused.location, format!("{}/customer/account/logoutSuccess/", app.base));
    assert!(browser.open("/customer/account/").await.body.contains("<title>My Account</title>"), "still signed in");
    let page = browser.open("/customer/account/login/").await;
    let form_key = browser
        .cookies
        .get("form_key")
        .cloned()
        .unwrap_or_else(|| attribute(&page.body, "name=\"form_key\" type=\"hidden\" value=\""));
    let out = browser.post("/customer/account/logout/", &[("form_key", &form_key)]).await;
    assert_eq!(out.location, format!("{}/customer/account/logoutSuccess/", app.base));
}

#[tokio::test]
async fn signing_in_on_the_login_page_ends_on_my_account_and_a_refusal_keeps_the_username() {
    let app = spawn_app("2.4.7").await;
    let mut browser = Browser::new(&app);
    let jane = "jane.doe@example.com";

    let empty = sign_in_on_the_page(&mut browser, jane, "").await;
    assert_eq!(empty.location, format!("{}/customer/account/login/", app.base));
    let page = browser.open(&empty.location).await;
    assert_eq!(messages(&page), ["error: A login and a password are required."]);

    let wrong = sign_in_on_the_page(&mut browser, jane, "Wrong-Passw0rd!").await;
    let page = browser.open(&wrong.location).await;
    assert_eq!(messages(&page), [format!("error: {SIGN_IN_INCORRECT}")]);
    assert!(page.body.contains(&format!("name=\"login[username]\" value=\"{jane}\"")), "the username is kept once");

    TestApp::send(app.post(&format!("/__admin/customers/{jane}/lock"))).await;
    let locked = sign_in_on_the_page(&mut browser, jane, "Password123!").await;
    assert_eq!(messages(&browser.open(&locked.location).await), [format!("error: {SIGN_IN_INCORRECT}")]);
    TestApp::send(app.delete(&format!("/__admin/customers/{jane}/lock"))).await;

    let signed_in = sign_in_on_the_page(&mut browser, jane, "Password123!").await;
    assert_eq!(signed_in.location, format!("{}/customer/account/", app.base));
    let dashboard = browser.open(&signed_in.location).await;
    assert!(dashboard.body.contains("<title>My Account</title>"));
    assert!(dashboard.body.contains("Jane Doe<br>") && dashboard.body.contains(&format!("{jane}<br>")));
    let again = browser.get("/customer/account/login/").await;
    assert_eq!(again.location, format!("{}/customer/account/", app.base), "signed in: the dashboard");

    let mut other = Browser::new(&app);
    let page = other.open("/customer/account/").await;
    assert!(page.body.contains("<title>Customer Login</title>"), "another browser is a guest");
}

#[tokio::test]
async fn the_forgot_password_form_checks_its_captcha_mails_the_link_and_the_new_password_signs_in_on_the_page() {
    let app = spawn_app("2.4.7").await;
    let mut browser = Browser::new(&app);
    let page = browser.open("/customer/account/forgotpassword/").await;
    let form_key = attribute(&page.body, "name=\"form_key\" type=\"hidden\" value=\"");
    let refused =
        browser.post("/customer/account/forgotpasswordpost/", &[("form_key", &form_key), ("email", RONI)]).await;
    assert_eq!(refused.location, format!("{}/customer/account/forgotpassword/", app.base));
    let page = browser.open(&refused.location).await;
    assert_eq!(messages(&page), ["error: Incorrect CAPTCHA"]);
    assert_eq!(app.messages().await["messages_count"], 0);

    // The word is not case-sensitive, as the store's CAPTCHA is configured.
    let word = attribute(&page.body, "data-captcha-word=\"").to_lowercase();
    let form = [("form_key", form_key.as_str()), ("email", RONI), ("captcha[user_forgotpassword]", &word)];
    let sent = browser.post("/customer/account/forgotpasswordpost/", &form).await;
    assert_eq!(sent.location, format!("{}/customer/account/", app.base));
    let page = browser.open(&sent.location).await;
    assert!(page.body.contains("<title>Customer Login</title>"));
    assert_eq!(
        messages(&page),
        [format!(
            "success: If there is an account associated with {RONI} you will receive an email with a link to reset your password."
        )]
    );

    let message = TestApp::send(app.get("/__admin/messages/latest")).await.json();
    let link = message["reset_link"].as_str().unwrap();
    let form = browser.open(&link[link.find("/customer/account/").unwrap()..]).await;
    let reset = browser.submit(&form, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(reset.location, format!("{}/customer/account/login/", app.base));
    let signed_in = sign_in_on_the_page(&mut browser, RONI, NEW_PASSWORD).await;
    assert!(browser.open(&signed_in.location).await.body.contains("<title>My Account</title>"));

    // Magento_Security: a second request from the same address within 10 minutes is refused.
    let mut other = Browser::new(&app);
    let page = other.open("/customer/account/forgotpassword/").await;
    let form_key = attribute(&page.body, "name=\"form_key\" type=\"hidden\" value=\"");
    let word = attribute(&page.body, "data-captcha-word=\"");
    let form =
        [("form_key", form_key.as_str()), ("email", "jane.doe@example.com"), ("captcha[user_forgotpassword]", &word)];
    let throttled = other.post("/customer/account/forgotpasswordpost/", &form).await;
    assert_eq!(
        messages(&other.open(&throttled.location).await),
        [
            "error: We received too many requests for password resets. Please wait and try again later or contact hello@example.com."
        ]
    );
}

#[tokio::test]
async fn an_unconfirmed_account_is_told_so_and_the_message_s_link_resends_the_confirmation_email() {
    let app = spawn_app("2.4.7").await;
    let on = serde_json::json!({ "create_account_confirmation": true });
    let patched = app.client.patch(format!("{}/__admin/settings", app.base)).json(&on).send().await.unwrap();
    assert_eq!(patched.status(), StatusCode::OK);
    let email = "waiting@example.com";
    let create = "mutation($e: String!) { createCustomerV2(input: {email: $e, firstname: \"Wait\", lastname: \"Ing\", \
        password: \"Wait-Passw0rd!\"}) { customer { email } } }";
    let created = app.graphql_with(create, serde_json::json!({ "e": email })).await.json();
    assert_eq!(created["data"]["createCustomerV2"]["customer"]["email"], email, "{created}");

    let mut browser = Browser::new(&app);
    let refused = sign_in_on_the_page(&mut browser, email, "Wait-Passw0rd!").await;
    let page = browser.open(&refused.location).await;
    let link = format!("{}/customer/account/confirmation/?email=waiting%40example.com", app.base);
    let message =
        format!("This account is not confirmed. <a href=\"{link}\">Click here</a> to resend confirmation email.");
    assert_eq!(messages(&page), [format!("error: {message}")]);

    let form = browser.open(&link).await;
    assert!(form.body.contains("<title>Send confirmation link</title>") && form.body.contains("<form action=\"\""));
    let form_key = attribute(&form.body, "name=\"form_key\" type=\"hidden\" value=\"");
    let sent = browser.post(&link, &[("form_key", &form_key), ("email", email)]).await;
    assert_eq!(sent.location, format!("{}/customer/account/index/", app.base));
    let page = browser.open(&sent.location).await;
    assert_eq!(messages(&page), ["success: Please check your email for confirmation key."]);
    let inbox = app.messages().await;
    let to_her = inbox["messages"].as_array().unwrap().iter().filter(|m| m["To"][0]["Address"] == email).count();
    assert_eq!(to_her, 2, "the sign-up's confirmation email and the resent one: {inbox}");

    let unknown = browser.post(&link, &[("form_key", &form_key), ("email", "nobody@example.com")]).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(messages(&unknown), ["error: Wrong email."]);
    assert!(unknown.body.contains("value=\"nobody@example.com\""), "the form keeps the address");
}

/// `customer/captcha/timeout`: a word shown 7 minutes ago is no longer good, on either form.
#[tokio::test]
async fn a_captcha_word_runs_out_after_seven_minutes() {
    let app = spawn_app("2.4.7").await;
    let jane = "jane.doe@example.com";
    let mut browser = Browser::new(&app);
    let page = browser.open("/customer/account/login/").await;
    for _ in 0..3 {
        post_sign_in(&mut browser, &page, jane, "Wrong-Passw0rd!", "").await;
    }
    let page = browser.open("/customer/account/login/").await;
    let word = captcha_word(&page).unwrap();
    app.advance_clock(7 * 60 + 1).await;
    let late = post_sign_in(&mut browser, &page, jane, "Password123!", &word).await;
    assert_eq!(messages(&browser.open(&late.location).await), ["error: Incorrect CAPTCHA"]);
    let page = browser.open("/customer/account/login/").await;
    let word = captcha_word(&page).unwrap();
    app.advance_clock(6 * 60).await;
    let in_time = post_sign_in(&mut browser, &page, jane, "Password123!", &word).await;
    assert_eq!(in_time.location, format!("{}/customer/account/", app.base), "within 7 minutes");

    let mut other = Browser::new(&app);
    let page = other.open("/customer/account/forgotpassword/").await;
    let form_key = attribute(&page.body, "name=\"form_key\" type=\"hidden\" value=\"");
    let word = attribute(&page.body, "data-captcha-word=\"");
    app.advance_clock(7 * 60 + 1).await;
    let form = [("form_key", form_key.as_str()), ("email", jane), ("captcha[user_forgotpassword]", word.as_str())];
    let late = other.post("/customer/account/forgotpasswordpost/", &form).await;
    assert_eq!(messages(&other.open(&late.location).await), ["error: Incorrect CAPTCHA"]);
}
