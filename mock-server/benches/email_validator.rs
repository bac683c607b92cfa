//! Cost of one verdict of Magento's email validator: ordinary, IDN, and worst-case inputs, the
//! first time a domain is seen (`first_verdict`) and once its verdict is remembered (`remembered`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mock_server::magento::email_address::{is_valid_email, is_valid_email_unremembered};

fn inputs() -> Vec<(&'static str, String)> {
    vec![
        ("ordinary", "roni_cost@example.com".to_owned()),
        ("ordinary_upper_case", "Roni.Cost+tag@Mail.Example.CO.UK".to_owned()),
        ("ordinary_invalid", "roni_cost@example".to_owned()),
        ("idn_unicode", "josé@bücher.de".to_owned()),
        ("idn_cyrillic_tld", "user@пример.рф".to_owned()),
        ("idn_punycode", "user@xn--bcher-kva.io".to_owned()),
        ("idn_mixed_directions", "user@\u{5e9}\u{5c1}1\u{661}\u{627}\u{654}.com".to_owned()),
        ("long_quoted_local", format!("\"{}\"@example.com", "a\\\" ".repeat(15))),
        ("many_labels", format!("user@{}com", "a.".repeat(120))),
        ("longest_hostname", format!("user@{}.{}", vec!["b".repeat(63); 3].join("."), "c".repeat(62))),
        ("long_unicode_labels", format!("user@{}.de", vec!["ü".repeat(40); 4].join("."))),
        ("very_long_10k", format!("{}@{}.com", "a".repeat(5_000), "b".repeat(5_000))),
        ("very_long_domain_10k", format!("user@{}com", "b.".repeat(5_000))),
        ("very_long_unicode_10k", format!("user@{}.com", "ü".repeat(5_000))),
    ]
}

fn email_validator(c: &mut Criterion) {
    type Validator = fn(&str) -> bool;
    let validators: [(&str, Validator); 2] =
        [("first_verdict", is_valid_email_unremembered), ("remembered", is_valid_email)];
    for (group_name, validator) in validators {
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Elements(1));
        for (name, input) in inputs() {
            group.bench_function(name, |b| b.iter(|| validator(black_box(&input))));
        }
        group.finish();
    }
}

criterion_group!(benches, email_validator);
criterion_main!(benches);
