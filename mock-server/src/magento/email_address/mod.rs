//! Magento's email validator (Laminas `EmailAddress`, TLD check off). Pure: no I/O.
//!
//! Interim rules for ordinary addresses; exact agreement with the real validator's corpus is
//! tracked separately.

/// True when Magento's validator accepts `input` as an email address.
pub fn is_valid_email(input: &str) -> bool {
    let Some((local, domain)) = input.rsplit_once('@') else {
        return false;
    };
    valid_local(local) && valid_hostname(domain)
}

fn valid_local(local: &str) -> bool {
    const ATEXT_SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~";
    local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty() && atom.chars().all(|c| c.is_ascii_alphanumeric() || ATEXT_SPECIALS.contains(c))
        })
}

fn valid_hostname(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let is_ipv4 = labels.len() == 4 && labels.iter().all(|l| l.parse::<u8>().is_ok());
    domain.len() <= 255
        && labels.len() >= 2
        && !is_ipv4
        && labels.last().is_some_and(|tld| tld.len() >= 2)
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}
