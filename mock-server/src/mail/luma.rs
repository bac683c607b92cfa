//! Magento's email layout as the Luma theme renders it (`Magento_Email::html/header.html` and
//! `footer.html` around each template's content), the bytes real 2.4.7-p3 stores sent
//! (fixtures/real-store/*.eml). Every email the mock sends on a store's behalf goes through it.

/// The deployed static-content version in asset URLs (`pub/static/deployed_version.txt`): a
/// per-install number; any stable one will do.
pub const STATIC_VERSION: &str = "version1754759768";

/// The values a template's `{{var}}` placeholders take.
#[derive(Debug)]
pub struct Fields<'a> {
    /// The store's link base (`<base>` or `<base>index.php/`).
    pub link_base: &'a str,
    /// The store's frontend name.
    pub store: &'a str,
    /// The store view's locale, in the theme's asset URLs.
    pub locale: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    /// The template's main link (a reset link), or "".
    pub link: &'a str,
}

/// `content` inside the layout, its placeholders filled (escaped as `{{var}}` escapes).
pub fn render(content: &str, fields: &Fields<'_>) -> String {
    let store_base = fields.link_base.strip_suffix("index.php/").unwrap_or(fields.link_base);
    include_str!("luma_layout.html")
        .replace("{{content}}", content)
        .replace("{{static_version}}", STATIC_VERSION)
        .replace("{{link}}", &escape_html(fields.link))
        .replace("{{link_base}}", &escape_html(fields.link_base))
        .replace("{{store_base}}", &escape_html(store_base))
        .replace("{{store}}", &escape_html(fields.store))
        .replace("{{locale}}", &escape_html(fields.locale))
        .replace("{{name}}", &escape_html(fields.name))
        .replace("{{email}}", &escape_html(fields.email))
}

/// HTML escaping as Magento's templates apply it to `{{var}}` values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The HTML body of a recorded email, for tests: its install-specific static version replaced by
/// ours, the MIME body's closing line break removed.
#[cfg(test)]
pub fn recorded_html(file: &str) -> String {
    let path = format!("{}/../fixtures/real-store/{file}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(path).expect("the recorded email");
    let message = mail_parser::MessageParser::default().parse(&raw).expect("a message");
    let html = message.body_html(0).expect("an HTML body").into_owned();
    let html = html.strip_suffix("\r\n").unwrap_or(&html).replace("\r\n", "\n");
    let version_at = html.find("static/version").expect("a static asset") + "static/".len();
    let recorded_version: String = html[version_at..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    html.replace(&recorded_version, STATIC_VERSION)
}
