//! Links in mail: every `http(s)` link for link-check, and the password-reset link of a
//! Magento email (ours, or a real store's whose theme may put `id=<n>&` before the token).

/// The first Magento reset link: `.../customer/account/createPassword/?[id=N&]token=T`.
pub fn find_reset_link(body: &str) -> Option<String> {
    links(body).into_iter().find(|link| reset_token(link).is_some())
}

/// The token of a Magento reset link.
pub fn reset_token(link: &str) -> Option<&str> {
    let (path, query) = link.split_once('?')?;
    if !path.trim_end_matches('/').ends_with("customer/account/createPassword") {
        return None;
    }
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .map(|token| token.split('#').next().unwrap_or(token))
        .filter(|token| !token.is_empty())
}

/// Every distinct `http://` or `https://` link in text or HTML (`&amp;` decoded), in order.
pub fn links(body: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("http") {
        let candidate = &rest[start..];
        if candidate.starts_with("http://") || candidate.starts_with("https://") {
            let end = candidate
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | ']'))
                .unwrap_or(candidate.len());
            let link = candidate[..end].replace("&amp;", "&");
            let link = link.trim_end_matches(['.', ',', ';']).to_owned();
            if !found.contains(&link) {
                found.push(link);
            }
            rest = &candidate[end..];
        } else {
            rest = &candidate[4..];
        }
    }
    found
}

/// The `http(s)` links of an HTML body that a reader can follow or load: `href` and `src`
/// attribute values (as Mailpit's link check takes them), not doctypes, namespaces or CSS.
pub fn followable_links(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for attribute in ["href=", "src="] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else { continue };
            let value = rest[1..].split(quote).next().unwrap_or_default();
            let link = value.replace("&amp;", "&");
            if (link.starts_with("http://") || link.starts_with("https://")) && !found.contains(&link) {
                found.push(link);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_magento_reset_links_in_both_template_forms() {
        let ours = "Set a New Password: http://localhost:3000/customer/account/createPassword/?token=AbC123\n";
        assert_eq!(
            find_reset_link(ours).as_deref(),
            Some("http://localhost:3000/customer/account/createPassword/?token=AbC123")
        );
        let old = r#"<a href="https://shop.test/customer/account/createPassword/?id=42&amp;token=XyZ9">Set</a>"#;
        let link = find_reset_link(old).unwrap();
        assert_eq!(link, "https://shop.test/customer/account/createPassword/?id=42&token=XyZ9");
        assert_eq!(reset_token(&link), Some("XyZ9"));
        assert_eq!(find_reset_link("https://shop.test/customer/account/login/"), None);
    }

    #[test]
    fn followable_links_are_href_and_src_values() {
        let html = r#"<!DOCTYPE html PUBLIC "x" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><a href="https://a.test/?id=1&amp;token=T">x</a><img src='http://b.test/logo.png'><style>@import url("http://c.test/f.css");</style>"#;
        assert_eq!(
            followable_links(html),
            vec!["https://a.test/?id=1&token=T".to_owned(), "http://b.test/logo.png".to_owned()]
        );
    }

    #[test]
    fn links_are_distinct_and_trimmed() {
        let body = "See https://a.test/x. And <a href=\"https://a.test/x\">x</a> (http://b.test/y)";
        assert_eq!(links(body), vec!["https://a.test/x".to_owned(), "http://b.test/y".to_owned()]);
    }
}
